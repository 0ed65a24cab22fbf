"""Forms for the application journey (one question a page), screening, checks, referrals and check-ins."""
from __future__ import annotations

import re

from flask import current_app
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovFileInput
from wtforms import HiddenField, TimeField
from wtforms.validators import DataRequired

from academy.forms import (
    BooleanField,
    DayMonthYearField,
    FlaskForm,
    GovCheckboxInput,
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
    InputRequired,
    IntegerField,
    Length,
    Optional,
    OptionalDate,
    PersonName,
    RadioField,
    RequiredDate,
    SelectField,
    SelectMultipleField,
    StringField,
    ValidationError,
    submit,
)
from recruitment.models import (
    VALUES, CheckStatus, DbsStatus, Experience, HealthStatus, HeardAbout, HistoryStatus, ReferenceKind,
    ReferenceStatus, RightToWork,
)

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
PHONE = re.compile(r"^\+?[0-9 ()-]{10,20}$")
YES_NO = [("yes", "Yes"), ("no", "No")]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _postcode(value):
    if not isinstance(value, str):
        return value
    compact = re.sub(r"\s+", "", value.upper())
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def _choices(enum_cls):
    return [(member.name, member.value) for member in enum_cls]


def yes_no(label: str, message: str, **kwargs) -> RadioField:
    return RadioField(label, choices=YES_NO, validators=[InputRequired(message=message)],
                      widget=GovRadioInput(), **kwargs)


def text_area(label: str, required: str | None = None, max_length: int = 2000, **kwargs):
    validators = [DataRequired(message=required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=f"{label} must be {max_length:,} characters or fewer"))
    return StringField(label, filters=[_strip], validators=validators, widget=GovTextArea(), **kwargs)


def word_count(text: str | None) -> int:
    return len((text or "").split())


class VersionedForm(FlaskForm):
    """A form acting on a record two officers may edit at once: carries the version it was shown at."""

    version = HiddenField()


# The application journey: one form a page -------------------------------------------------------

class NameForm(FlaskForm):
    full_name = StringField("What is your full name?", filters=[_strip], widget=GovTextInput(),
                            validators=[DataRequired(message="Enter your full name"),
                                        Length(max=200, message="Full name must be 200 characters or fewer"),
                                        PersonName()])
    submit = submit("Continue")


class PhoneForm(FlaskForm):
    phone = StringField("What is your phone number?", filters=[_strip], widget=GovTextInput(),
                        description="We will phone you to talk about your application. For example, 07700 900 982",
                        validators=[DataRequired(message="Enter your phone number")])
    submit = submit("Continue")

    def validate_phone(self, field):
        if field.data and not PHONE.match(field.data):
            raise ValidationError("Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")


class PostcodeForm(FlaskForm):
    postcode = StringField("What is your postcode?", filters=[_postcode], widget=GovTextInput(),
                           description="We use it to find jobs near you. For example, AL1 3JE",
                           validators=[DataRequired(message="Enter your postcode")])
    submit = submit("Continue")

    def validate_postcode(self, field):
        if field.data and not POSTCODE.match(field.data):
            raise ValidationError("Enter a real postcode, like AL1 3JE")


