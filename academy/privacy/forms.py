"""Forms for the privacy pages: asking for erasure, confirming or declining it, and the staff searches."""
from __future__ import annotations

from wtforms.validators import DataRequired

from academy.forms import (
    BooleanField, FlaskForm, GovCheckboxInput, GovTextArea, GovTextInput, Length, Optional, StringField, TextAreaField,
)
from academy.forms import email_field, normalise_email, submit
from academy.privacy.erasure import DECISION_REASON_MAX


class RequestErasureForm(FlaskForm):
    understood = BooleanField(
        "I understand that my account will be deleted and I will not be able to sign in again",
        validators=[DataRequired(message="Confirm that you understand your account will be deleted")],
        widget=GovCheckboxInput())
    submit = submit("Ask us to delete my account")


class CancelErasureForm(FlaskForm):
    submit = submit("Cancel my request")


class ConfirmErasureForm(FlaskForm):
    submit = submit("Confirm and delete the account")


class DeclineErasureForm(FlaskForm):
    """Declining needs a reason: it is emailed to the person and kept on the request."""

    reason = TextAreaField(
        "Why are you declining the request?",
        description="The person is emailed this. For example: we could not confirm the request came from you.",
        validators=[DataRequired(message="Enter why the request is declined"),
                    Length(max=DECISION_REASON_MAX, message=f"Enter {DECISION_REASON_MAX} characters or fewer")],
        widget=GovTextArea())
    submit = submit("Decline the request")


class FindPersonForm(FlaskForm):
    """A search by email address (POST: the address stays out of URLs and access logs)."""

    email = email_field("Email address of the person who asked")
    submit = submit("Find")


class AuditFilterForm(FlaskForm):
    """Filters on the audit log (GET): the person a record is about and who acted."""

    class Meta:
        csrf = False

    person = StringField("About the person (email address)", filters=[normalise_email],
                         validators=[Optional(), Length(max=254, message="Enter 254 characters or fewer")],
                         widget=GovTextInput())
    by = StringField("Done by (email address)", filters=[normalise_email],
                     validators=[Optional(), Length(max=254, message="Enter 254 characters or fewer")],
                     widget=GovTextInput())
    action = StringField("Action", validators=[Optional(), Length(max=80, message="Enter 80 characters or fewer")],
                         widget=GovTextInput())
    submit = submit("Filter")
