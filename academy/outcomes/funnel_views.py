"""The GCR funnel's chart and download (the section itself is on the dashboard, outcomes.index)."""
from __future__ import annotations

from flask import Response, abort, request

from academy import exports
from academy.auth.access import STAFF_ROLES, role_required
from academy.auth.audit import audit
from academy.extensions import db
from academy.outcomes import charts, funnel_page, snapshots
from academy.outcomes.blueprint import bp


def _section() -> funnel_page.Section:
    latest = snapshots.latest_date(db.session)
    if latest is None:
        abort(404)
    return funnel_page.section(db.session, request.args, latest)


@bp.get("/funnel/<part>.svg")
@role_required(*STAFF_ROLES)
def funnel_chart(part: str):
    """The funnel's stages or the online form's pages as bars, for the filters in the query (?size=narrow)."""
    size = charts.SIZES.get(request.args.get("size", "wide"))
    if part not in ("stages", "form") or size is None:
        abort(404)
    response = Response(funnel_page.chart(_section(), part, size), mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.get("/funnel/download.<fmt>")
@role_required(*STAFF_ROLES)
def funnel_download(fmt: str):
    """The funnel's table for the filters in the query, as CSV or XLSX (audit-logged)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    section = _section()
    chosen = funnel_page.describe(section)
    audit("downloaded_outcomes", detail=f"{fmt}: GCR funnel, {chosen}, {section.period}")
    name = f"gcr-funnel-{section.latest.isoformat()}.{fmt}"
    rows = funnel_page.export_rows(section)
    if fmt == "csv":
        body, mimetype = exports.csv_text(funnel_page.EXPORT_HEADER, rows), "text/csv"
    else:
        body = exports.xlsx_bytes(funnel_page.EXPORT_HEADER, rows, "GCR funnel", number_formats={5: "0.0%"})
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
