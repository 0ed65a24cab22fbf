"""Portal pages for the workforce: your workplaces, summary and staff (thin views).

Vacancies are in vacancy_views.py, the referrals inbox in referral_views.py, the training pages in
training_views.py. Every page loads its workplace with get_portal_workplace_or_404 (role and ownership).
"""
from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from academy.auth.access import DomainError
from academy.auth.audit import audit
from academy.auth.models import Role
from academy.extensions import db
from academy.forms import form_error, status_for
from academy.pagination import paginate, requested_page
from academy.portal import employer_links, staff, summary as summaries
from academy.portal.blueprint import bp
from academy.portal.access import can_change, get_portal_workplace_or_404, portal_view
from academy.portal.forms import CancelLinkForm, LeaverForm, RegisteredManagerForm, RoleChangeForm, StarterForm
from academy.workplaces.directory import WorkplaceFilters, managed_workplaces, workplaces_query



@bp.get("/")
@portal_view
def index():
    """Your workplaces; straight to the summary when you manage just one."""
    if current_user.role == Role.manager:
        workplaces = managed_workplaces(db.session, current_user)
        if len(workplaces) == 1:
            return redirect(url_for("portal.summary", workplace_id=workplaces[0].id))
        return render_template("portal/index.html", workplaces=workplaces, page=None)
    page = paginate(db.session, workplaces_query(WorkplaceFilters()), requested_page(),
                    current_app.config["PAGE_SIZE"])
    return render_template("portal/index.html", workplaces=page.items, page=page)


@bp.get("/<int:workplace_id>/")
@portal_view
def summary(workplace_id: int):
    """Needs your attention, today's counts (as the staff and vacancies pages count them), and the
    month-end figures labelled with their date."""
    workplace = get_portal_workplace_or_404(db.session, workplace_id, current_user)
    result = summaries.workplace_summary(db.session, workplace, current_user)
    return render_template("portal/summary.html", workplace=workplace, summary=result)


# -- staff -------------------------------------------------------------------------------------

@bp.get("/<int:workplace_id>/staff")
@portal_view
def staff_list(workplace_id: int):
    """Staff in post (and starting soon), or leavers in the last 12 months (?show=leavers)."""
    workplace = get_portal_workplace_or_404(db.session, workplace_id, current_user)
    leavers = request.args.get("show") == "leavers"
    audit("viewed_portal_staff", target=workplace, detail="leavers" if leavers else "in_post")
    page = paginate(db.session, staff.staff_query(workplace, leavers=leavers), requested_page(),
                    current_app.config["PAGE_SIZE"])
    rows = staff.staff_rows(db.session, page.items)
    return render_template("portal/staff/index.html", workplace=workplace, page=page, rows=rows, leavers=leavers,
                           tiers_shown=staff.tiers_available(), today=date.today(), can_change=can_change(current_user))


@bp.route("/<int:workplace_id>/staff/new", methods=["GET", "POST"])
@portal_view
def new_starter(workplace_id: int):
    workplace = get_portal_workplace_or_404(db.session, workplace_id, current_user, write=True)
    form = StarterForm(staff.job_roles(db.session))
    if form.validate_on_submit():
        try:
            employment = staff.add_starter(
                db.session, workplace, current_user, job_role_id=form.job_role_id.data,
                contract_type=form.contract_type.data, start_date=form.start_date.data,
                full_name=form.full_name.data, email=form.email.data or None, hours_per_week=form.hours_per_week.data,
                is_registered_manager=form.is_registered_manager.data)
        except DomainError as problem:
            form_error(form, _field_for(problem, {"email address": "email", "start": "start_date",
                                                  "role": "job_role_id", "name": "full_name",
                                                  "contract": "contract_type"}), problem)
        else:
            audit("recorded_starter", target=employment, subject=employment.person.user_id)
            for link_request in employment.link_requests:  # the worker asked (if any) sees it in their data
                audit("asked_to_link_passport", target=link_request, subject=link_request.user_id)
            name = employment.person.full_name  # as the manager typed it: their own record
            message = f"{name} is recorded as a starter."
            if employment.link_requests:
                # Said whether or not the email has an account: the page never tells.
                message += (f" If {name} already has a training passport, we have asked them to "
                            f"link it to {workplace.name}.")
            flash(message, "success")
            return redirect(url_for("portal.staff_list", workplace_id=workplace.id))
    return render_template("portal/staff/new.html", workplace=workplace, form=form), status_for(form)


def _field_for(problem, fields: dict[str, str]) -> str:
    text = str(problem).lower()
    for word, field in fields.items():
        if word in text:
            return field
    return next(iter(fields.values()))


