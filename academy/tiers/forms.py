"""Forms for tier rules (admins), endorsing a tier (managers) and profile visibility (workers)."""
from __future__ import annotations

from wtforms import HiddenField

from academy.forms import (
    FlaskForm, GovCheckboxesInput, GovRadioInput, GovTextInput, InputRequired, IntegerField, Optional, RadioField,
    SelectMultipleField, submit,
)
from academy.tiers.models import CriterionKind
from training.models import CourseCategory, QualificationType


class CriterionForm(FlaskForm):
    kind = RadioField("What does the criterion check?", widget=GovRadioInput(),
                      choices=[(k.name, k.value) for k in CriterionKind],
                      validators=[InputRequired(message="Select what the criterion checks")])
    number = IntegerField("Level or number of months", widget=GovTextInput(), validators=[Optional()],
                          description="Only for a qualification level (1 to 8) or months working in care (1 to 600)",
                          render_kw={"inputmode": "numeric"})
    courses = SelectMultipleField("Courses", widget=GovCheckboxesInput(),
                                  description="Only for current training in one of these courses")
    job_roles = SelectMultipleField("Job roles", widget=GovCheckboxesInput(),
                                    description="Only for working in one of these job roles")
    qualification_types = SelectMultipleField(
        "Qualifications", widget=GovCheckboxesInput(), description="Only for one of these qualifications achieved",
        choices=[(t.name, t.value) for t in QualificationType])
    submit = submit("Save criterion")

    def __init__(self, courses, job_roles, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.courses.choices = [(c.code, c.name) for c in courses
                                if c.category in (CourseCategory.specialist, CourseCategory.leadership,
                                                  CourseCategory.statutory_mandatory)]
        self.job_roles.choices = [(r.code, r.name) for r in job_roles]


class EndorseForm(FlaskForm):
    tier = HiddenField()
    submit = submit("Endorse tier")

    @property
    def tier_number(self) -> int | None:
        try:
            return int(self.tier.data)
        except (TypeError, ValueError):
            return None


class ConfirmForm(FlaskForm):
    submit = submit("Remove criterion")


class VisibilityForm(FlaskForm):
    visible = RadioField("Can employers see your professional profile?", widget=GovRadioInput(),
                         choices=[("yes", "Yes, managers and HCPA can see it"), ("no", "No, keep it hidden")],
                         validators=[InputRequired(message="Select whether employers can see your profile")])
    submit = submit("Save")
