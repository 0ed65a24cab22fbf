"""Career tier pages: members and endorsements (views.py) and the admin's tier rules (rules_views.py).

The view modules import `bp` and add their routes; academy.register_blueprints imports them and
registers it. Nothing here imports a view module."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("tiers", __name__, url_prefix="/tiers")
