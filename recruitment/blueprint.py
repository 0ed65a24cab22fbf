"""Good Care Recruitment's pages: the applicant's journey (views.py), HCPA staff's screening,
checks and placement pages (staff_views.py) and the referral pages (referral_views.py).

The view modules import `bp` and add their routes; academy.register_blueprints imports them and
registers it. Nothing here imports a view module."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("recruitment", __name__, url_prefix="/recruitment")
