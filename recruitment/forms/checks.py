"""The safer-recruitment checks form (HCPA staff)."""
from __future__ import annotations

from academy.forms import (
    BooleanField, DayMonthYearField, GovCheckboxInput, GovRadioInput, GovSelect, GovTextInput, Length, Optional,
    OptionalDate, RadioField, SelectField, StringField, submit,
)
from recruitment.forms.common import VersionedForm, enum_choices, strip_text, text_area
from recruitment.models import CheckStatus, DbsStatus, HealthStatus, HistoryStatus, ReferenceKind, ReferenceStatus


class ChecksForm(VersionedForm):
    identity_right_to_work = RadioField("Identity and right to work", choices=enum_choices(CheckStatus),
                                        widget=GovRadioInput())
    right_to_work_evidence = StringField("Evidence seen", filters=[strip_text], widget=GovTextInput(),
                                         description="For example, British passport, or Home Office share code check",
                                         validators=[Optional(), Length(max=200)])
    right_to_work_expires_on = DayMonthYearField("Permission to work ends (for time-limited permission)",
                                                 validators=[OptionalDate()],
                                         description="For example, 27 3 2027")
    dbs_status = RadioField("Enhanced DBS", choices=enum_choices(DbsStatus), widget=GovRadioInput())
    dbs_barred_list_checked = BooleanField("Adults' barred list checked", widget=GovCheckboxInput())
    dbs_certificate_number = StringField("DBS certificate number", filters=[strip_text], widget=GovTextInput(),
                                         description="12 digits", validators=[Optional()])
    dbs_issued_on = DayMonthYearField("DBS certificate issued", validators=[OptionalDate()],
                                      invalid="The DBS certificate issue date must be a real date")
    dbs_update_service = BooleanField("Subscribed to the DBS Update Service", widget=GovCheckboxInput())
    dbs_risk_assessment = text_area("Risk assessment of the disclosed information", max_length=5000,
                                    description="Required when information is disclosed")
    reference_1_name = StringField("First referee", filters=[strip_text], widget=GovTextInput(),
                                   validators=[Optional(), Length(max=200)])
    reference_1_kind = SelectField("First reference is from", choices=[("", "Choose")] + enum_choices(ReferenceKind),
                                   widget=GovSelect())
    reference_1_status = SelectField("First reference", choices=enum_choices(ReferenceStatus), widget=GovSelect())
    reference_2_name = StringField("Second referee", filters=[strip_text], widget=GovTextInput(),
                                   validators=[Optional(), Length(max=200)])
    reference_2_kind = SelectField("Second reference is from", choices=[("", "Choose")] + enum_choices(ReferenceKind),
                                   widget=GovSelect())
    reference_2_status = SelectField("Second reference", choices=enum_choices(ReferenceStatus), widget=GovSelect())
    employment_history = RadioField("Employment history", choices=enum_choices(HistoryStatus), widget=GovRadioInput())
    employment_gaps_explanation = text_area("Explanation of gaps over 3 months", max_length=5000)
    health_status = RadioField("Health questionnaire", choices=enum_choices(HealthStatus), widget=GovRadioInput())
    health_notes = text_area("Health notes and adjustments", max_length=5000,
                             description="Special category data: only HCPA staff can see this")
    submit = submit("Save checks")
