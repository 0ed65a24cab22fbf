"""Sign up, confirm, sign in and out, reset a password, accept an invitation, your account."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from academy.auth import accounts
from academy.auth.access import DomainError
from academy.auth.audit import audit
from academy.auth.forms import AcceptInvitationForm, EmailOnlyForm, ResetPasswordForm, SignInForm, SignUpForm
from academy.auth.models import Role
from academy.auth.signing_in import begin_sign_in
from academy.auth.tokens import read_confirmation_token, read_reset_token
from academy.extensions import db, limiter

bp = Blueprint("auth", __name__)

START_PAGES = {
    Role.applicant: "recruitment.start",
    Role.care_worker: "training.start",
    Role.manager: "portal.index",  # the manager portal (straight to the summary with one workplace)
    Role.hcpa_staff: "workplaces.index",
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
    return target


def _failed_sign_in(response) -> bool:
    return response.status_code != 302


def _account_key() -> str:
    return "sign-in-account:" + (request.form.get("email") or "").strip().lower()


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
    return render_template("auth/sign_up.html", form=form), 422 if form.errors else 200


@bp.get("/sign-up/check-your-email")
def check_email():
    return render_template("auth/check_email.html", email=session.get("check_email"))


@bp.get("/confirm-email/<token>")
def confirm_email(token: str):
    user = read_confirmation_token(token)
    if user is None:
        return render_template("auth/link_problem.html",
                               reason="This confirmation link is not valid or has expired.",
                               resend=True), 400
    accounts.confirm_email(db.session, user)
    flash("Your email address is confirmed. You can now sign in.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/confirm-email/resend", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_UP_LIMIT_PER_ADDRESS"], methods=["POST"])
def resend_confirmation():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        user = accounts.find_user_by_email(db.session, form.email.data)
        if user is not None and not user.email_confirmed:
            accounts.send_confirmation(user)
        session["check_email"] = form.email.data
        return redirect(url_for("auth.check_email"))
    return render_template("auth/resend_confirmation.html", form=form), 422 if form.errors else 200


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_failed_sign_in)
@limiter.limit(lambda: current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"], key_func=_account_key,
               methods=["POST"], deduct_when=_failed_sign_in)
def sign_in():
    if current_user.is_authenticated:
        return redirect(start_page_for(current_user))
    form = SignInForm()
    problem = None
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user is None or not user.is_active:
            problem = "Enter a correct email address and password"
            audit("sign_in_failed", detail=None)
        elif not user.email_confirmed:
            problem = "Confirm your email address before you sign in. Check your inbox for our email."
        else:
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
    return render_template("auth/forgot_password.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = read_reset_token(token)
    if user is None:
        return render_template("auth/link_problem.html",
                               reason="This password reset link is not valid, has expired or has been used.",
                               forgot=True), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.reset_password(db.session, user, form.password.data)
        audit("password_reset", target=user, subject=user, actor=user)
        flash("Your password has been changed. Sign in with your new password.", "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset_password.html", form=form), 422 if form.errors else 200


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = accounts.find_invitation(db.session, token)
    except DomainError as problem:
        return render_template("auth/link_problem.html", reason=str(problem)), 400
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.full_name.data = invitation.full_name
    if form.validate_on_submit():
        try:
            user = accounts.accept_invitation(db.session, token, form.full_name.data, form.password.data)
        except DomainError as problem:
            return render_template("auth/link_problem.html", reason=str(problem)), 400
        audit("invitation_accepted", target=invitation, subject=user, actor=user)
        response = begin_sign_in(user, start_page_for(user))  # staff roles set up two-step first
        flash("Your account has been created.", "success")
        return response
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation), 422 if form.errors else 200


@bp.get("/account")
@login_required
def account():
    return render_template("auth/account.html")
