"""The job-status page pattern: percentage and message from job.meta, for the job's owner."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required

from academy.auth.access import refuse
from academy.auth.models import Role
from academy.jobs import JobStatus, job_status

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _status_for_current_user(job_id: str) -> JobStatus:
    status = job_status(job_id)
    if status is None or (status.owner_id != current_user.id and current_user.role != Role.admin):
        refuse(404)
    return status


@bp.get("/<job_id>")
@login_required
def status(job_id: str):
    """A page that shows how far a background job has got (refreshes itself with JavaScript)."""
    return render_template("jobs/status.html", status=_status_for_current_user(job_id))


@bp.get("/<job_id>.json")
@login_required
def status_json(job_id: str):
    return jsonify(_status_for_current_user(job_id).as_dict())
