"""The care worker's answer to a workplace's request to link their training passport (thin views;
the rules are in academy/portal/employer_links.py)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from academy.auth.access import DomainError, role_required
from academy.auth.audit import audit
from academy.auth.models import Role
from academy.extensions import db
from academy.forms import flash_refusal
from academy.portal import employer_links
from training.blueprint import bp
from training.forms import LinkAnswerForm


@bp.get("/employer-requests/<int:request_id>")
@role_required(Role.care_worker)
def link_request(request_id: int):
    """One workplace's request: who asks, what accepting shares, Accept / Decline."""
    request = employer_links.get_link_request_or_404(db.session, request_id, current_user)
    audit("viewed_passport_link_request", target=request, subject=current_user)
    return render_template("training/link_request.html", request=request, form=LinkAnswerForm())


def _answer(request_id: int, accepting: bool):
    request = employer_links.get_link_request_or_404(db.session, request_id, current_user)
    if not LinkAnswerForm().validate_on_submit():
        return redirect(url_for("training.link_request", request_id=request.id))
    workplace = request.employment.workplace.name
    try:
        if accepting:
            employer_links.accept(db.session, request, current_user)
        else:
            employer_links.decline(db.session, request, current_user)
    except DomainError as problem:
        flash_refusal(problem)
        return redirect(url_for("training.link_request", request_id=request.id))
    audit("accepted_passport_link_request" if accepting else "declined_passport_link_request",
          target=request, subject=current_user, detail=f"workplace={request.employment.workplace_id}")
    flash(f"Your training passport is linked to {workplace}: its managers can now see it." if accepting else
          f"You declined. {workplace} sees only what it records itself.", "success")
    return redirect(url_for("training.start"))


@bp.post("/employer-requests/<int:request_id>/accept")
@role_required(Role.care_worker)
def accept_link_request(request_id: int):
    return _answer(request_id, accepting=True)


@bp.post("/employer-requests/<int:request_id>/decline")
@role_required(Role.care_worker)
def decline_link_request(request_id: int):
    return _answer(request_id, accepting=False)