class DistrictForm(FlaskForm):
    district_id = RadioField("Which part of Hertfordshire would you like to work in?", coerce=int,
                             widget=GovRadioInput(), validators=[InputRequired(message="Select a district")])
    submit = submit("Continue")

    def __init__(self, districts, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district_id.choices = [(d.id, d.name) for d in districts]


class RightToWorkForm(FlaskForm):
    right_to_work = RadioField("Do you have the right to work in the UK?", choices=_choices(RightToWork),
                               widget=GovRadioInput(),
                               validators=[InputRequired(message="Select whether you have the right to work in the UK")])
    submit = submit("Continue")


class DrivingForm(FlaskForm):
    driving_licence = yes_no("Do you have a full UK driving licence?",
                             "Select yes if you have a full UK driving licence")
    has_car = yes_no("Do you have a car you could use for work?", "Select yes if you have a car you could use")
    submit = submit("Continue")


SHIFTS = [("days", "Days"), ("nights", "Nights"), ("weekends", "Weekends")]


class AvailabilityForm(FlaskForm):
    shifts = SelectMultipleField("When can you work?", choices=SHIFTS, widget=GovCheckboxesInput(),
                                 description="Select all that apply",
                                 validators=[InputRequired(message="Select when you can work")])
    hours_per_week = IntegerField("How many hours a week would you like to work?", widget=GovTextInput(),
                                  description="For example, 20. Most jobs are between 16 and 40 hours a week.",
                                  validators=[InputRequired(message="Enter how many hours a week you would like to work")],
                                  render_kw={"inputmode": "numeric"})
    submit = submit("Continue")

    def validate_hours_per_week(self, field):
        if field.data is not None and not 1 <= field.data <= 60:
            raise ValidationError("Hours a week must be between 1 and 60")


class ServiceTypesForm(FlaskForm):
    service_type_ids = SelectMultipleField("Which kinds of care would you like to work in?", coerce=int,
                                           widget=GovCheckboxesInput(), description="Select all that apply",
                                           validators=[InputRequired(message="Select at least one kind of care")])
    submit = submit("Continue")

    def __init__(self, service_types, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.service_type_ids.choices = [(s.id, s.name) for s in service_types]


class ExperienceForm(FlaskForm):
    experience = RadioField("How much experience of care work do you have?", choices=_choices(Experience),
                            description="Paid or unpaid, including caring for a family member",
                            widget=GovRadioInput(),
                            validators=[InputRequired(message="Select how much experience of care work you have")])
    experience_details = text_area("Tell us about your experience (optional)", max_length=3000)
    submit = submit("Continue")


class QualificationsForm(FlaskForm):
    qualifications = text_area("What qualifications do you have? (optional)", max_length=3000,
                               description="For example, the Care Certificate, a Level 2 Diploma in Care, "
                                           "GCSEs or a first aid certificate. Leave it empty if you have none.")
    submit = submit("Continue")


class LanguagesForm(FlaskForm):
    languages = StringField("Which languages do you speak?", filters=[_strip], widget=GovTextInput(),
                            description="For example, English, Polish",
                            validators=[DataRequired(message="Enter the languages you speak"),
                                        Length(max=300, message="Languages must be 300 characters or fewer")])
    submit = submit("Continue")


class HeardAboutForm(FlaskForm):
    heard_about = RadioField("How did you hear about us?", choices=_choices(HeardAbout), widget=GovRadioInput(),
                             validators=[InputRequired(message="Select how you heard about us")])
    heard_about_other = StringField("If somewhere else, where?", filters=[_strip], widget=GovTextInput(),
                                    validators=[Length(max=200, message="Must be 200 characters or fewer")])
    submit = submit("Continue")

    def validate_heard_about_other(self, field):
        if self.heard_about.data == HeardAbout.other.name and not field.data:
            raise ValidationError("Tell us where you heard about us")


VALUES_QUESTIONS = {
    "care": "Tell us about a time you helped someone who was upset or worried. What did you do?",
    "compassion": "Tell us about a time you put yourself in someone else's shoes. How did it change what you did?",
    "competence": "Tell us about something you learned to do well. How did you learn it?",
    "communication": "Tell us about a time you explained something to someone who found it hard to understand.",
    "courage": "Tell us about a time you spoke up because something did not seem right.",
    "commitment": "Tell us about a time you kept going with something even though it was hard.",
}


class ValuesAnswerForm(FlaskForm):
    answer = StringField("", filters=[_strip], widget=GovCharacterCount(),
                         description="It can be from work, school, family life or volunteering. "
                                     "There are no right or wrong answers.")
    submit = submit("Continue")

    def __init__(self, value: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.value = value
        self.answer.label.text = VALUES_QUESTIONS[value]

    @property
    def max_words(self) -> int:
        return current_app.config["VALUES_ANSWER_MAX_WORDS"]

    def validate_answer(self, field):
        if not field.data:
            raise ValidationError("Enter your answer")
        if word_count(field.data) > self.max_words:
            raise ValidationError(f"Your answer must be {self.max_words} words or fewer")


class CvForm(FlaskForm):
    cv = FileField("Upload a file (optional)", widget=GovFileInput(),
                   description="A PDF or Word document, up to 5MB")
    submit = submit("Continue")


class SubmitApplicationForm(FlaskForm):
    submit = submit("Accept and send")


class ContactForm(FlaskForm):
    phone = PhoneForm.phone
    postcode = PostcodeForm.postcode
    submit = submit("Save contact details")
    validate_phone = PhoneForm.validate_phone
    validate_postcode = PostcodeForm.validate_postcode


class WithdrawForm(FlaskForm):
    reason = text_area("Why are you withdrawing? (optional)", max_length=1000,
                       description="This helps us improve. You do not have to tell us.")
    submit = submit("Withdraw my application")


# HCPA staff ------------------------------------------------------------------------------------

class MoveForm(VersionedForm):
    to_state = HiddenField()
    reason = text_area("Reason", max_length=2000)
    submit = submit("Move")


class NoteForm(FlaskForm):
    text = text_area("Add a note", required="Enter the note", max_length=5000)
    submit = submit("Save note")


SCORE_CHOICES = [("1", "1: no evidence"), ("2", "2: limited evidence"), ("3", "3: clear evidence"),
                 ("4", "4: strong, specific evidence")]


def _score_field(value: str) -> RadioField:
    return RadioField(f"{value.capitalize()} score", choices=SCORE_CHOICES, widget=GovRadioInput(),
                      validators=[InputRequired(message=f"Select a score for {value}")])


def _justification_field(value: str):
    return text_area(f"Why this score for {value}?", required=f"Give a reason for the {value} score",
                     max_length=3000)


class ValuesAssessmentForm(FlaskForm):
    """Score each of the 6 Cs 1-4 with a justification (fields care_score, care_justification, ...)."""

    submit = submit("Record assessment")


for _value in VALUES:
    setattr(ValuesAssessmentForm, f"{_value}_score", _score_field(_value))
    setattr(ValuesAssessmentForm, f"{_value}_justification", _justification_field(_value))


class ReviewForm(FlaskForm):
    agrees = RadioField("Do you agree with these scores?", widget=GovRadioInput(),
                        choices=[("yes", "Yes, I agree"), ("no", "No, I would score it differently")],
                        validators=[InputRequired(message="Select whether you agree with the scores")])
    comment = text_area("Comment", max_length=3000, description="Required if you do not agree")
    submit = submit("Record review")

    def validate_comment(self, field):
        if self.agrees.data == "no" and not field.data:
            raise ValidationError("Say why you would score it differently")


class ChecksForm(VersionedForm):
    identity_right_to_work = RadioField("Identity and right to work", choices=_choices(CheckStatus),
                                        widget=GovRadioInput())
    right_to_work_evidence = StringField("Evidence seen", filters=[_strip], widget=GovTextInput(),
                                         description="For example, British passport, or Home Office share code check",
                                         validators=[Optional(), Length(max=200)])
    right_to_work_expires_on = DayMonthYearField("Permission to work ends (for time-limited permission)",
                                                 validators=[OptionalDate()],
                                         description="For example, 27 3 2027")
    dbs_status = RadioField("Enhanced DBS", choices=_choices(DbsStatus), widget=GovRadioInput())
    dbs_barred_list_checked = BooleanField("Adults' barred list checked", widget=GovCheckboxInput())
    dbs_certificate_number = StringField("DBS certificate number", filters=[_strip], widget=GovTextInput(),
                                         description="12 digits", validators=[Optional()])
    dbs_issued_on = DayMonthYearField("DBS certificate issued", validators=[OptionalDate()],
                                      invalid="The DBS certificate issue date must be a real date")
    dbs_update_service = BooleanField("Subscribed to the DBS Update Service", widget=GovCheckboxInput())
    dbs_risk_assessment = text_area("Risk assessment of the disclosed information", max_length=5000,
                                    description="Required when information is disclosed")
    reference_1_name = StringField("First referee", filters=[_strip], widget=GovTextInput(),
                                   validators=[Optional(), Length(max=200)])
    reference_1_kind = SelectField("First reference is from", choices=[("", "Choose")] + _choices(ReferenceKind),
                                   widget=GovSelect())
    reference_1_status = SelectField("First reference", choices=_choices(ReferenceStatus), widget=GovSelect())
    reference_2_name = StringField("Second referee", filters=[_strip], widget=GovTextInput(),
                                   validators=[Optional(), Length(max=200)])
    reference_2_kind = SelectField("Second reference is from", choices=[("", "Choose")] + _choices(ReferenceKind),
                                   widget=GovSelect())
    reference_2_status = SelectField("Second reference", choices=_choices(ReferenceStatus), widget=GovSelect())
    employment_history = RadioField("Employment history", choices=_choices(HistoryStatus), widget=GovRadioInput())
    employment_gaps_explanation = text_area("Explanation of gaps over 3 months", max_length=5000)
    health_status = RadioField("Health questionnaire", choices=_choices(HealthStatus), widget=GovRadioInput())
    health_notes = text_area("Health notes and adjustments", max_length=5000,
                             description="Special category data: only HCPA staff can see this")
    submit = submit("Save checks")


class ReferForm(VersionedForm):
    vacancy_id = HiddenField()
    submit = submit("Refer")


class PlacementForm(VersionedForm):
    start_date = DayMonthYearField("Start date", description="For example, 3 3 2026",
                                   invalid="The start date must be a real date",
                                   validators=[RequiredDate(message="Enter the start date")])
    hours_per_week = IntegerField("Contracted hours a week", widget=GovTextInput(), validators=[Optional()],
                                  render_kw={"inputmode": "numeric"})
    fill_post = BooleanField("Take one post off the vacancy (close it if it was the last)", widget=GovCheckboxInput(),
                             default=True)
    submit = submit("Record placement")

    def validate_hours_per_week(self, field):
        if field.data is not None and not 1 <= field.data <= 60:
            raise ValidationError("Hours a week must be between 1 and 60")


# Managers --------------------------------------------------------------------------------------

class ReferralDecisionForm(VersionedForm):
    decision = RadioField("Would you like to interview this candidate?", widget=GovRadioInput(),
                          choices=[("accept", "Yes, we will arrange an interview"), ("decline", "No")],
                          validators=[InputRequired(message="Select whether you would like to interview them")])
    reason = text_area("If not, why not?", max_length=2000, description="We use this to improve our referrals")
    submit = submit("Save decision")

    def validate_reason(self, field):
        if self.decision.data == "decline" and not field.data:
            raise ValidationError("Tell us why you are declining this candidate")


class InterviewForm(VersionedForm):
    interview_date = DayMonthYearField("Interview date", description="For example, 14 3 2026",
                                       invalid="The interview date must be a real date",
                                       validators=[RequiredDate(message="Enter the interview date")])
    interview_time = TimeField("Interview time", widget=GovTextInput(), description="For example, 14:30",
                               validators=[InputRequired(message="Enter the interview time, like 14:30")],
                               render_kw={"inputmode": "numeric"})
    submit = submit("Save interview")


class OutcomeForm(VersionedForm):
    outcome = RadioField("What was the outcome of the interview?", widget=GovRadioInput(),
                         choices=[("offer", "Offer the job"), ("unsuccessful", "Not successful")],
                         validators=[InputRequired(message="Select the outcome of the interview")])
    offer_details = text_area("Offer details", max_length=3000,
                              description="For example, hours, pay and a proposed start date")
    notes = text_area("Interview notes (optional)", max_length=3000)
    submit = submit("Save outcome")

    def validate_offer_details(self, field):
        if self.outcome.data == "offer" and not field.data:
            raise ValidationError("Enter the details of the offer")


class OfferDeclinedForm(VersionedForm):
    reason = text_area("Why was the offer not taken up?", required="Enter why the offer was not taken up",
                       max_length=2000)
    submit = submit("Record offer not taken up")


# Placed workers --------------------------------------------------------------------------------

class CheckInForm(FlaskForm):
    settled_rating = RadioField("How settled do you feel in your new job?", widget=GovRadioInput(),
                                choices=[("5", "5: very settled"), ("4", "4: settled"), ("3", "3: getting there"),
                                         ("2", "2: not very settled"), ("1", "1: not settled at all")],
                                validators=[InputRequired(message="Select how settled you feel")])
    comments = text_area("Tell us how it is going (optional)", max_length=3000)
    support_wanted = text_area("Is there anything we could help with? (optional)", max_length=3000,
                               description="For example, training, travel, or talking something through")
    submit = submit("Send")
