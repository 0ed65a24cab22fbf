"""HCPA staff's forms for possible duplicates: "not a duplicate" and the merge confirmation."""
from __future__ import annotations

from wtforms import HiddenField
from wtforms.validators import DataRequired

from academy.forms import BooleanField, FlaskForm, GovCheckboxInput, GovRadioInput, InputRequired, RadioField, submit


class DismissDuplicateForm(FlaskForm):
    submit = submit("Not a duplicate")


class MergeForm(FlaskForm):
    """Which of the two applications to keep (choices set by the view: the two ids), that the
    officer has checked they are one person (matching details are not proof: anyone can type
    someone else's name, postcode and mobile), and the versions of both as the page showed them (a change meanwhile is a conflict, not a merge)."""

    keep = RadioField("Which application do you want to keep?", widget=GovRadioInput(), validate_choice=True,
                      validators=[InputRequired(message="Select the application to keep")])
    same_person = BooleanField(
        "I have checked that these two applications are from the same person",
        validators=[DataRequired(message="Confirm that you have checked these applications are from the same person")],
        widget=GovCheckboxInput())
    first_version = HiddenField()
    second_version = HiddenField()
    submit = submit("Merge applications")
