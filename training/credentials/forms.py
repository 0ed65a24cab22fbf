"""The public verify page's form: paste a credential, or upload its file."""
from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput

from academy.forms import FlaskForm, GovTextArea, Length, TextAreaField, submit

MAX_CREDENTIAL_CHARS = 200_000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CredentialCheckForm(FlaskForm):
    credential = TextAreaField("Paste the credential", filters=[_strip],
                               description="The text of a .jwt file, starting \"eyJ\", or a whole passport's .json file",
                               validators=[Length(max=MAX_CREDENTIAL_CHARS,
                                                  message="That is too long to be a credential")],
                               widget=GovTextArea())
    file = FileField("Or upload the credential file", widget=GovFileInput())
    submit = submit("Check")
