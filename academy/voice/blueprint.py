"""Staff voice (polls and pulse surveys). manage_views.py (HCPA) and views.py (members, managers)
add the routes; academy.register_blueprints imports them and registers `bp`."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("voice", __name__, url_prefix="/voice")
