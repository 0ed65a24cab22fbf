"""The jobs board's pages: the public list of open vacancies, one vacancy, and applying for it."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from academy.auth.access import DomainError, role_required
from academy.auth.models import Role
from academy.extensions import db
from academy.forms import flash_refusal
from academy.pagination import paginate, requested_page
from recruitment import board, journey
from recruitment.blueprint import bp


@bp.get("/jobs")
def board_list():
    """Open vacancies for everyone, filtered by district, kind of care and hours; for a signed-in
    applicant, the ones that match them first."""
    filters = board.filters_from(request.args)
    page = paginate(db.session, board.board_query(filters), requested_page(), current_app.config["PAGE_SIZE"])
    page.items = [board.listing_from(vacancy) for vacancy in page.items]
    districts, service_types = board.filter_choices(db.session)
    signed_in_applicant = current_user.is_authenticated and current_user.role == Role.applicant
    matches = board.matches_for(db.session, current_user) if signed_in_applicant else []
    return render_template("recruitment/board/list.html", page=page, filters=filters, districts=districts,
                           service_types=service_types, hours=board.HOURS, matches=matches,
                           signed_in_applicant=signed_in_applicant)


@bp.get("/jobs/<int:vacancy_id>")
def board_job(vacancy_id: int):
    """One open vacancy, and how to apply for it."""
    vacancy = board.get_open_vacancy_or_404(db.session, vacancy_id, current_user)
    application = None
    if current_user.is_authenticated and current_user.role == Role.applicant:
        application = journey.application_for(db.session, current_user)
    return render_template("recruitment/board/job.html", job=board.listing_from(vacancy), application=application)


@bp.post("/jobs/<int:vacancy_id>/apply")
@role_required(Role.applicant)
def board_apply(vacancy_id: int):
    """Record the applicant's interest in this vacancy on their (new or draft) application, then carry
    on with it."""
    vacancy = board.get_open_vacancy_or_404(db.session, vacancy_id, current_user)
    try:
        board.record_interest(db.session, current_user, vacancy)
    except DomainError as problem:
        flash_refusal(problem)
        return redirect(url_for("recruitment.board_job", vacancy_id=vacancy_id))
    flash(f"We have noted that you are interested in the {vacancy.job_role.name.lower()} job. "
          "Your HCPA officer will look at it first when your application is sent.", "success")
    return redirect(url_for("recruitment.apply"))
