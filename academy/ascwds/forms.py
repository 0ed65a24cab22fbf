"""The upload form (one, two or three files) and the apply form (confirming the leaving date)."""
from __future__ import annotations

from flask_wtf.file import MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect

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


class ApplyForm(FlaskForm):
    leaving_date = DayMonthYearField(
        "Leaving date for staff marked DELETE", validators=[RequiredDate(message="Enter the leaving date")],
        invalid="The leaving date must be a real date",
        description="The date they left (the import date unless you change it). For example, 27 3 2026")
    submit = submit("Apply the import")


class ApplyNoLeaversForm(FlaskForm):
    submit = submit("Apply the import")
