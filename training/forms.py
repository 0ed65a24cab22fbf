"""Forms for training records, sessions, qualifications, inductions, shares and the catalogue."""
from __future__ import annotations

import re

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from academy.forms import (
    OptionalDate,
    RequiredDate,
    BooleanField,
    DayMonthYearField,
    FlaskForm,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
    InputRequired,
    IntegerField,
    Length,
    Optional,
    ValidationError,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    submit,
)
from training.models import CertificateVersion, CourseCategory, QualificationStatus, QualificationType
from training.passport import SHARE_DAYS
from training.records import OTHER_COURSE


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _date(label: str, required: bool = True, message: str | None = None, **kwargs) -> DayMonthYearField:
    validators = [RequiredDate(message=message or f"Enter the {label.lower()}")] if required else [OptionalDate()]
    name = re.sub(r"\s*\(.*\)$", "", label)  # "Date achieved (if achieved)" -> "Date achieved"
    return DayMonthYearField(label, invalid=f"{name} must be a real date", validators=validators, **kwargs)


def _course_choices(courses) -> list[tuple[int, str]]:
    return [(0, "Choose a course")] + [(c.id, c.name) for c in courses]


class TrainingRecordForm(FlaskForm):
    course_id = SelectField("Course", coerce=int, widget=GovSelect(),
                            description="Not in the list? Choose 'Other' at the end and type its name below")
    other_course = StringField("Name of the training, if you chose 'Other'", filters=[_strip],
                               validators=[Optional(), Length(max=200, message="The name of the course must be 200 characters or fewer")],
                               widget=GovTextInput())
    completed_on = _date("Date completed", message="Enter the date the training was completed",
                         description="For example, 27 3 2025")
    expires_on = _date("Expiry date on the certificate (optional)", required=False,
                       description="Leave empty to use the course's usual renewal period")
    training_provider = StringField("Training provider (optional)", filters=[_strip],
                                    validators=[Optional(), Length(max=200)], widget=GovTextInput())
    certificate_reference = StringField("Certificate number (optional)", filters=[_strip],
                                        validators=[Optional(), Length(max=100)], widget=GovTextInput())
    certificate = FileField("Upload the certificate (optional)", widget=GovFileInput(),
                            description="A PDF, Word document, JPG or PNG, smaller than 5 MB")
    notes = TextAreaField("Notes (optional)", filters=[_strip], validators=[Optional(), Length(max=1000)],
                          widget=GovTextArea())
    submit = submit("Save training")

    def __init__(self, courses, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.course_id.choices = _course_choices(courses) + [(OTHER_COURSE, "Other: not in the list")]


class VerifyManyForm(FlaskForm):
    """The self-declared training of a manager's staff: tick what you have checked, verify at once."""

    records = SelectMultipleField("Training you have checked", coerce=int, widget=GovCheckboxesInput(),
                                  validate_choice=False,  # validate_records says it in words
                                  description="Check the certificate or evidence of each before you verify it.")
    submit = submit("Verify selected training")

    def __init__(self, to_verify, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.records.choices = [
            (r.id, f"{r.person.full_name}: {r.course.name}, completed {r.completed_on:%-d %B %Y}"
                   + (f", certificate {r.certificate_reference}" if r.certificate_reference else "")
                   + (", certificate uploaded" if r.certificate_file else ""))
            for r in to_verify]

    def validate_records(self, field):
        if not field.data:
            raise ValidationError("Select the training you have checked")
        offered = {record_id for record_id, _ in field.choices}
        if any(record_id not in offered for record_id in field.data):
            raise ValidationError("Choose training from the list: only your own staff's self-declared training "
                                  "can be verified here")


class SessionForm(FlaskForm):
    course_id = SelectField("Course", coerce=int, widget=GovSelect())
    completed_on = _date("Date of the session", message="Enter the date of the session")
    training_provider = StringField("Trainer or training provider (optional)", filters=[_strip],
                                    validators=[Optional(), Length(max=200)], widget=GovTextInput())
    attendees = SelectMultipleField("Who attended", coerce=int, widget=GovCheckboxesInput())
    submit = submit("Record the session")

    def __init__(self, courses, people, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.course_id.choices = _course_choices(courses)
        self.attendees.choices = [(p.id, p.full_name) for p in people]


class QualificationForm(FlaskForm):
    qualification_type = SelectField("Qualification", widget=GovSelect(),
                                     choices=[("", "Choose a qualification")] + [(q.name, q.value) for q in QualificationType])
    title = StringField("Name of the qualification (for 'other' qualifications)", filters=[_strip],
                        validators=[Optional(), Length(max=200)], widget=GovTextInput())
    level = IntegerField("Level (for 'other' qualifications)", validators=[Optional()], widget=GovTextInput(),
                         render_kw={"inputmode": "numeric"})
    status = RadioField("Status", widget=GovRadioInput(),
                        choices=[(s.name, s.value) for s in QualificationStatus],
                        validators=[InputRequired(message="Choose the status")])
    started_on = _date("Start date (optional)", required=False)
    achieved_on = _date("Date achieved (if achieved)", required=False)
    awarding_body = StringField("Awarding body (optional)", filters=[_strip],
                                validators=[Optional(), Length(max=200)], widget=GovTextInput())
    registration_number = StringField("NMC PIN (nurses only)", filters=[_strip],
                                      validators=[Optional(), Length(max=20)], widget=GovTextInput())
    renewal_due_on = _date("NMC renewal date (nurses only)", required=False)
    submit = submit("Save qualification")


class StartInductionForm(FlaskForm):
    started_on = _date("Date the induction started", message="Enter the date the induction started")
    submit = submit("Start the Care Certificate")


class CompletedCertificateForm(FlaskForm):
    version = RadioField("Which Care Certificate", widget=GovRadioInput(),
                         choices=[(CertificateVersion.v2025.name, "2025 version (16 standards)"),
                                  (CertificateVersion.v2015.name, "2015 version (15 standards, completed before August 2025)")],
                         validators=[InputRequired(message="Choose which Care Certificate")])
    completed_on = _date("Date completed", message="Enter the date the Care Certificate was completed")
    submit = submit("Record completed Care Certificate")


class ShareForm(FlaskForm):
    shared_with = StringField("Who are you sharing it with?", filters=[_strip],
                              description="For example, the manager at Verulam House",
                              validators=[InputRequired(message="Enter who you are sharing your passport with"),
                                          Length(max=200, message="Must be 200 characters or fewer")],
                              widget=GovTextInput())
    days = RadioField("How long should the link work?", coerce=int, widget=GovRadioInput(),
                      choices=[(d, f"{d} day" if d == 1 else f"{d} days") for d in SHARE_DAYS],
                      validators=[InputRequired(message="Choose how long the link should work")])
    submit = submit("Create link")


class ShareCodeForm(FlaskForm):
    code = StringField("Passport code", filters=[_strip], description="10 letters and numbers, for example ABCDE-23456",
                       validators=[InputRequired(message="Enter the passport code"), Length(max=20)],
                       widget=GovTextInput())
    submit = submit("View passport")


class VerifyForm(FlaskForm):
    code = StringField("Check code", filters=[_strip],
                       description="From the passport or its PDF: 24 letters and numbers, for example "
                                   "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ",
                       validators=[InputRequired(message="Enter the check code"), Length(max=500)],
                       widget=GovTextInput())
    submit = submit("Check")


class CourseForm(FlaskForm):
    name = StringField("Course name", filters=[_strip],
                       validators=[InputRequired(message="Enter the course name"),
                                   Length(max=200, message="Course name must be 200 characters or fewer")],
                       widget=GovTextInput())
    category = RadioField("Category", widget=GovRadioInput(),
                          choices=[(c.name, c.value) for c in CourseCategory if c != CourseCategory.qualification],
                          validators=[InputRequired(message="Choose the category")])
    renewal_months = IntegerField("Renewal period in months (leave empty if it never expires)",
                                  validators=[Optional()], widget=GovTextInput(), render_kw={"inputmode": "numeric"})
    care_certificate_standard = SelectField(
        "Care Certificate standard it evidences", coerce=int, widget=GovSelect(),
        choices=[(0, "None")] + [(n, f"Standard {n}") for n in range(1, 17)])
    mandatory_for = SelectMultipleField("Mandatory for these job roles", coerce=int, widget=GovCheckboxesInput())
    description = TextAreaField("Description (optional)", filters=[_strip], validators=[Optional(), Length(max=2000)],
                                widget=GovTextArea())
    is_active = BooleanField("In use (new training can be recorded for it)", widget=GovCheckboxInput(), default=True)
    submit = submit("Save course")

    def __init__(self, job_roles, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mandatory_for.choices = [(r.id, r.name) for r in job_roles]


class LinkAnswerForm(FlaskForm):
    """Accept or decline a workplace's request to link the passport (only the CSRF token)."""