def _member_forms(employment, posted: str | None):
    roles = staff.job_roles(db.session)
    return {
        "leaver": LeaverForm() if posted == "leaver" else LeaverForm(formdata=None),
        "role": RoleChangeForm(roles) if posted == "role" else RoleChangeForm(roles, formdata=None),
        "rm": RegisteredManagerForm() if posted == "rm" else RegisteredManagerForm(formdata=None),
    }


@bp.route("/<int:workplace_id>/staff/<int:employment_id>", methods=["GET", "POST"])
@portal_view
def staff_member(workplace_id: int, employment_id: int):
    """One member of staff: their employment, role history; record a leaver, change role, RM flag."""
    employment = staff.get_employment_or_404(db.session, employment_id, current_user, workplace_id=workplace_id)
    workplace = employment.workplace
    posted = request.form.get("step") if request.method == "POST" else None
    if posted is not None and posted not in ("leaver", "role", "rm"):
        posted = None
    forms = _member_forms(employment, posted)
    form = forms.get(posted) if posted else None
    if form is not None and form.validate_on_submit():
        try:
            message = _act(employment, posted, form)
        except DomainError as problem:
            field = {"leaver": "leaving_date", "role": "job_role_id", "rm": "changed_on"}[posted]
            if posted == "leaver" and "reason" in str(problem).lower():
                field = "reason"
            if posted == "role" and "date" in str(problem).lower():
                field = "changed_on"
            form_error(form, field, problem)
        else:
            audit(f"portal_staff_{posted}", target=employment, subject=employment.person.user_id)
            flash(message, "success")
            return redirect(url_for("portal.staff_member", workplace_id=workplace.id, employment_id=employment.id))
    elif posted is None and request.method == "POST":
        return redirect(url_for("portal.staff_member", workplace_id=workplace.id, employment_id=employment.id))
    audit("viewed_portal_staff_member", target=employment, subject=employment.person.user_id)
    row = staff.staff_rows(db.session, [employment])[0]
    return render_template("portal/staff/show.html", workplace=workplace, employment=employment, row=row,
                           forms=forms, form=form, can_change=can_change(current_user),
                           link_request=employer_links.latest_for(employment), cancel_form=CancelLinkForm(),
                           today=date.today()), status_for(form)


def _act(employment, step: str, form) -> str:
    name = employment.person.full_name
    if step == "leaver":
        staff.record_leaver(db.session, employment, current_user, form.leaving_date.data, form.reason.data,
                            form.detail.data)
        return f"{name} is recorded as leaving on {form.leaving_date.data:%-d %B %Y}."
    if step == "role":
        change = staff.change_role(db.session, employment, current_user, form.job_role_id.data, form.changed_on.data)
        return f"{name} is now a {change.to_job_role.name.lower()}."
    flag = not employment.is_registered_manager
    staff.set_registered_manager(db.session, employment, current_user, flag, form.changed_on.data)
    return (f"{name} is {'marked' if flag else 'no longer marked'} as a registered manager "
            f"from {form.changed_on.data:%-d %B %Y}.")


# -- the portal's sub-navigation (templates/portal/_nav.html) ----------------------------------

PORTAL_NAV = (
    ("Summary", "portal.summary"),
    ("Staff", "portal.staff_list"),
    ("Training matrix", "portal.matrix"),
    ("Inductions", ("portal.inductions_page", "portal.inductions")),
    ("Training needs", "portal.training_needs"),
    ("Vacancies", "portal.vacancies_list"),
    ("Referrals", "portal.referrals_list"),
    ("CPA members and benefits", "benefits.workplace"),  # academy/benefits/views.py
)


@bp.app_context_processor
def portal_navigation():
    def portal_nav(workplace) -> list[dict]:
        """Links to this workplace's portal pages; endpoints not registered (yet) are left out."""
        items = []
        for text, endpoints in PORTAL_NAV:
            endpoint = next((e for e in ((endpoints,) if isinstance(endpoints, str) else endpoints)
                             if e in current_app.view_functions), None)
            if endpoint is None:
                continue
            href = url_for(endpoint, workplace_id=workplace.id)
            current = request.path == href or (endpoint != "portal.summary" and request.path.startswith(href + "/"))
            items.append({"text": text, "href": href, "current": current})
        return items

    def portal_workplaces() -> list:
        """The manager's other workplaces, to switch between (none for HCPA)."""
        if not current_user.is_authenticated or current_user.role != Role.manager:
            return []
        return sorted(current_user.workplaces, key=lambda w: w.name)

    return {"portal_nav": portal_nav, "portal_workplaces": portal_workplaces}
