"""Account pages: sign up, sign in and out, passwords, invitations (views.py), and two-step sign-in
(two_step_views.py, its own blueprint so its endpoints keep their `two_step.` names).

The view modules import these blueprints and add their routes; academy.register_blueprints imports
them and registers both. Nothing here imports a view module."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)
two_step_bp = Blueprint("two_step", __name__)
