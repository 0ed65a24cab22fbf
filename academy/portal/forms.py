"""Forms for the portal's workforce pages: starters, leavers, role changes, RM flag, vacancies."""
from __future__ import annotations

from decimal import Decimal

from wtforms.validators import NumberRange

from academy.forms import (
    BooleanField,
    DayMonthYearField,
    DecimalField,
    FlaskForm,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
    InputRequired,
    IntegerField,
    Length,
    Optional,
    PersonName,
    RadioField,
    RequiredDate,
    SelectField,
    StringField,
    ValidationError,
    normalise_email,
    submit,
)
from academy.workplaces.models import ContractType

CONTRACT_CHOICES = [(c.name, c.value) for c in ContractType]
LEAVING_REASONS = [
    ("another_care_job", "Moved to another job in social care"),
    ("left_care", "Left social care"),
    ("nhs", "Moved to the NHS"),
    ("retired", "Retired"),
    ("dismissed", "Dismissed"),
    ("end_of_contract", "End of a fixed-term contract"),
    ("health", "Health reasons"),
    ("other", "Other"),
]
REASON_LABELS = dict(LEAVING_REASONS)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _role_field(label: str = "Job role") -> SelectField:
    return SelectField(label, coerce=_int_or_none, widget=GovSelect(),
                       validators=[InputRequired(message="Select a job role from the list")],
                       validate_choice=False)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _hours_field(label: str = "Contracted hours a week") -> DecimalField:
    return DecimalField(label, places=2, widget=GovTextInput(), render_kw={"inputmode": "decimal"},
                        validators=[Optional(), NumberRange(min=Decimal("0.5"), max=Decimal("60"),
                                                            message="Hours a week must be between 0.5 and 60")])


class _WithRoles(FlaskForm):
    def __init__(self, job_roles, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.job_role_id.choices = [("", "Choose a job role")] + [(r.id, r.name) for r in job_roles]
        self._role_ids = {r.id for r in job_roles}

    def validate_job_role_id(self, field):
        if field.data not in self._role_ids:
            raise ValidationError("Select a job role from the list")


class StarterForm(_WithRoles):
    full_name = StringField("Full name", filters=[_strip], widget=GovTextInput(),
                            validators=[InputRequired(message="Enter their full name"),
                                        Length(max=200, message="Full name must be 200 characters or fewer"),
                                        PersonName()])
    email = StringField("Email address (optional)", filters=[normalise_email], widget=GovTextInput(),
                        description="If they already have a training passport, we will ask them to link it to your "
                                    "workplace",
                        validators=[Optional(), Length(max=254)])
    job_role_id = _role_field()
    contract_type = RadioField("Contract", choices=CONTRACT_CHOICES, widget=GovRadioInput(),
                               validators=[InputRequired(message="Select the contract type")])
    hours_per_week = _hours_field()
    start_date = DayMonthYearField("Start date", description="For example, 3 3 2026",
                                   invalid="The start date must be a real date",
                                   validators=[RequiredDate(message="Enter the start date")])
    is_registered_manager = BooleanField("They are this workplace's registered manager (registered with CQC)",
                                         widget=GovCheckboxInput())
    submit = submit("Record starter")

    def validate_email(self, field):
        if field.data and ("@" not in field.data or "." not in field.data.split("@")[-1]):
            raise ValidationError("Enter an email address in the correct format, like name@example.com")


class LeaverForm(FlaskForm):
    leaving_date = DayMonthYearField("Leaving date", description="Their last day in post. For example, 27 3 2026",
                                     invalid="The leaving date must be a real date",
                                     validators=[RequiredDate(message="Enter the leaving date")])
    reason = RadioField("Why did they leave?", choices=LEAVING_REASONS, widget=GovRadioInput(),
                        validators=[InputRequired(message="Select why they left")])
    detail = StringField("More detail (optional)", filters=[_strip], widget=GovTextInput(),
                         validators=[Optional(), Length(max=120, message="More detail must be 120 characters or fewer")])
    submit = submit("Record leaver")


class RoleChangeForm(_WithRoles):
    job_role_id = _role_field("New job role")
    changed_on = DayMonthYearField("Date of the change", description="For example, 1 4 2026",
                                   invalid="The date of the change must be a real date",
                                   validators=[RequiredDate(message="Enter the date of the change")])
    submit = submit("Change job role")


class RegisteredManagerForm(FlaskForm):
    changed_on = DayMonthYearField("From which date?", description="For example, 1 4 2026",
                                   invalid="The date must be a real date",
                                   validators=[RequiredDate(message="Enter the date the change takes effect")])
    submit = submit("Save")


class CancelLinkForm(FlaskForm):
    submit = submit("Cancel the request")


class LinkOnBehalfForm(FlaskForm):
    submit = submit("Link on their behalf")


class VacancyForm(_WithRoles):
    job_role_id = _role_field()
    posts = IntegerField("Number of posts", widget=GovTextInput(), render_kw={"inputmode": "numeric"},
                         validators=[InputRequired(message="Enter the number of posts"),
                                     NumberRange(min=1, max=200, message="Number of posts must be between 1 and 200")])
    hours_per_week = _hours_field("Hours a week")
    days = BooleanField("Days", widget=GovCheckboxInput())
    nights = BooleanField("Nights", widget=GovCheckboxInput())
    weekends = BooleanField("Weekends", widget=GovCheckboxInput())
    contract_type = RadioField("Contract", choices=CONTRACT_CHOICES, widget=GovRadioInput(),
                               validators=[InputRequired(message="Select the contract type")])
    hourly_pay = DecimalField("Hourly pay in pounds (optional)", places=2, widget=GovTextInput(),
                              render_kw={"inputmode": "decimal"},
                              validators=[Optional(), NumberRange(min=Decimal("1"), max=Decimal("200"),
                                                                  message="Hourly pay must be between £1 and £200")])
    driving_needed = BooleanField("The post needs a driver with a car", widget=GovCheckboxInput())
    description = StringField("Description (optional)", filters=[_strip], widget=GovTextArea(),
                              validators=[Optional(), Length(max=3000, message="Description must be 3,000 characters or fewer")])
    opened_on = DayMonthYearField("Opened on", description="For example, 1 4 2026",
                                  invalid="The opening date must be a real date",
                                  validators=[RequiredDate(message="Enter the date the vacancy opened")])
    submit = submit("Save vacancy")

    def validate_weekends(self, field):
        if not (self.days.data or self.nights.data or field.data):
            raise ValidationError("Select at least one of days, nights or weekends")


class CloseVacancyForm(FlaskForm):
    closed_on = DayMonthYearField("Closed on", description="For example, 30 4 2026",
                                  invalid="The closing date must be a real date",
                                  validators=[RequiredDate(message="Enter the closing date")])
    submit = submit("Close vacancy")
