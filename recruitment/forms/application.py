"""The application journey's forms, one question a page, and the applicant's own pages."""
from __future__ import annotations

from flask import current_app
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovFileInput
from wtforms.validators import DataRequired

from academy.forms import (
    FlaskForm, GovCheckboxesInput, GovRadioInput, GovTextInput, InputRequired, IntegerField, Length, PersonName,
    RadioField, SelectMultipleField, StringField, ValidationError, submit,
)
from recruitment.forms.common import (
    PHONE, POSTCODE, enum_choices, strip_text, text_area, tidy_postcode, word_count, yes_no,
)
from recruitment.models import Experience, HeardAbout, RightToWork


class NameForm(FlaskForm):
    full_name = StringField("What is your full name?", filters=[strip_text], widget=GovTextInput(),
                            validators=[DataRequired(message="Enter your full name"),
                                        Length(max=200, message="Full name must be 200 characters or fewer"),
                                        PersonName()])
    submit = submit("Continue")


class PhoneForm(FlaskForm):
    phone = StringField("What is your phone number?", filters=[strip_text], widget=GovTextInput(),
                        description="We will phone you to talk about your application. For example, 07700 900 982",
                        validators=[DataRequired(message="Enter your phone number")])
    submit = submit("Continue")

    def validate_phone(self, field):
        if field.data and not PHONE.match(field.data):
            raise ValidationError("Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")


class PostcodeForm(FlaskForm):
    postcode = StringField("What is your postcode?", filters=[tidy_postcode], widget=GovTextInput(),
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
    right_to_work = RadioField("Do you have the right to work in the UK?", choices=enum_choices(RightToWork),
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
    experience = RadioField("How much experience of care work do you have?", choices=enum_choices(Experience),
                            description="Paid or unpaid, including caring for a family member",
                            widget=GovRadioInput(),
                            validators=[InputRequired(message="Select how much experience of care work you have")])
    experience_details = text_area("Tell us about your experience (optional)", max_length=3000)
    submit = submit("Continue")


class QualificationsForm(FlaskForm):
    qualifications = text_area("What qualifications do you have? (optional)", max_length=3000,
                               description="For example, the Care Certificate, a Level 2 Diploma in Care, "
                                           "GCSEs or a first aid certificate. If you are a registered nurse, "
                                           "give your NMC PIN. Leave it empty if you have none.")
    submit = submit("Continue")


class LanguagesForm(FlaskForm):
    languages = StringField("Which languages do you speak?", filters=[strip_text], widget=GovTextInput(),
                            description="For example, English, Polish",
                            validators=[DataRequired(message="Enter the languages you speak"),
                                        Length(max=300, message="Languages must be 300 characters or fewer")])
    submit = submit("Continue")


class HeardAboutForm(FlaskForm):
    heard_about = RadioField("How did you hear about us?", choices=enum_choices(HeardAbout), widget=GovRadioInput(),
                             validators=[InputRequired(message="Select how you heard about us")])
    heard_about_other = StringField("If somewhere else, where?", filters=[strip_text], widget=GovTextInput(),
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
    answer = StringField("", filters=[strip_text], widget=GovCharacterCount(),
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
