"""Recognition (Hertfordshire Care Awards and managers' thanks). views.py adds the routes;
academy.register_blueprints imports it and registers `bp`. Nothing here imports a view module."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("recognition", __name__, url_prefix="/recognition")
