"""Benefits and wellbeing: HCPA's catalogue, members' "Your benefits", and the manager portal's
page of CPA members and benefit use. The view modules add the routes; academy.register_blueprints
imports them and registers `bp`. Nothing here imports a view module."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("benefits", __name__, url_prefix="/benefits")
