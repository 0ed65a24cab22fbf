"""The upload form (one, two or three files) and the apply form (confirming the leaving date and,
when the files add a workplace without a CQC provider number whose provider they do not give, its
provider)."""
from __future__ import annotations

from flask_wtf.file import MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect
from wtforms.validators import ValidationError

from academy.forms import DayMonthYearField, FlaskForm, RequiredDate, SelectField, submit


class UploadForm(FlaskForm):
    files = MultipleFileField(
        "ASC-WDS bulk-upload files", widget=GovFileInput(multiple=True),
        description="Choose one, two or all three CSV files: workplace, staff and training. "
                    "Each file's first row tells us which it is.")
    district_id = SelectField("District of any workplace new to this service", coerce=int, widget=GovSelect(),
                              description="Only needed if the workplace file adds a workplace")
    submit = submit("Upload and check")

    def __init__(self, districts, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district_id.choices = [(0, "Not needed")] + [(d.id, d.name) for d in districts]


class ProviderChoice:
    """The provider of new workplaces without a CQC provider number (removed when not needed)."""

    provider_id = SelectField("Provider of the new workplaces without a CQC provider number", coerce=int,
                              widget=GovSelect(),
                              description="The files do not say which provider they belong to: choose the "
                                          "provider that runs them")

    def choose_from(self, providers, needed: list[str]) -> None:
        if not needed:
            del self.provider_id
            return
        self.provider_id.choices = [(0, "Choose a provider")] + [(p.id, p.name) for p in providers]
        self.provider_id.description = ("The files do not say which provider runs " + ", ".join(needed)
                                        + ": choose it")

    def validate_provider_id(self, field):
        if not field.data:
            raise ValidationError("Choose the provider of the new workplaces")


class ApplyForm(ProviderChoice, FlaskForm):
    leaving_date = DayMonthYearField(
        "Leaving date for staff marked DELETE", validators=[RequiredDate(message="Enter the leaving date")],
        invalid="The leaving date must be a real date",
        description="The date they left (the import date unless you change it). For example, 27 3 2026")
    submit = submit("Apply the import")


class ApplyNoLeaversForm(ProviderChoice, FlaskForm):
    submit = submit("Apply the import")
