"""What the recruitment forms share: filters, field makers and the versioned form."""
from __future__ import annotations

import re

from wtforms import HiddenField
from wtforms.validators import DataRequired

from academy.forms import (
    FlaskForm, GovRadioInput, GovTextArea, InputRequired, Length, Optional, RadioField, StringField,
)

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
PHONE = re.compile(r"^\+?[0-9 ()-]{10,20}$")
YES_NO = [("yes", "Yes"), ("no", "No")]


def strip_text(value):
    """A filter: the text without the spaces around it."""
    return value.strip() if isinstance(value, str) else value


def tidy_postcode(value):
    """A filter: the postcode in capitals with one space before the last three characters."""
    if not isinstance(value, str):
        return value
    compact = re.sub(r"\s+", "", value.upper())
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def enum_choices(enum_cls):
    """Choices for a radio or select field: each member's name and its words."""
    return [(member.name, member.value) for member in enum_cls]


def yes_no(label: str, message: str, **kwargs) -> RadioField:
    return RadioField(label, choices=YES_NO, validators=[InputRequired(message=message)],
                      widget=GovRadioInput(), **kwargs)


def text_area(label: str, required: str | None = None, max_length: int = 2000, **kwargs):
    validators = [DataRequired(message=required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=f"{label} must be {max_length:,} characters or fewer"))
    return StringField(label, filters=[strip_text], validators=validators, widget=GovTextArea(), **kwargs)


def word_count(text: str | None) -> int:
    return len((text or "").split())


class VersionedForm(FlaskForm):
    """A form acting on a record two officers may edit at once: carries the version it was shown at."""

    version = HiddenField(render_kw={"id": False})  # no id: a page may carry several of these forms
