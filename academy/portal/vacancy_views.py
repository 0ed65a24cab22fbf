"""Portal pages for a workplace's vacancies: list open and closed, open, edit, close."""
from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from academy.auth.access import DomainError
from academy.auth.audit import audit
from academy.extensions import db
from academy.forms import form_error, status_for
from academy.pagination import paginate, requested_page
from academy.portal import staff, vacancies
from academy.portal.blueprint import bp
from academy.portal.access import can_change, get_portal_workplace_or_404, portal_view
from academy.portal.forms import CloseVacancyForm, VacancyForm

_FIELD_FOR = {"role": "job_role_id", "contract": "contract_type", "opening": "opened_on", "days": "weekends",
              "posts": "posts", "closed": "submit"}


@bp.get("/<int:workplace_id>/vacancies")
@portal_view
def vacancies_list(workplace_id: int):
    workplace = get_portal_workplace_or_404(db.session, workplace_id, current_user)
    closed = request.args.get("show") == "closed"
    page = paginate(db.session, vacancies.vacancies_query(workplace, closed), requested_page(),
                    current_app.config["PAGE_SIZE"])
    return render_template("portal/vacancies/index.html", workplace=workplace, page=page, closed=closed,
                           can_change=can_change(current_user))


def _save(workplace, form, vacancy=None):
    try:
        saved = vacancies.save_vacancy(db.session, workplace, current_user, form.data, vacancy)
    except DomainError as problem:
        text = str(problem).lower()
        form_error(form, next((f for word, f in _FIELD_FOR.items() if word in text), "job_role_id"), problem)
        return None
    audit("opened_vacancy" if vacancy is None else "edited_vacancy", target=saved)
    return saved


@bp.route("/<int:workplace_id>/vacancies/new", methods=["GET", "POST"])
@portal_view
def new_vacancy(workplace_id: int):
    workplace = get_portal_workplace_or_404(db.session, workplace_id, current_user, write=True)
    form = VacancyForm(staff.job_roles(db.session))
    if request.method == "GET":
        form.opened_on.data, form.days.data, form.posts.data = date.today(), True, 1
    if form.validate_on_submit():
        saved = _save(workplace, form)
        if saved is not None:
            flash(f"The {saved.job_role.name.lower()} vacancy is open. Good Care Recruitment can now match "
                  "candidates to it.", "success")
            return redirect(url_for("portal.vacancies_list", workplace_id=workplace.id))
    return render_template("portal/vacancies/form.html", workplace=workplace, form=form, vacancy=None), \
        status_for(form)


@bp.route("/<int:workplace_id>/vacancies/<int:vacancy_id>", methods=["GET", "POST"])
@portal_view
def vacancy(workplace_id: int, vacancy_id: int):
    """One vacancy: edit it while it is open (managers); HCPA see it read-only."""
    item = vacancies.get_vacancy_or_404(db.session, vacancy_id, current_user, workplace_id=workplace_id)
    workplace = item.workplace
    form = VacancyForm(staff.job_roles(db.session), obj=item if request.method == "GET" else None)
    if request.method == "GET":
        form.job_role_id.data, form.contract_type.data = item.job_role_id, item.contract_type.name
    if form.validate_on_submit():
        if _save(workplace, form, item) is not None:
            flash("The vacancy has been updated.", "success")
            return redirect(url_for("portal.vacancies_list", workplace_id=workplace.id))
    return render_template("portal/vacancies/form.html", workplace=workplace, form=form, vacancy=item,
                           can_change=can_change(current_user), today=date.today()), status_for(form)


@bp.route("/<int:workplace_id>/vacancies/<int:vacancy_id>/close", methods=["GET", "POST"])
@portal_view
def close_vacancy(workplace_id: int, vacancy_id: int):
    item = vacancies.get_vacancy_or_404(db.session, vacancy_id, current_user, workplace_id=workplace_id, write=True)
    workplace = item.workplace
    form = CloseVacancyForm()
    if request.method == "GET":
        form.closed_on.data = date.today()
    if form.validate_on_submit():
        try:
            vacancies.close_vacancy(db.session, item, current_user, form.closed_on.data)
        except DomainError as problem:
            form_error(form, "closed_on", problem)
        else:
            audit("closed_vacancy", target=item)
            flash(f"The {item.job_role.name.lower()} vacancy is closed.", "success")
            return redirect(url_for("portal.vacancies_list", workplace_id=workplace.id))
    return render_template("portal/vacancies/close.html", workplace=workplace, form=form, vacancy=item), \
        status_for(form)
