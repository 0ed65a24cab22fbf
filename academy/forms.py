"""Form building blocks shared by every feature: fields rendered with GOV.UK widgets."""
from __future__ import annotations

from flask import flash

from flask_wtf import FlaskForm
from govuk_frontend_wtf import wtforms_widgets as _widgets
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
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
import re
import unicodedata

from wtforms.validators import Email, InputRequired, Length, Optional, StopValidation, ValidationError

from academy.extensions import db


class _LegendIsTheQuestion:
    """A fieldset's legend is the question. A template that only styles the legend
    (params={"fieldset": {"legend": {"classes": ...}}}) replaces govuk-frontend-wtf's default legend
    whole; this puts the field's label back as its text, so no group of radios or date boxes is
    left without its question."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        legend = params.setdefault("fieldset", {}).setdefault("legend", {})
        if not legend.get("text") and not legend.get("html"):
            legend["text"] = field.label.text
        return params


class GovRadioInput(_LegendIsTheQuestion, _widgets.GovRadioInput):
    pass


class GovCheckboxesInput(_LegendIsTheQuestion, _widgets.GovCheckboxesInput):
    pass


class GovDateInput(_LegendIsTheQuestion, _widgets.GovDateInput):
    pass

__all__ = [
    "DayMonthYearField", "FlaskForm", "BooleanField", "DateField", "DecimalField", "EmailField", "IntegerField",
    "PasswordField", "RadioField", "SelectField", "SelectMultipleField", "StringField",
    "SubmitField", "TextAreaField", "GovCheckboxesInput", "GovCheckboxInput", "GovDateInput",
    "GovPasswordInput", "GovRadioInput", "GovSelect", "GovSubmitInput", "GovTextArea",
    "GovTextInput", "Email", "InputRequired", "Length", "Optional", "ValidationError",
    "email_field", "submit", "normalise_email", "OptionalDate", "RequiredDate", "PersonName",
    "form_error", "status_for",
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


def submit(label: str, id: str | None = None) -> SubmitField:
    """A GOV.UK button. Give it an `id` where several forms share a page (the error summary links to a
    refused form's button by its id, so two buttons must not both be "submit")."""
    return SubmitField(label, widget=GovSubmitInput(), id=id)


def form_error(form, field_name: str, problem) -> None:
    """A domain refusal shown as a GOV.UK field error (and so in the error summary); nothing saved."""
    db.session.rollback()
    field = form[field_name]
    field.errors = list(field.errors) + [str(problem)]


def flash_refusal(problem, category: str = "error") -> None:
    """A domain refusal of an action without a form (a button): nothing saved, the reason flashed."""
    db.session.rollback()
    flash(str(problem), category)


def status_for(form) -> int:
    """The status a form page is rendered with: 422 when the form (if any) has errors, else 200."""
    return 422 if form is not None and form.errors else 200


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


# Besides letters and combining marks (Zoë typed either way, 李小龍): plain spaces, hyphens
# (ASCII and U+2010), apostrophes (ASCII and U+2019) and full stops ("Anne-Marie St. John").
_NAME_PUNCTUATION = frozenset(" -\u2010'\u2019.")
# Something like a web address: "www." or two letters, a dot, two letters ("example.com", "evil.co.uk");
# initials ("J.R.R. Tolkien") and "St. John" are not.
_WEB_ADDRESS = re.compile(r"://|www\.|[^\W\d_]{2}\.[^\W\d_]{2}", re.IGNORECASE)


def name_problem(value: str, label: str = "Full name") -> str | None:
    """Why `value` is not a person's name (a GOV.UK-style message), or None if it is one.

    Only letters, marks and a little punctuation: no control or format characters (newlines, tabs,
    NUL, bidi overrides), no digits or symbols, and nothing like a web address, so a name shown in
    an email or on a manager's page cannot carry a link or rearrange the text around it."""
    if not value:
        return None
    if _WEB_ADDRESS.search(value):
        return f"{label} must not include a web address"
    allowed = all(ch in _NAME_PUNCTUATION or unicodedata.category(ch)[0] in "LM" for ch in value)
    if not allowed or not any(unicodedata.category(ch)[0] == "L" for ch in value):
        return f"{label} must only include letters, spaces, hyphens, apostrophes and full stops"
    return None


class PersonName:
    """Validator for a field where a person's name is typed (sign-up, invitation, starter, application)."""

    def __init__(self, label: str = "Full name"):
        self.label = label

    def __call__(self, form, field):
        problem = name_problem(field.data if isinstance(field.data, str) else "", self.label)
        if problem:
            raise ValidationError(problem)
