"""Forms for signing up, signing in, resetting a password and inviting staff."""
from __future__ import annotations

from academy.auth.models import ROLE_LABELS, Role
from academy.auth.passwords import password_problem
from wtforms.validators import DataRequired

from academy.forms import (
    FlaskForm,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
    InputRequired,
    Length,
    PasswordField,
    PersonName,
    RadioField,
    SelectField,
    StringField,
    ValidationError,
    email_field,
    submit,
)


def _full_name() -> StringField:
    return StringField(
        "Full name",
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[DataRequired(message="Enter your full name"),
                    Length(max=200, message="Full name must be 200 characters or fewer"), PersonName()],
        widget=GovTextInput(),
    )


def _new_password(label: str = "Create a password") -> PasswordField:
    return PasswordField(
        label,
        description="Use 12 characters or more. A good way is to use 3 random words.",
        validators=[InputRequired(message="Enter a password")],
        widget=GovPasswordInput(),
    )


class NewPasswordMixin:
    def validate_password(self, field):
        email = getattr(getattr(self, "email", None), "data", None)
        problem = password_problem(field.data or "", email)
        if problem:
            raise ValidationError(problem)


class SignUpForm(NewPasswordMixin, FlaskForm):
    purpose = RadioField(
        "What do you want to do?",
        choices=[
            (Role.applicant.value, "Apply for a job in care"),
            (Role.care_worker.value, "Keep my training passport (I already work in care)"),
        ],
        validators=[InputRequired(message="Select what you want to do")],
        widget=GovRadioInput(),
    )
    full_name = _full_name()
    email = email_field()
    password = _new_password()
    submit = submit("Create account")


class SignInForm(FlaskForm):
    email = email_field()
    password = PasswordField("Password", validators=[InputRequired(message="Enter your password")],
                             widget=GovPasswordInput())
    submit = submit("Sign in")


class EmailOnlyForm(FlaskForm):
    email = email_field()
    submit = submit("Send the link")


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    password = _new_password("New password")
    submit = submit("Change password")


class AcceptInvitationForm(NewPasswordMixin, FlaskForm):
    full_name = _full_name()
    password = _new_password()
    submit = submit("Create account")


class InviteForm(FlaskForm):
    full_name = _full_name()
    email = email_field()
    role = RadioField("Role", validators=[InputRequired(message="Select a role")], widget=GovRadioInput())
    workplace_id = SelectField("Workplace (for a registered manager)", coerce=int, default=0,
                               widget=GovSelect())
    submit = submit("Send invitation")

    def __init__(self, roles: tuple[Role, ...], workplaces: list, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(r.value, ROLE_LABELS[r]) for r in roles]
        self.workplace_id.choices = [(0, "Choose a workplace")] + [(w.id, w.name) for w in workplaces]

    def validate_workplace_id(self, field):
        if self.role.data == Role.manager.value and not field.data:
            raise ValidationError("Select the workplace this manager runs")


def _code(label: str, hint: str) -> StringField:
    return StringField(label, description=hint,
                       filters=[lambda v: v.strip() if isinstance(v, str) else v],
                       validators=[InputRequired(message="Enter the code"),
                                   Length(max=20, message="Enter the code, 6 digits or a recovery code")],
                       widget=GovTextInput())


class TwoStepCodeForm(FlaskForm):
    """The second step of a sign-in: a code from the app, or a recovery code."""

    code = _code("Code", "The 6-digit code from your authenticator app, or one of your recovery codes")
    submit = submit("Continue")


class TwoStepSetUpForm(FlaskForm):
    code = _code("Enter the 6-digit code your app shows", "The code changes every 30 seconds")
    submit = submit("Turn on two-step sign-in")


class TwoStepTurnOffForm(FlaskForm):
    code = _code("Enter the 6-digit code your app shows", "We need it to check it is you")
    submit = submit("Turn off two-step sign-in")


class TwoStepRecoveryCodesForm(FlaskForm):
    code = _code("Enter the 6-digit code your app shows", "We need it to check it is you")
    submit = submit("Get new recovery codes")


class ConfirmForm(FlaskForm):
    """A confirmation page's one button; the label is set by the view."""

    submit = submit("Confirm")


class ChangeRoleForm(FlaskForm):
    role = RadioField("New role", validators=[InputRequired(message="Select a role")], widget=GovRadioInput())
    submit = submit("Change role")

    def __init__(self, current: Role, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(r.value, ROLE_LABELS[r]) for r in Role if r != current]
