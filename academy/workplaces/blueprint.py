"""Workplace pages: HCPA's directory, a manager's own workplaces (views.py).

The view modules import `bp` and add their routes; academy.register_blueprints imports them and
registers it. Nothing here imports a view module."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("workplaces", __name__, url_prefix="/workplaces")
