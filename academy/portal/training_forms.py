"""Portal training forms: signing off Care Certificate standards from the Inductions page."""
from __future__ import annotations

from academy.forms import FlaskForm, GovCheckboxesInput, SelectMultipleField, ValidationError, submit
from training.catalogue import standards
from training.models import CareCertificateInduction, StandardState


def _number(value) -> int:
    """A ticked standard's number; anything else becomes 0, which no standard has."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class SignOffForm(FlaskForm):
    """The standards of one induction not yet signed off; the assessor ticks those observed.
    Each induction's form has its own prefix, so many sit on one page with unique field ids."""

    standards = SelectMultipleField("Standards you have observed", coerce=_number, validate_choice=False,
                                    widget=GovCheckboxesInput(),
                                    description="Sign off a standard once you have seen the worker's competence.")
    submit = submit("Sign off selected standards")

    @classmethod
    def for_induction(cls, induction: CareCertificateInduction, **kwargs) -> SignOffForm:
        form = cls(prefix=f"induction-{induction.id}", **kwargs)
        names = standards(induction.version)
        form.standards.choices = [
            (p.standard_number, f"{p.standard_number}. {names[p.standard_number]} ({p.state.value.lower()})")
            for p in induction.standards if p.state != StandardState.signed_off]
        return form

    def validate_standards(self, field):
        if not field.data:
            raise ValidationError("Select at least one standard to sign off")
        offered = {number for number, _ in field.choices}
        if any(number not in offered for number in field.data):
            raise ValidationError("Choose standards from the list: a standard already signed off cannot be chosen")
