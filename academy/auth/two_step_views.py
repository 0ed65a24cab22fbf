"""Two-step sign-in pages: enter a code after the password, set it up, turn it off."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from academy.auth import signing_in, two_step
from academy.auth.access import DomainError, NotAllowed, refuse
from academy.auth.audit import audit
from academy.auth.blueprint import two_step_bp as bp
from academy.auth.forms import TwoStepCodeForm, TwoStepRecoveryCodesForm, TwoStepSetUpForm, TwoStepTurnOffForm
from academy.extensions import db, limiter
from academy.forms import form_error, status_for

SETUP_KEY = "two_step_setup"  # the session entry holding the nonce the key being set up is made from


def _pending_key() -> str:
    pending = session.get(signing_in.PENDING) or {}
    return f"two-step:{pending.get('user')}"


def _wrong_code(response) -> bool:
    return response.status_code != 302


@bp.route("/sign-in/two-step", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["TWO_STEP_LIMIT_PER_ACCOUNT"], key_func=_pending_key,
               methods=["POST"], deduct_when=_wrong_code)
def enter_code():
    """The second step: the password was right; now a code from the app (or a recovery code)."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.account"))
    user = signing_in.pending_user()
    if user is None or not user.two_step_enabled:
        flash("Sign in again to continue.", "info")
        return redirect(url_for("auth.sign_in"))
    form = TwoStepCodeForm()
    if form.validate_on_submit():
        try:
            how = two_step.check_code(db.session, user, form.code.data)
        except DomainError as problem:
            form_error(form, "code", problem)
            audit("two_step_code_wrong", target=user, subject=user, actor=user)
            if signing_in.count_wrong_code():
                flash("You entered a wrong code too many times. Sign in again.", "info")
                return redirect(url_for("auth.sign_in"))
        else:
            next_url = signing_in.complete_sign_in(user)
            if how == "recovery":
                left = two_step.recovery_codes_left(db.session, user)
                audit("recovery_code_used", target=user, subject=user, detail=f"left={left}")
                flash(f"You signed in with a recovery code. You have {left} left: if you have lost your "
                      "authenticator app, turn two-step sign-in off and on again to get new codes.", "info")
            return redirect(next_url)
    return render_template("auth/two_step_code.html", form=form), status_for(form)


@bp.get("/account/two-step")
@login_required
def manage():
    """Whether two-step sign-in is on, with the way to set it up or turn it off."""
    left = two_step.recovery_codes_left(db.session, current_user) if current_user.two_step_enabled else 0
    return render_template("auth/two_step.html", required=two_step.is_required(current_user), left=left)


def _setting_up_user():
    """Who is setting two-step up: the signed-in user, or a pending one whose role requires it."""
    if current_user.is_authenticated:
        return current_user, False
    user = signing_in.pending_user()
    if user is not None and not user.two_step_enabled and two_step.is_required(user):
        return user, True
    return None, False


@bp.route("/account/two-step/set-up", methods=["GET", "POST"])
def set_up():
    """Scan a QR code (or type the secret), then prove it works with a code; recovery codes shown once."""
    user, pending = _setting_up_user()
    if user is None:
        return current_app.login_manager.unauthorized()
    if user.two_step_enabled:
        return redirect(url_for("two_step.manage"))
    form = TwoStepSetUpForm()
    nonce = session.get(SETUP_KEY)
    if not isinstance(nonce, str) or not form.is_submitted():
        nonce = session[SETUP_KEY] = two_step.new_setup_nonce()
    secret = two_step.setup_secret(user, nonce)
    if form.validate_on_submit():
        try:
            codes = two_step.turn_on(db.session, user, secret, form.code.data)
        except DomainError as problem:
            form_error(form, "code", problem)
        else:
            audit("two_step_turned_on", target=user, subject=user, actor=user)
            session.pop(SETUP_KEY, None)
            if pending:
                next_url = signing_in.complete_sign_in(user)
            else:
                signing_in.keep_this_session(user)
                next_url = url_for("two_step.manage")
            return render_template("auth/two_step_codes.html", codes=codes, next_url=next_url, just_turned_on=True)
    uri = two_step.setup_uri(user, secret)
    return render_template("auth/two_step_set_up.html", form=form, qr_code=two_step.qr_code_image(uri),
                           secret=two_step.spaced(secret)), status_for(form)


@bp.route("/account/two-step/turn-off", methods=["GET", "POST"])
@login_required
def turn_off():
    """Turn two-step off (not for HCPA staff and admins); needs a current code from the app."""
    if two_step.is_required(current_user):
        refuse(403)
    if not current_user.two_step_enabled:
        return redirect(url_for("two_step.manage"))
    form = TwoStepTurnOffForm()
    if form.validate_on_submit():
        try:
            two_step.turn_off(db.session, current_user, form.code.data)
        except NotAllowed:
            refuse(403)
        except DomainError as problem:
            form_error(form, "code", problem)
        else:
            signing_in.keep_this_session(current_user)
            audit("two_step_turned_off", target=current_user, subject=current_user)
            flash("Two-step sign-in is off.", "success")
            return redirect(url_for("two_step.manage"))
    return render_template("auth/two_step_turn_off.html", form=form), status_for(form)


@bp.route("/account/two-step/recovery-codes", methods=["GET", "POST"])
@login_required
def recovery_codes():
    """Ten new recovery codes, shown once; the old ones stop working. Needs a current code."""
    if not current_user.two_step_enabled:
        return redirect(url_for("two_step.manage"))
    form = TwoStepRecoveryCodesForm()
    if form.validate_on_submit():
        try:
            codes = two_step.renew_recovery_codes(db.session, current_user, form.code.data)
        except DomainError as problem:
            form_error(form, "code", problem)
        else:
            audit("recovery_codes_renewed", target=current_user, subject=current_user)
            return render_template("auth/two_step_codes.html", codes=codes, next_url=url_for("two_step.manage"),
                                   just_turned_on=False)
    return render_template("auth/two_step_recovery_codes.html", form=form), status_for(form)
