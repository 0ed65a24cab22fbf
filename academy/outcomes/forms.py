"""Forms: starting a recompute (a date range) and editing a baseline."""
from __future__ import annotations

from datetime import date

from academy.forms import (
    DayMonthYearField,
    DecimalField,
    FlaskForm,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
    InputRequired,
    IntegerField,
    Length,
    Optional,
    RadioField,
    RequiredDate,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
    submit,
)
from academy.outcomes.metrics import ALL_METRICS, STRATEGY_METRICS
from academy.outcomes.models import GoodDirection


class RecomputeForm(FlaskForm):
    start = DayMonthYearField("From", invalid="From must be a real date, like 31 3 2025",
                              description="The first month to recompute, for example 1 4 2025",
                              validators=[RequiredDate(message="Enter the date to recompute from")])
    end = DayMonthYearField("To", invalid="To must be a real date, like 31 3 2025",
                            description="Today or earlier. A date that is not a month end gives a "
                            "month-to-date figure.", validators=[RequiredDate(message="Enter the date to recompute to")])
    submit = submit("Start the recompute")

    def validate_end(self, field):
        if field.data and field.data > date.today():
            raise ValidationError("The end date must be today or in the past")
        if field.data and self.start.data and self.start.data > field.data:
            raise ValidationError("The end date must be the same as or after the start date")

    def validate_start(self, field):
        if field.data and field.data < date(2000, 1, 1):
            raise ValidationError("The start date must be in 2000 or later")


class BaselineForm(FlaskForm):
    outcome = SelectField("Outcome", widget=GovSelect(),
                          choices=[(m.key, m.label) for m in STRATEGY_METRICS] +
                                  [(k, m.label) for k, m in ALL_METRICS.items() if m.kind == "rate" and not m.strategy
                                   and not m.part_of])
    geography = StringField("Geography", description="For example, Hertfordshire, East of England or England",
                            filters=[lambda v: v.strip() if isinstance(v, str) else v],
                            validators=[InputRequired(message="Enter the geography"),
                                        Length(max=60, message="Geography must be 60 characters or fewer")],
                            widget=GovTextInput())
    year = IntegerField("Year", validators=[InputRequired(message="Enter the year, like 2024")],
                        widget=GovTextInput(), render_kw={"inputmode": "numeric"})
    value = DecimalField("Value (%)", places=2, description="A percentage, for example 6.1",
                         validators=[InputRequired(message="Enter the value as a percentage, like 6.1")],
                         widget=GovTextInput(), render_kw={"inputmode": "decimal"})
    good_direction = RadioField("Which direction is good?", widget=GovRadioInput(),
                                choices=[(d.name, d.value) for d in GoodDirection],
                                validators=[InputRequired(message="Select which direction is good")])
    source = TextAreaField("Source (optional)", validators=[Optional(), Length(max=1000)], widget=GovTextArea())
    submit = submit("Save baseline")

    def validate_year(self, field):
        if field.data is not None and not 2000 <= field.data <= date.today().year + 1:
            raise ValidationError(f"Year must be between 2000 and {date.today().year + 1}")

    def validate_value(self, field):
        if field.data is not None and not 0 <= field.data <= 100:
            raise ValidationError("Value must be a percentage between 0 and 100")
