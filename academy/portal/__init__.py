"""The registered managers' portal: one blueprint, /portal/..., scoped to the manager's workplaces.

Workforce pages (summary, staff, vacancies, referrals) live in views.py; the training pages
(matrix, inductions, training needs) in training_views.py. Every view module registers its routes
on `bp` below and is imported here, after the blueprint exists.

Training-pages engineer: when academy/portal/training_views.py exists, add
    from academy.portal import training_views  # noqa: E402,F401
beside the views import at the bottom of this file. Load workplaces with
academy.portal.access.portal_workplace_or_404(workplace_id) and decorate views with
academy.portal.access.portal_view; extend templates/portal/_layout.html (it shows the sub-navigation
templates/portal/_nav.html, which links the endpoints portal.matrix (/<id>/matrix), portal.inductions
(/<id>/inductions) and portal.training_needs (/<id>/training-needs) as soon as they are registered;
name your view functions matrix, inductions and training_needs).
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal")

from academy.portal import views  # noqa: E402,F401
from academy.portal import training_views  # noqa: E402,F401
