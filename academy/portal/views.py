"""Portal pages for the workforce: your workplaces, summary, staff, vacancies, referrals (thin views)."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from academy.auth.models import Role
from academy.extensions import db
from academy.portal import bp
from academy.portal.access import portal_view, portal_workplace_or_404
from academy.workplaces.directory import WorkplaceFilters, managed_workplaces, workplaces_query


@bp.get("/")
@portal_view
def index():
    """Your workplaces; straight to the summary when you manage just one."""
    if current_user.role == Role.manager:
        workplaces = managed_workplaces(db.session, current_user)
        if len(workplaces) == 1:
            return redirect(url_for("portal.summary", workplace_id=workplaces[0].id))
    else:
        workplaces = list(db.session.scalars(workplaces_query(WorkplaceFilters()).limit(200)))
    return render_template("portal/index.html", workplaces=workplaces)


@bp.get("/<int:workplace_id>/")
@portal_view
def summary(workplace_id: int):
    workplace = portal_workplace_or_404(workplace_id)
    return render_template("portal/summary.html", workplace=workplace)


# The portal's sub-navigation (templates/portal/_nav.html). Endpoints not registered yet are left out.
PORTAL_NAV = (
    ("Summary", "portal.summary"),
    ("Staff", "portal.staff"),
    ("Training matrix", "portal.matrix"),
    ("Inductions", "portal.inductions"),
    ("Training needs", "portal.training_needs"),
    ("Vacancies", "portal.vacancies"),
    ("Referrals", "portal.referrals"),
)


@bp.app_context_processor
def portal_navigation():
    from flask import current_app, request

    def portal_nav(workplace) -> list[dict]:
        items = []
        for text, endpoint in PORTAL_NAV:
            if endpoint not in current_app.view_functions:
                continue
            href = url_for(endpoint, workplace_id=workplace.id)
            current = request.path == href or (endpoint != "portal.summary" and request.path.startswith(href + "/"))
            items.append({"text": text, "href": href, "current": current})
        return items

    return {"portal_nav": portal_nav}
