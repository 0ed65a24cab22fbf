"""Privacy pages: your data, deletion requests, and HCPA's erasure and subject access pages (views.py).

The view modules import `bp` and add their routes; academy.register_blueprints imports them and
registers it. Nothing here imports a view module."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/privacy")
