"""The registered managers' portal: one blueprint, /portal/..., scoped to the manager's workplaces.

Workforce pages: summary and staff (views.py), vacancies (vacancy_views.py), the referrals inbox
(referral_views.py), passport link requests (link_views.py); training pages: matrix, inductions,
training needs (training_views.py). Each view module imports `bp` and adds its routes;
academy.register_blueprints imports them and registers it. Nothing here imports a view module.
Views load the workplace with academy.portal.access.get_portal_workplace_or_404 and are decorated with
portal_view; templates extend templates/portal/_layout.html.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal")
