"""Requests to link a starter to a worker's passport: the manager cancels one from the staff member
page; HCPA staff see those waiting and link one on the worker's behalf (thin views)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from academy.auth.access import STAFF_ROLES, DomainError, role_required
from academy.auth.audit import audit
from academy.extensions import db
from academy.forms import flash_refusal
from academy.pagination import paginate, requested_page
from academy.portal import employer_links, staff
from academy.portal.blueprint import bp
from academy.portal.access import portal_view
from academy.portal.forms import CancelLinkForm, LinkOnBehalfForm


@bp.post("/<int:workplace_id>/staff/<int:employment_id>/link-request/cancel")
@portal_view
def cancel_link_request(workplace_id: int, employment_id: int):
    """The manager withdraws the workplace's waiting request to link this starter's passport."""
    employment = staff.get_employment_or_404(db.session, employment_id, current_user, workplace_id=workplace_id,
                                             write=True)
    workplace = employment.workplace
    request = employer_links.latest_for(employment)
    back = url_for("portal.staff_member", workplace_id=workplace.id, employment_id=employment.id)
    if request is None:
        abort(404)
    if not CancelLinkForm().validate_on_submit():
        return redirect(back)
    try:
        employer_links.cancel(db.session, request, current_user)
    except DomainError as problem:
        flash_refusal(problem)
    else:
        audit("cancelled_passport_link_request", target=request, subject=request.user_id)
        flash("The request to link their training passport is cancelled.", "success")
    return redirect(back)


@bp.get("/link-requests")
@role_required(*STAFF_ROLES)
def link_requests():
    """HCPA: requests to link a passport that are still waiting for the worker's answer."""
    page = paginate(db.session, employer_links.waiting_query(), requested_page(), current_app.config["PAGE_SIZE"])
    audit("viewed_passport_link_requests")
    return render_template("portal/link_requests.html", page=page, form=LinkOnBehalfForm())


@bp.post("/link-requests/<int:request_id>/link")
@role_required(*STAFF_ROLES)
def link_on_behalf(request_id: int):
    """HCPA link a worker's passport to the workplace that asked, on the worker's behalf."""
    request = employer_links.get_link_request_or_404(db.session, request_id, current_user)
    if not LinkOnBehalfForm().validate_on_submit():
        return redirect(url_for("portal.link_requests"))
    workplace_name = request.employment.workplace.name
    try:
        employer_links.link_on_behalf(db.session, request, current_user)
        employer_links.tell_linked_on_behalf(request)  # queued when the request commits
    except DomainError as problem:
        flash_refusal(problem)
    else:
        audit("linked_passport_on_behalf", target=request, subject=request.user_id,
              detail=f"workplace={request.employment.workplace_id}")
        flash(f"The passport is linked to {workplace_name}. We have emailed the worker to tell them.", "success")
    return redirect(url_for("portal.link_requests"))
