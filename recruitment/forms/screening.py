"""HCPA staff's screening forms: moving an application, notes, values assessments and their review."""
from __future__ import annotations

from wtforms import HiddenField

from academy.forms import (
    FlaskForm, GovRadioInput, GovSelect, InputRequired, RadioField, SelectField, ValidationError, submit,
)
from recruitment.forms.common import VersionedForm, text_area
from recruitment.models import VALUES


class MoveForm(VersionedForm):
    to_state = HiddenField()
    reason = text_area("Reason", max_length=2000)
    submit = submit("Move")


class AssignForm(VersionedForm):
    officer = SelectField("Assigned officer", widget=GovSelect(), validate_choice=False)
    submit = submit("Assign")


class NoteForm(FlaskForm):
    text = text_area("Add a note", required="Enter the note", max_length=5000)
    submit = submit("Save note")


SCORE_CHOICES = [("1", "1: no evidence"), ("2", "2: limited evidence"), ("3", "3: clear evidence"),
                 ("4", "4: strong, specific evidence")]


def _score_field(value: str) -> RadioField:
    return RadioField(f"{value.capitalize()} score", choices=SCORE_CHOICES, widget=GovRadioInput(),
                      validators=[InputRequired(message=f"Select a score for {value}")])


def _justification_field(value: str):
    return text_area(f"Why this score for {value}?", required=f"Give a reason for the {value} score",
                     max_length=3000)


class ValuesAssessmentForm(FlaskForm):
    """Score each of the 6 Cs 1-4 with a justification (fields care_score, care_justification, ...)."""

    submit = submit("Record assessment")


for _value in VALUES:
    setattr(ValuesAssessmentForm, f"{_value}_score", _score_field(_value))
    setattr(ValuesAssessmentForm, f"{_value}_justification", _justification_field(_value))


class ReviewForm(FlaskForm):
    agrees = RadioField("Do you agree with these scores?", widget=GovRadioInput(),
                        choices=[("yes", "Yes, I agree"), ("no", "No, I would score it differently")],
                        validators=[InputRequired(message="Select whether you agree with the scores")])
    comment = text_area("Comment", max_length=3000, description="Required if you do not agree")
    submit = submit("Record review")

    def validate_comment(self, field):
        if self.agrees.data == "no" and not field.data:
            raise ValidationError("Say why you would score it differently")
