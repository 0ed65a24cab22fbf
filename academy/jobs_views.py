"""The job-status page pattern: percentage and message from job.meta, for the job's owner; a job
Redis lost is shown as lost, with a button to start it again (academy/jobs_restart.py)."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from academy.auth.access import DomainError, NotAllowed, refuse
from academy.auth.audit import audit
from academy.auth.models import Role
from academy.extensions import db
from academy.forms import flash_refusal
from academy.jobs import JobStatus, JobsUnavailable, job_status
from academy.jobs_restart import may_restart, restart_job

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _status_for_current_user(job_id: str) -> JobStatus:
    status = job_status(job_id)
    if status is None or (status.owner_id != current_user.id and current_user.role != Role.admin):
        refuse(404, target=("job", job_id))
    return status


@bp.get("/<job_id>")
@login_required
def status(job_id: str):
    """A page that shows how far a background job has got (refreshes itself with JavaScript)."""
    status = _status_for_current_user(job_id)
    return render_template("jobs/status.html", status=status, can_restart=may_restart(status, current_user))


@bp.get("/<job_id>.json")
@login_required
def status_json(job_id: str):
    return jsonify(_status_for_current_user(job_id).as_dict())


@bp.post("/<job_id>/start-again")
@login_required
def start_again(job_id: str):
    """Start a lost job again with the same arguments (its owner or an admin, in a role that may)."""
    lost = _status_for_current_user(job_id)
    try:
        new_id = restart_job(db.session, job_id, current_user)
    except NotAllowed:
        refuse(403, target=("job", job_id))
    except (DomainError, JobsUnavailable) as problem:
        flash_refusal(problem)
        return redirect(url_for("jobs.status", job_id=job_id))
    audit("restarted_lost_job", target=("job", job_id), detail=f"{lost.kind}, started again as {new_id}")
    return redirect(url_for("jobs.status", job_id=new_id))
