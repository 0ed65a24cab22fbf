"""Workplace pages: HCPA's directory, a manager's own workplaces, add, edit, deactivate."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from academy.auth.access import STAFF_ROLES, DomainError, role_required
from academy.auth.audit import audit
from academy.auth.models import Role
from academy.extensions import db
from academy.forms import form_error, status_for
from academy.pagination import paginate, requested_page
from academy.workplaces import directory
from academy.workplaces.blueprint import bp
from academy.workplaces.forms import WorkplaceForm
from academy.workplaces.models import Employment, Vacancy


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.get("/")
@role_required(*STAFF_ROLES)
def index():
    """All workplaces, paginated, filtered by district and service type, searchable by name."""
    filters = directory.WorkplaceFilters(
        district_id=_int_arg("district"), service_type_id=_int_arg("service_type"),
        search=(request.args.get("q") or "").strip()[:100],
        include_inactive=request.args.get("inactive") == "1",
    )
    page = paginate(db.session, directory.workplaces_query(filters), requested_page(),
                    current_app.config["PAGE_SIZE"])
    districts, service_types = directory.reference_lists(db.session)
    return render_template("workplaces/index.html", page=page, filters=filters,
                           districts=districts, service_types=service_types)


@bp.get("/mine")
@role_required(Role.manager)
def mine():
    """A registered manager's own workplaces."""
    return render_template("workplaces/mine.html",
                           workplaces=directory.managed_workplaces(db.session, current_user))


@bp.route("/new", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def new():
    districts, service_types = directory.reference_lists(db.session)
    form = WorkplaceForm(districts, service_types)
    if form.validate_on_submit():
        try:
            workplace = directory.save_workplace(db.session, form.data, by=current_user)
        except DomainError as problem:
            form_error(form, "cqc_location_id", problem)
        else:
            audit("created_workplace", target=workplace)
            flash(f"{workplace.name} has been added.", "success")
            return redirect(url_for("workplaces.show", workplace_id=workplace.id))
    return render_template("workplaces/form.html", form=form, workplace=None), status_for(form)


@bp.get("/<int:workplace_id>")
@role_required(Role.manager, *STAFF_ROLES)
def show(workplace_id: int):
    workplace = directory.get_workplace_or_404(db.session, workplace_id, current_user)
    in_post = db.session.scalar(
        select(func.count(Employment.id)).where(Employment.workplace_id == workplace.id,
                                                 Employment.leaving_date.is_(None)))
    vacancies = db.session.scalars(
        select(Vacancy).where(Vacancy.workplace_id == workplace.id, Vacancy.closed_on.is_(None))
        .order_by(Vacancy.opened_on.desc())).all()
    return render_template("workplaces/show.html", workplace=workplace, in_post=in_post, vacancies=vacancies)


@bp.route("/<int:workplace_id>/edit", methods=["GET", "POST"])
@role_required(Role.manager, *STAFF_ROLES)
def edit(workplace_id: int):
    workplace = directory.get_workplace_or_404(db.session, workplace_id, current_user)
    districts, service_types = directory.reference_lists(db.session)
    staff = directory.may_set_regulatory_fields(current_user)
    form = WorkplaceForm(districts, service_types, obj=workplace, regulatory=staff)
    if request.method == "GET" and staff:
        form.provider_name.data = workplace.provider.name
        form.cqc_rating.data = workplace.cqc_rating.name
    if form.validate_on_submit():
        try:
            directory.save_workplace(db.session, form.data, workplace, by=current_user)
        except DomainError as problem:
            form_error(form, "cqc_location_id", problem)
        else:
            audit("edited_workplace", target=workplace)
            flash("Workplace details saved.", "success")
            return redirect(url_for("workplaces.show", workplace_id=workplace.id))
    return render_template("workplaces/form.html", form=form, workplace=workplace), status_for(form)


@bp.post("/<int:workplace_id>/active")
@role_required(*STAFF_ROLES)
def set_active(workplace_id: int):
    """Deactivate (or reactivate) a workplace: it leaves the directory and matching, history stays."""
    workplace = directory.get_workplace_or_404(db.session, workplace_id, current_user)
    active = request.form.get("active") == "1"
    if request.form.get("active") not in ("0", "1"):
        abort(400)
    directory.set_active(db.session, workplace, active)
    audit("reactivated_workplace" if active else "deactivated_workplace", target=workplace)
    flash(f"{workplace.name} is now {'active' if active else 'inactive'}.", "success")
    return redirect(url_for("workplaces.show", workplace_id=workplace.id))
