"""Portal training pages for one workplace: the training matrix, inductions (with sign-off) and the
STAN+ training-needs plan, with CSV/XLSX downloads. Thin: the building is in matrix.py and needs.py.

Every view loads its workplace with get_portal_workplace_or_404 (role and ownership: another
manager's workplace is a 404); pages listing staff's training are audit-logged.
"""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from academy import exports
from academy.auth.access import DomainError
from academy.auth.audit import audit
from academy.extensions import db
from academy.forms import form_error
from academy.portal import matrix as matrices, needs
from academy.portal.blueprint import bp
from academy.portal.access import can_change, get_portal_workplace_or_404, portal_view
from academy.portal.training_forms import SignOffForm
from academy.workplaces.models import Workplace
from training import induction as inductions
from training.models import StandardState
from training.records import TrainingState


def _filters() -> dict:
    """The matrix filters from the query string; values not on the lists are ignored."""
    role = request.args.get("role", "")
    state = request.args.get("state", "")
    return {"role_id": int(role) if role.isdigit() else None,
            "state": TrainingState[state] if state in TrainingState.__members__ else None}


def _download(fmt: str, header, rows, name: str, title: str):
    if fmt not in exports.FORMATS:
        abort(404)
    return exports.export_response(fmt, header, rows, f"{name}-{date.today().isoformat()}", title)


@bp.get("/<int:workplace_id>/matrix")
@portal_view
def matrix(workplace_id: int):
    """Staff in post x the mandatory courses of their roles, each cell's state and date."""
    workplace = get_portal_workplace_or_404(db.session, workplace_id, current_user)
    filters = _filters()
    audit("viewed_training_matrix", target=workplace)
    built = matrices.build_matrix(db.session, workplace, date.today(), **filters)
    return render_template("portal/training/matrix.html", workplace=workplace, matrix=built, filters=filters,
                           states=list(TrainingState))


@bp.get("/<int:workplace_id>/matrix.<fmt>")
@portal_view
def matrix_download(workplace_id: int, fmt: str):
    workplace = get_portal_workplace_or_404(db.session, workplace_id, current_user)
    if fmt not in exports.FORMATS:
        abort(404)
    filters = _filters()
    audit("downloaded_training_matrix", target=workplace, detail=fmt)
    header, rows = matrices.export_table(matrices.build_matrix(db.session, workplace, date.today(), **filters))
    return _download(fmt, header, rows, f"training-matrix-{workplace.id}", "Training matrix")


def _inductions_page(workplace, failed: SignOffForm | None = None, failed_id: int | None = None):
    inducting, not_started = matrices.induction_board(db.session, workplace, date.today())
    writable = can_change(current_user)
    forms = {}
    for row in inducting if writable else []:
        forms[row.induction.id] = failed if row.induction.id == failed_id else SignOffForm.for_induction(row.induction)
    return render_template("portal/training/inductions.html", workplace=workplace, inducting=inducting,
                           not_started=not_started, forms=forms, form=failed, failed_id=failed_id,
                           writable=writable)


@bp.get("/<int:workplace_id>/inductions", endpoint="inductions")
@portal_view
def inductions_page(workplace_id: int):
    """Who is inducting: standards signed off, days to the 12-week target, overdue first."""
    workplace = get_portal_workplace_or_404(db.session, workplace_id, current_user)
    audit("viewed_inductions", target=workplace)
    return _inductions_page(workplace)


@bp.post("/<int:workplace_id>/inductions/<int:induction_id>/sign-off")
@portal_view
def sign_off_standards(workplace_id: int, induction_id: int):
    """Sign off the ticked standards (training.induction's rule: an assessor, never their own)."""
    item = matrices.get_induction_or_404(db.session, induction_id, current_user, workplace_id=workplace_id,
                                         on=date.today())
    workplace = db.session.get(Workplace, workplace_id)
    person = item.person
    form = SignOffForm.for_induction(item)
    if form.validate_on_submit():
        try:
            for number in form.standards.data:
                inductions.set_standard_state(db.session, item, number, StandardState.signed_off, current_user)
        except DomainError as problem:
            form_error(form, "standards", problem)
        else:
            for number in form.standards.data:
                audit("changed_care_certificate_standard", target=item, subject=person.user,
                      detail=f"standard={number} state=signed_off")
            flash(_signed_off_message(person.full_name, form.standards.data, item), "success")
            return redirect(url_for("portal.inductions", workplace_id=workplace.id))
    return _inductions_page(workplace, form, item.id), 422


def _signed_off_message(name: str, numbers: list[int], item) -> str:
    listed = ", ".join(str(n) for n in sorted(numbers))
    message = f"{name}: standard{'s' if len(numbers) > 1 else ''} {listed} signed off."
    if item.completed_on:
        message += f" The Care Certificate is complete ({item.completed_on:%-d %B %Y})."
    return message


@bp.get("/<int:workplace_id>/training-needs")
@portal_view
def training_needs(workplace_id: int):
    """STAN+: the workplace's training needs as a plan (need, people, due by) and per worker."""
    workplace = get_portal_workplace_or_404(db.session, workplace_id, current_user)
    audit("viewed_training_needs", target=workplace)
    plan = needs.training_needs(db.session, workplace, date.today())
    return render_template("portal/training/needs.html", workplace=workplace, plan=plan)


@bp.get("/<int:workplace_id>/training-needs.<fmt>")
@portal_view
def training_needs_download(workplace_id: int, fmt: str):
    workplace = get_portal_workplace_or_404(db.session, workplace_id, current_user)
    if fmt not in exports.FORMATS:
        abort(404)
    audit("downloaded_training_needs", target=workplace, detail=fmt)
    header, rows = needs.export_table(needs.training_needs(db.session, workplace, date.today()))
    return _download(fmt, header, rows, f"training-needs-{workplace.id}", "Training needs")
