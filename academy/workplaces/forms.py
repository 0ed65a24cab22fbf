"""Forms for adding and editing a workplace."""
from __future__ import annotations

import re

from wtforms.validators import DataRequired

from academy.forms import (
    BooleanField,
    FlaskForm,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
    InputRequired,
    IntegerField,
    Length,
    Optional,
    RadioField,
    SelectField,
    StringField,
    ValidationError,
    submit,
)
from academy.workplaces.models import CqcRating

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
CQC_LOCATION_ID = re.compile(r"^1-\d{8,12}$")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


class WorkplaceForm(FlaskForm):
    name = StringField("Workplace name", filters=[_strip],
                       validators=[DataRequired(message="Enter the workplace name"),
                                   Length(max=200, message="Workplace name must be 200 characters or fewer")],
                       widget=GovTextInput())
    provider_name = StringField("Provider (the organisation that runs it)", filters=[_strip],
                                validators=[DataRequired(message="Enter the provider's name"),
                                            Length(max=200, message="Provider must be 200 characters or fewer")],
                                widget=GovTextInput())
    cqc_location_id = StringField("CQC location ID (if registered with CQC)", filters=[_strip],
                                  description="For example, 1-1234567890",
                                  validators=[Optional(), Length(max=20)], widget=GovTextInput())
    address_line_1 = StringField("Address line 1", filters=[_strip],
                                 validators=[DataRequired(message="Enter address line 1"), Length(max=200)],
                                 widget=GovTextInput())
    address_line_2 = StringField("Address line 2 (optional)", filters=[_strip],
                                 validators=[Optional(), Length(max=200)], widget=GovTextInput())
    town = StringField("Town or city", filters=[_strip],
                       validators=[DataRequired(message="Enter the town or city"), Length(max=100)],
                       widget=GovTextInput())
    postcode = StringField("Postcode", filters=[_upper],
                           validators=[DataRequired(message="Enter the postcode")], widget=GovTextInput())
    district_id = SelectField("District", coerce=int, widget=GovSelect())
    service_type_id = RadioField("Service type", coerce=int, widget=GovRadioInput(),
                                 validators=[InputRequired(message="Select the service type")])
    cqc_rating = SelectField("CQC rating", widget=GovSelect(),
                             choices=[(r.name, r.value) for r in CqcRating], default=CqcRating.not_yet_rated.name)
    care_standard_signed = BooleanField("It has signed the Hertfordshire Care Standard", widget=GovCheckboxInput())
    hcpa_member = BooleanField("It is an HCPA member provider (its staff get member-provider benefits)",
                               widget=GovCheckboxInput())
    beds = IntegerField("Number of beds (care homes)", validators=[Optional()], widget=GovTextInput(),
                        render_kw={"inputmode": "numeric"})
    care_hours_per_week = IntegerField("Care hours a week (homecare)", validators=[Optional()],
                                       widget=GovTextInput(), render_kw={"inputmode": "numeric"})
    submit = submit("Save workplace")

    def __init__(self, districts, service_types, *args, regulatory: bool = True, **kwargs):
        """`regulatory=False` (a manager's own workplace): no provider, CQC rating or HCPA membership
        fields, which only HCPA staff and admins set (academy.workplaces.directory.STAFF_ONLY_FIELDS)."""
        super().__init__(*args, **kwargs)
        if not regulatory:
            del self.provider_name
            del self.cqc_rating
            del self.hcpa_member
        self.district_id.choices = [(0, "Choose a district")] + [(d.id, d.name) for d in districts]
        self.service_type_id.choices = [(s.id, s.name) for s in service_types]

    def validate_district_id(self, field):
        if not field.data:
            raise ValidationError("Select the district")

    def validate_postcode(self, field):
        if field.data and not POSTCODE.match(field.data):
            raise ValidationError("Enter a real postcode, like AL1 3JE")

    def validate_cqc_location_id(self, field):
        if field.data and not CQC_LOCATION_ID.match(field.data):
            raise ValidationError("Enter a CQC location ID in the correct format, like 1-1234567890")

    def validate_beds(self, field):
        if field.data is not None and not 0 <= field.data <= 2000:
            raise ValidationError("Number of beds must be between 0 and 2000")

    def validate_care_hours_per_week(self, field):
        if field.data is not None and not 0 <= field.data <= 100000:
            raise ValidationError("Care hours a week must be between 0 and 100,000")
