"""Training pages: the care worker's passport and records (views.py), the manager, HCPA and
catalogue pages (manage_views.py) and the worker's answer to a link request (link_views.py).

The view modules import `bp` and add their routes; academy.register_blueprints imports them and
registers it. Nothing here imports a view module."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("training", __name__, url_prefix="/training")
