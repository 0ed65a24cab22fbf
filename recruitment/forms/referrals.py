"""Referral forms: HCPA refers and places; the manager decides, interviews and offers; the placed
worker checks in."""
from __future__ import annotations

from wtforms import HiddenField, TimeField
from wtforms.validators import DataRequired

from academy.forms import (
    BooleanField, DayMonthYearField, FlaskForm, GovCheckboxInput, GovRadioInput, GovTextInput, InputRequired,
    IntegerField, Length, Optional, RadioField, RequiredDate, StringField, ValidationError, submit,
)
from recruitment.forms.common import VersionedForm, enum_choices, strip_text, text_area
from recruitment.models import InterviewFormat


class ReferForm(VersionedForm):
    note = text_area("A note to the manager (optional)", max_length=2000,
                     description="They see it in the referral email and on the referral page. For example, "
                                 "what the applicant said about the work, or when they can start.")
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
    submit = submit("Save decision", id="decision-submit")

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
    interview_format = RadioField("How will the interview happen?", widget=GovRadioInput(),
                                  choices=enum_choices(InterviewFormat),
                                  validators=[InputRequired(message="Select how the interview will happen")])
    interview_place = StringField("Where, or how to join", filters=[strip_text], widget=GovTextInput(),
                                  description="The address, the video-call link, or the number we will call",
                                  validators=[DataRequired(message="Enter where the interview is, or how to join"),
                                              Length(max=300, message="Where, or how to join, must be 300 "
                                                                      "characters or fewer")])
    submit = submit("Save interview", id="interview-submit")


class SlotForm(VersionedForm):
    """A time the manager offers for the interview (the applicant books one)."""
    slot_date = DayMonthYearField("Date", description="For example, 14 3 2026",
                                  invalid="The date must be a real date",
                                  validators=[RequiredDate(message="Enter the date of the interview time")])
    slot_time = TimeField("Time (UK time)", widget=GovTextInput(), description="For example, 14:30",
                          validators=[InputRequired(message="Enter the time, like 14:30")],
                          render_kw={"inputmode": "numeric"})
    minutes = IntegerField("Length in minutes", widget=GovTextInput(), default=60,
                           validators=[InputRequired(message="Enter how long the interview lasts, in minutes")],
                           render_kw={"inputmode": "numeric"})
    slot_format = RadioField("How will the interview happen?", widget=GovRadioInput(),
                             choices=enum_choices(InterviewFormat),
                             validators=[InputRequired(message="Select how the interview will happen")])
    slot_place = StringField("Where, or how to join", filters=[strip_text], widget=GovTextInput(),
                             description="The address, the video-call link, or the number you will call",
                             validators=[DataRequired(message="Enter where the interview is, or how to join"),
                                         Length(max=300, message="Where, or how to join, must be 300 "
                                                                 "characters or fewer")])
    another = RadioField("Do you want to offer another time before we email the applicant?", widget=GovRadioInput(),
                         choices=[("yes", "Yes, add another time"), ("no", "No, email them the times now")],
                         validators=[InputRequired(message="Select whether you want to offer another time")])
    submit = submit("Offer this time", id="slot-submit")

    def validate_minutes(self, field):
        if field.data is not None and not 10 <= field.data <= 240:
            raise ValidationError("An interview must last between 10 and 240 minutes")


class SendTimesForm(VersionedForm):
    """Email the applicant the times offered but not yet sent."""
    submit = submit("Email these times to the applicant", id="send-times-submit")


class WithdrawSlotForm(VersionedForm):
    """Take back one offered time (its id in `slot`). The page has a Withdraw button for each time;
    an error (no time given, or it was booked or withdrawn meanwhile) is shown on `slot`, whose id
    the first button carries (recruitment/referrals/_referral.html), so the error summary's link
    leads there. `slot` comes before `submit`: handle_step puts a refusal on the first field."""
    slot = HiddenField(id="withdraw-slot")
    submit = submit("Withdraw this time", id="withdraw-submit")

    def validate_slot(self, field):
        if not (field.data or "").isascii() or not (field.data or "").isdigit() or len(field.data) > 9:
            raise ValidationError("Choose a time to withdraw")


class CancelInterviewForm(VersionedForm):
    cancel_reason = text_area("Why is the interview cancelled?", required="Tell us why the interview is cancelled",
                              max_length=1000, description="The applicant sees this in the cancellation email")
    submit = submit("Cancel the interview", id="cancel-submit")


class NoShowForm(VersionedForm):
    submit = submit("Record that they did not come", id="no-show-submit")


class OutcomeForm(VersionedForm):
    outcome = RadioField("What was the outcome of the interview?", widget=GovRadioInput(),
                         choices=[("offer", "Offer the job"), ("unsuccessful", "Not successful")],
                         validators=[InputRequired(message="Select the outcome of the interview")])
    offer_details = text_area("Offer details", max_length=3000,
                              description="For example, hours, pay and a proposed start date")
    notes = text_area("Interview notes (optional)", max_length=3000)
    submit = submit("Save outcome", id="outcome-submit")

    def validate_offer_details(self, field):
        if self.outcome.data == "offer" and not field.data:
            raise ValidationError("Enter the details of the offer")


class OfferDeclinedForm(VersionedForm):
    reason = text_area("Why was the offer not taken up?", required="Enter why the offer was not taken up",
                       max_length=2000)
    submit = submit("Record offer not taken up", id="offer-declined-submit")


# Applicants ------------------------------------------------------------------------------------

class BookSlotForm(FlaskForm):
    """The applicant's choice among the offered times (choices set by the view)."""
    slot = RadioField("Which time suits you?", widget=GovRadioInput(), choices=[],
                      validators=[InputRequired(message="Select the time that suits you")])
    submit = submit("Book this time", id="book-submit")


class OtherTimesForm(FlaskForm):
    message = text_area("None of these times suit me: when can you come?",
                        required="Tell the care provider when you can come", max_length=1000,
                        description="For example, weekday mornings, or any time after 3pm")
    submit = submit("Ask for other times", id="other-times-submit")


class ApplicantCancelForm(FlaskForm):
    reason = text_area("Why can you not come?", required="Tell us why you cannot come", max_length=1000)
    submit = submit("Cancel my interview", id="applicant-cancel-submit")


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
