"""Pages for everyone: home, accessibility statement, privacy notice, cookies, health check."""
from __future__ import annotations

from flask import current_app, jsonify, render_template
from sqlalchemy import text

from academy.extensions import db
from academy.public.blueprint import bp


@bp.get("/")
def home():
    """Explains the service to someone thinking about a job in care."""
    return render_template("public/home.html")


@bp.get("/accessibility")
def accessibility():
    return render_template("public/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("public/privacy.html")


@bp.get("/cookies")
def cookies():
    return render_template("public/cookies.html")


@bp.get("/healthz")
def healthz():
    """Database and Redis reachable or not: 200 when everything configured answers, else 503."""
    checks = {"database": _check_database(), "redis": _check_redis()}
    healthy = checks["database"] == "ok" and checks["redis"] in ("ok", "not configured")
    return jsonify({"status": "ok" if healthy else "unavailable", **checks}), 200 if healthy else 503


def _check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means unreachable
        db.session.rollback()
        return "unreachable"


def _check_redis() -> str:
    if not current_app.config.get("REDIS_URL"):
        return "not configured"
    from academy.jobs import redis_connection

    try:
        redis_connection().ping()
        return "ok"
    except Exception:  # noqa: BLE001
        return "unreachable"
