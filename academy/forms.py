"""Form building blocks shared by every feature: fields rendered with GOV.UK widgets."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, Optional, StopValidation, ValidationError

__all__ = [
    "DayMonthYearField", "FlaskForm", "BooleanField", "DateField", "DecimalField", "EmailField", "IntegerField",
    "PasswordField", "RadioField", "SelectField", "SelectMultipleField", "StringField",
    "SubmitField", "TextAreaField", "GovCheckboxesInput", "GovCheckboxInput", "GovDateInput",
    "GovPasswordInput", "GovRadioInput", "GovSelect", "GovSubmitInput", "GovTextArea",
    "GovTextInput", "Email", "InputRequired", "Length", "Optional", "ValidationError",
    "email_field", "submit", "normalise_email", "OptionalDate", "RequiredDate",
]


def normalise_email(value: str | None) -> str | None:
    return value.strip().lower() if isinstance(value, str) else value


def email_field(label: str = "Email address", **kwargs) -> StringField:
    return StringField(
        label,
        filters=[normalise_email],
        validators=[
            InputRequired(message="Enter an email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(message="Enter an email address in the correct format, like name@example.com",
                  check_deliverability=False),
        ],
        widget=GovTextInput(),
        **kwargs,
    )


def submit(label: str) -> SubmitField:
    return SubmitField(label, widget=GovSubmitInput())


class DayMonthYearField(DateField):
    """A date typed as day, month and year (GOV.UK date input), with a GOV.UK error message.

    Always has three raw parts (or none), so the widget can re-show whatever was typed. Use it
    with RequiredDate or OptionalDate (below), not InputRequired/DataRequired/Optional: those look
    at the day box alone, so "  3 2026" would be ignored or called missing."""

    def __init__(self, label, invalid: str = "Enter a real date", **kwargs):
        kwargs.setdefault("widget", GovDateInput())
        super().__init__(label, format="%d %m %Y", **kwargs)
        self.invalid = invalid

    def process(self, formdata, data=None, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if self.raw_data is not None and len(self.raw_data) != 3:
            self.raw_data = None if not self.raw_data else (self.raw_data + ["", "", ""])[:3]

    def process_formdata(self, valuelist):
        if not valuelist or not any(part.strip() for part in valuelist):
            self.data = None
            return
        try:
            super().process_formdata([" ".join(part.strip() for part in valuelist)])
        except ValueError:
            self.data = None
            raise ValueError(self.invalid) from None
        if self.data is None:
            raise ValueError(self.invalid)


class OptionalDate(Optional):
    """Optional only when all three boxes are empty: a part-filled date is an error, not ignored."""

    def __call__(self, form, field):
        if not any((v or "").strip() for v in (field.raw_data or [])):
            super().__call__(form, field)


class RequiredDate(InputRequired):
    """Required: 'Enter the ...' only when all three boxes are empty; a part-filled or impossible
    date keeps the field's own 'must be a real date' message."""

    def __call__(self, form, field):
        if not any((v or "").strip() for v in (field.raw_data or [])):
            field.errors[:] = []
            raise StopValidation(self.message)
