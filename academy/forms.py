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
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

__all__ = [
    "FlaskForm", "BooleanField", "DateField", "DecimalField", "EmailField", "IntegerField",
    "PasswordField", "RadioField", "SelectField", "SelectMultipleField", "StringField",
    "SubmitField", "TextAreaField", "GovCheckboxesInput", "GovCheckboxInput", "GovDateInput",
    "GovPasswordInput", "GovRadioInput", "GovSelect", "GovSubmitInput", "GovTextArea",
    "GovTextInput", "Email", "InputRequired", "Length", "Optional", "ValidationError",
    "email_field", "submit", "normalise_email",
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
