"""Outcome pages: the dashboard, its charts and downloads, starting a recompute, and baselines."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from academy.auth.access import STAFF_ROLES, DomainError, role_required
from academy.auth.audit import audit
from academy.auth.models import Role
from academy.extensions import db
from academy.forms import form_error, status_for
from academy.jobs import JobsUnavailable, job_status
from academy.outcomes import baselines, charts, dashboard, funnel_page, jobs, report, snapshots
from academy.outcomes.blueprint import bp
from academy.outcomes.forms import BaselineForm, RecomputeForm
from academy.outcomes.metrics import ALL_METRICS
from academy.outcomes.models import Baseline
from academy.voice import outcomes as voice_outcomes

VIEWERS = (Role.manager, *STAFF_ROLES)


def _scopes():
    """(scopes shown, choices) for the signed-in user from ?scope= and ?compare= (404 if not theirs)."""
    choices = dashboard.choices_for(db.session, current_user)
    primary = (dashboard.resolve_scope(db.session, current_user, request.args.get("scope"), choices)
               or dashboard.default_scope(current_user, choices))
    compare = None
    if dashboard.is_staff(current_user):
        compare = dashboard.resolve_scope(db.session, current_user, request.args.get("compare"), choices,
                                          allow_county=False)
    return [s for s in (primary, compare) if s is not None], choices


def _running_recompute():
    """The recompute under way, if any; None when there is none or Redis is not answering (the
    page still serves; starting one then says to try again later)."""
    try:
        running = jobs.running_job_id()
        return job_status(running) if running else None
    except JobsUnavailable:
        return None


def _lost_recompute():
    """The latest recompute, if Redis lost it (a restart without its data) and nobody started it
    again: the staff pages say so rather than let it vanish."""
    return jobs.lost_recompute(db.session)


@bp.get("/")
@role_required(*VIEWERS)
def index():
    """The five strategy outcomes (latest, 12-month trend, baselines) and the recruitment funnel."""
    scopes, choices = _scopes()
    latest = snapshots.latest_date(db.session)
    staff = dashboard.is_staff(current_user)
    running_status = _running_recompute() if staff else None
    lost = _lost_recompute() if staff and running_status is None else None
    return render_template(
        "outcomes/dashboard.html", scopes=scopes, choices=choices, latest=latest,
        panels=dashboard.panels(db.session, scopes, latest) if latest else [],
        induction=dashboard.induction_parts(db.session, scopes, latest) if latest else [],
        funnel=dashboard.funnel(db.session, latest) if latest and staff else [],
        gcr_funnel=funnel_page.section(db.session, request.args, latest) if latest and staff else None,
        staff=staff, running=running_status, lost=lost,
        # staff voice's quarterly pulse (academy/voice), shown beside the turnover panel: only with panels
        pulse=voice_outcomes.pulse_series(db.session, scopes) if latest else [],
        query={k: v for k, v in request.args.items() if k in ("scope", "compare")})


@bp.get("/charts/<metric>.svg")
@role_required(*VIEWERS)
def chart(metric: str):
    """The 12-month trend of one outcome for the scopes on the dashboard, as SVG (?size=narrow for a phone)."""
    chosen = ALL_METRICS.get(metric) or abort(404)
    size = charts.SIZES.get(request.args.get("size", "wide"))
    if size is None:
        abort(404)
    scopes, _ = _scopes()
    latest = snapshots.latest_date(db.session)
    if latest is None:
        abort(404)
    panel = next((p for p in dashboard.panels(db.session, scopes, latest) if p.metric.key == chosen.key), None)
    if panel is None:
        abort(404)
    headline = baselines.headline_baseline(panel.baselines)
    series = [(scope.name, [point.rows[i].rate if point.rows[i] else None for point in panel.trend])
              for i, scope in enumerate(scopes)]
    svg = charts.trend_svg(chosen.label, [p.date for p in panel.trend], series,
                           (f"{headline.geography} {headline.year}", float(headline.value)) if headline else None,
                           size=size)
    response = Response(svg, mimetype="image/svg+xml")
    # Opened on its own, the SVG is a document: matplotlib's styles are inline, and it runs no script.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.get("/download.<fmt>")
@role_required(*VIEWERS)
def download(fmt: str):
    """Every outcome for the scopes shown, over the last 12 months, as CSV or XLSX (audit-logged)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    scopes, _ = _scopes()
    latest = snapshots.latest_date(db.session)
    if latest is None:
        abort(404)
    dates = snapshots.trend_dates(db.session, latest)
    rows = [row for scope in scopes for row in report.outcome_rows(db.session, scope.type, dates, [scope.id])
            if scope.type == dashboard.COUNTY or not row.metric.startswith("gcr_")]
    audit("downloaded_outcomes", detail=f"{fmt}: " + ", ".join(s.key for s in scopes) + f" to {latest.isoformat()}")
    name = f"outcomes-{'-'.join(s.key for s in scopes)}-{latest.isoformat()}.{fmt}"
    if fmt == "csv":
        body, mimetype = report.as_csv(rows), "text/csv"
    else:
        body, mimetype = report.as_xlsx(rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/recompute", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def recompute():
    """Start a recompute of a date range in the background, then watch it on the job page."""
    form = RecomputeForm()
    if request.method == "GET":
        form.end.data = date.today()
        form.start.data = snapshots._months_back(date.today(), 12)
    running = _running_recompute()
    if form.validate_on_submit():
        try:
            job_id = jobs.start_recompute(form.start.data, form.end.data, owner_id=current_user.id,
                                          follow_up=("See the outcomes", url_for("outcomes.index")))
        except (DomainError, JobsUnavailable) as problem:
            form_error(form, "start", problem)
        else:
            audit("started_outcomes_recompute", target=("job", job_id),
                  detail=f"{form.start.data.isoformat()} to {form.end.data.isoformat()}")
            return redirect(url_for("jobs.status", job_id=job_id))
    status = status_for(form)
    lost = _lost_recompute() if running is None else None
    return render_template("outcomes/recompute.html", form=form, running=running, lost=lost), status


@bp.get("/baselines")
@role_required(Role.admin)
def baseline_list():
    """The published baselines the dashboard compares with."""
    return render_template("outcomes/baselines.html", grouped=baselines.baselines_by_outcome(db.session),
                           labels={k: m.label for k, m in ALL_METRICS.items()})


@bp.route("/baselines/new", methods=["GET", "POST"])
@bp.route("/baselines/<int:baseline_id>/edit", methods=["GET", "POST"])
@role_required(Role.admin)
def baseline_edit(baseline_id: int | None = None):
    """Add or correct a baseline (value as a percentage, year, geography, good direction, source)."""
    baseline = db.session.get(Baseline, baseline_id) if baseline_id is not None else None
    if baseline_id is not None and baseline is None:
        abort(404)
    form = BaselineForm(obj=baseline)
    if request.method == "GET" and baseline is not None:
        form.good_direction.data = baseline.good_direction.name
    if form.validate_on_submit():
        try:
            saved = baselines.save_baseline(db.session, form.data, baseline)
        except DomainError as problem:
            form_error(form, "geography", problem)
        else:
            audit("edited_baseline" if baseline else "added_baseline", target=saved,
                  detail=f"{saved.outcome} {saved.geography} {saved.year}: {saved.value}")
            flash("Baseline saved.", "success")
            return redirect(url_for("outcomes.baseline_list"))
    return render_template("outcomes/baseline_form.html", form=form, baseline=baseline), status_for(form)
