"""HCPA staff's forms for possible duplicates: "not a duplicate" and the merge confirmation."""
from __future__ import annotations

from wtforms import HiddenField

from academy.forms import FlaskForm, GovRadioInput, InputRequired, RadioField, submit


class DismissDuplicateForm(FlaskForm):
    submit = submit("Not a duplicate")


class MergeForm(FlaskForm):
    """Which of the two applications to keep (choices set by the view: the two ids), and the
    versions of both as the page showed them (a change meanwhile is a conflict, not a merge)."""

    keep = RadioField("Which application do you want to keep?", widget=GovRadioInput(), validate_choice=True,
                      validators=[InputRequired(message="Select the application to keep")])
    first_version = HiddenField()
    second_version = HiddenField()
    submit = submit("Merge applications")
