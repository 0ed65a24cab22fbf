"""Forms for HCPA's benefits catalogue and the member's "I've used this"."""
from __future__ import annotations

from academy.benefits.catalogue import TOP_TIER, BenefitValues
from academy.benefits.models import BenefitKind
from academy.forms import (
    DayMonthYearField, FlaskForm, GovCheckboxesInput, GovRadioInput, GovSelect, GovTextArea, GovTextInput,
    InputRequired, Length, OptionalDate, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField,
    submit,
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BenefitForm(FlaskForm):
    title = StringField("Name of the benefit", widget=GovTextInput(), filters=[_strip],
                        description="For example, 10% off at Hertford leisure centres",
                        validators=[InputRequired(message="Enter the benefit's name"),
                                    Length(max=120, message="The benefit's name must be 120 characters or fewer")])
    kind = RadioField("What kind of benefit is it?", widget=GovRadioInput(),
                      choices=[(kind.name, kind.value) for kind in BenefitKind],
                      validators=[InputRequired(message="Select what kind of benefit it is")])
    description = TextAreaField("What the benefit is", widget=GovTextArea(), filters=[_strip],
                                validators=[InputRequired(message="Enter what the benefit is"),
                                            Length(max=3000, message="What the benefit is must be 3,000 characters "
                                                                     "or fewer")])
    how_to_claim = TextAreaField("How to claim it", widget=GovTextArea(), filters=[_strip],
                                 description="What the member does: who to call, what to show, any code to quote",
                                 validators=[InputRequired(message="Enter how to claim it"),
                                             Length(max=3000, message="How to claim it must be 3,000 characters "
                                                                      "or fewer")])
    claim_url = StringField("Web address to claim it (optional)", widget=GovTextInput(), filters=[_strip],
                            description="Must start with https://",
                            validators=[Length(max=500, message="The web address must be 500 characters or fewer")])
    min_tier = SelectField("Lowest career tier that gets it", coerce=int, widget=GovSelect())
    job_role_ids = SelectMultipleField("Job roles that get it", coerce=int, widget=GovCheckboxesInput(),
                                       description="Leave all unticked for any job role")
    member_provider_only = RadioField("Only for staff of HCPA member providers?", widget=GovRadioInput(),
                                      choices=[("no", "No, for members wherever they work"),
                                               ("yes", "Yes, only for staff employed by an HCPA member provider")],
                                      default="no",
                                      validators=[InputRequired(message="Select whether it is only for staff of "
                                                                        "HCPA member providers")])
    opens_on = DayMonthYearField("Opens on (optional)", description="Leave empty to open it now. For example, 1 4 2027",
                                 validators=[OptionalDate()])
    closes_on = DayMonthYearField("Closes on (optional)", description="The last day members see it. Leave empty "
                                  "to keep it open", validators=[OptionalDate()])
    submit = submit("Save benefit")

    def __init__(self, tiers, job_roles, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = {tier.number: tier.name for tier in tiers}
        self.min_tier.choices = [(0, "Every tier (all CPA members)")] + [
            (number, f"Tier {number}: {names[number]}" if number in names else f"Tier {number}")
            for number in range(1, TOP_TIER + 1)]
        self.job_role_ids.choices = [(role.id, role.name) for role in job_roles]

    def values(self) -> BenefitValues:
        return BenefitValues(self.title.data, self.kind.data, self.description.data, self.how_to_claim.data,
                             self.claim_url.data, self.min_tier.data or None, list(self.job_role_ids.data or []),
                             self.member_provider_only.data == "yes", self.opens_on.data, self.closes_on.data)

    def fill(self, values: BenefitValues) -> None:
        """Put a saved benefit's values in the form (the change page's first view)."""
        self.title.data, self.kind.data = values.title, values.kind
        self.description.data, self.how_to_claim.data = values.description, values.how_to_claim
        self.claim_url.data, self.min_tier.data = values.claim_url, values.min_tier or 0
        self.job_role_ids.data = values.job_role_ids
        self.member_provider_only.data = "yes" if values.member_provider_only else "no"
        self.opens_on.data, self.closes_on.data = values.opens_on, values.closes_on


class ButtonForm(FlaskForm):
    """A button alone (withdraw a benefit, "I've used this"): the CSRF token is all it carries."""

    submit = submit("Save")
