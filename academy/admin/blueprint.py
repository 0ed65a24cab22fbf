"""Administration pages: users and roles, the audit log, refused requests, invitations (views.py).

The view modules import `bp` and add their routes; academy.register_blueprints imports them and
registers it. Nothing here imports a view module."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
