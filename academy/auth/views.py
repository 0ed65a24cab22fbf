"""Sign up, confirm, sign in and out, reset a password, accept an invitation, your account."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from academy.auth import accounts, throttle
from academy.auth.access import DomainError
from academy.auth.audit import audit, audit_failed_sign_in
from academy.auth.blueprint import bp
from academy.auth.forms import AcceptInvitationForm, EmailOnlyForm, ResetPasswordForm, SignInForm, SignUpForm
from academy.auth.models import Role
from academy.auth.signing_in import begin_sign_in
from academy.auth.tokens import read_confirmation_token, read_reset_token
from academy.extensions import db, limiter
from academy.forms import status_for
from academy.recognition.thanks import thanks_for_user


START_PAGES = {
    Role.applicant: "recruitment.start",
    Role.care_worker: "training.start",
    Role.manager: "portal.index",  # the manager portal (straight to the summary with one workplace)
    Role.hcpa_staff: "recruitment.queue",  # the screening queue: where their work is
    Role.admin: "admin.users",
}


def start_page_for(user) -> str:
    return url_for(START_PAGES[user.role])


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None  # browsers read "/\\evil.example" as "//evil.example"
    return target


def _failed_sign_in(response) -> bool:
    return response.status_code != 302


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_UP_LIMIT_PER_ADDRESS"], methods=["POST"])
def sign_up():
    """Applicants and care workers create their own account."""
    if current_user.is_authenticated:
        return redirect(start_page_for(current_user))
    form = SignUpForm()
    if request.method == "GET" and request.args.get("purpose") in (Role.applicant.value, Role.care_worker.value):
        form.purpose.data = request.args["purpose"]
    if form.validate_on_submit():
        accounts.sign_up(db.session, form.full_name.data, form.email.data, form.password.data,
                         Role(form.purpose.data))
        session["check_email"] = form.email.data
        return redirect(url_for("auth.check_email"))
    return render_template("auth/sign_up.html", form=form), status_for(form)


@bp.get("/sign-up/check-your-email")
def check_email():
    return render_template("auth/check_email.html", email=session.get("check_email"))


CONFIRMED_EMAIL = "confirmed_email"


@bp.get("/confirm-email/<token>")
def confirm_email(token: str):
    user = read_confirmation_token(token)
    if user is None:
        return render_template("auth/link_problem.html",
                               reason="This confirmation link is not valid or has expired.",
                               resend=True), 400
    accounts.confirm_email(db.session, user)
    session[CONFIRMED_EMAIL] = user.email  # the sign-in form fills it in (never in the URL)
    flash("Your email address is confirmed. You can now sign in.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/confirm-email/resend", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_UP_LIMIT_PER_ADDRESS"], methods=["POST"])
def resend_confirmation():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        user = accounts.find_user_by_email(db.session, form.email.data)
        if user is not None and not user.email_confirmed:
            accounts.send_confirmation(db.session, user)
        session["check_email"] = form.email.data
        return redirect(url_for("auth.check_email"))
    return render_template("auth/resend_confirmation.html", form=form), status_for(form)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"], methods=["POST"],
               key_func=throttle.client_address, deduct_when=_failed_sign_in)
def sign_in():
    """Sign in; wrong passwords slow down the address they come from, for that account (throttle)."""
    if current_user.is_authenticated:
        return redirect(start_page_for(current_user))
    form = SignInForm()
    problem = None
    if request.method == "GET" and session.get(CONFIRMED_EMAIL):
        form.email.data = session.pop(CONFIRMED_EMAIL)  # just confirmed: one address fewer to type
    if form.validate_on_submit():
        address = throttle.client_address()
        wait = throttle.seconds_to_wait(form.email.data, address)
        if wait:
            return render_template("auth/sign_in_wait.html", wait=throttle.in_words(wait)), 429, \
                {"Retry-After": str(wait)}
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user is None or not user.is_active:
            problem = "Enter a correct email address and password"
            audit_failed_sign_in(db.session, form.email.data)
            throttle.record_failure(db.session, form.email.data, address)
        elif not user.email_confirmed:
            problem = "Confirm your email address before you sign in. Check your inbox for our email."
        else:
            throttle.record_success(form.email.data, address)
            return begin_sign_in(user, _safe_next(request.args.get("next")) or start_page_for(user))
        form.email.errors = list(form.email.errors) + [problem]
    status = 200 if request.method == "GET" else 422
    return render_template("auth/sign_in.html", form=form, unconfirmed=problem and "Confirm" in problem), status


@bp.post("/sign-out")
@login_required
def sign_out():
    accounts.end_all_sessions(db.session, current_user)
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("public.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_UP_LIMIT_PER_ADDRESS"], methods=["POST"])
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        accounts.request_password_reset(db.session, form.email.data)
        session["check_email"] = form.email.data
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgot_password.html", form=form), status_for(form)


# Emailed links with a token (reset, invitation): the first GET moves the token into the signed
# session cookie and redirects to a clean address, so the token is not left in access logs, the
# browser's history or a Referer. The clean page reads it back and checks it again every time.
RESET_TOKEN = "reset_token"
INVITATION_TOKEN = "invitation_token"


def _reset_link_problem():
    return render_template("auth/link_problem.html",
                           reason="This password reset link is not valid, has expired or has been used.",
                           forgot=True), 400


@bp.get("/password/reset/<token>")
def reset_password(token: str):
    if read_reset_token(token) is None:
        session.pop(RESET_TOKEN, None)  # a bad link replaces any earlier one
        return _reset_link_problem()
    session[RESET_TOKEN] = token
    return redirect(url_for("auth.reset_password_form"))


@bp.route("/password/reset", methods=["GET", "POST"])
def reset_password_form():
    user = read_reset_token(session.get(RESET_TOKEN) or "")
    if user is None:
        session.pop(RESET_TOKEN, None)
        return _reset_link_problem()
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.reset_password(db.session, user, form.password.data)
        session.pop(RESET_TOKEN, None)
        audit("password_reset", target=user, subject=user, actor=user)
        flash("Your password has been changed. Sign in with your new password.", "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset_password.html", form=form), status_for(form)


@bp.get("/invitation/<token>")
def accept_invitation(token: str):
    try:
        accounts.find_invitation(db.session, token)
    except DomainError as problem:
        db.session.rollback()
        session.pop(INVITATION_TOKEN, None)  # a bad link replaces any earlier one
        return render_template("auth/link_problem.html", reason=str(problem)), 400
    session[INVITATION_TOKEN] = token
    return redirect(url_for("auth.accept_invitation_form"))


@bp.route("/invitation", methods=["GET", "POST"])
def accept_invitation_form():
    token = session.get(INVITATION_TOKEN) or ""
    try:
        invitation = accounts.find_invitation(db.session, token)
    except DomainError as problem:
        db.session.rollback()
        session.pop(INVITATION_TOKEN, None)
        return render_template("auth/link_problem.html", reason=str(problem)), 400
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.full_name.data = invitation.full_name
    if form.validate_on_submit():
        try:
            user = accounts.accept_invitation(db.session, token, form.full_name.data, form.password.data)
        except DomainError as problem:
            db.session.rollback()
            return render_template("auth/link_problem.html", reason=str(problem)), 400
        audit("invitation_accepted", target=invitation, subject=user, actor=user)
        response = begin_sign_in(user, start_page_for(user))  # staff roles set up two-step first
        flash("Your account has been created.", "success")
        return response
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation), status_for(form)


@bp.get("/account")
@login_required
def account():
    return render_template("auth/account.html", thanks=thanks_for_user(db.session, current_user))
