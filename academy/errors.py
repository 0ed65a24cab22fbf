"""One error handler for every HTTP error: renders errors/<code>.html in the site's style, as to a
visitor when the database cannot say who is signed in (docs/operations.md)."""
from __future__ import annotations

import contextlib
import logging

from flask import current_app, g, jsonify, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from jinja2 import TemplateNotFound
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, SecurityError, ServiceUnavailable

from academy.jobs import JobsUnavailable
from academy.secret_paths import redact

log = logging.getLogger(__name__)

# The database did not answer (PostgreSQL restarting, the network, a dropped connection): a 503.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# An emailed link's secret, as gunicorn.conf.py's access log redacts it.


def _wants_json() -> bool:
    return request.path.endswith(".json") or request.accept_mimetypes.best == "application/json"


def _path() -> str:
    """The request's path for a log line, with a secret in it left out: an address holding a token
    (an emailed link's, such as `/voice/answer/<token>`) is logged as its route's pattern."""
    rule = request.url_rule
    if rule is not None and "token" in (request.view_args or {}):
        return rule.rule
    return redact(request.path)  # no route matched (an untrusted host, an unknown path)


def roll_back_or_let_go() -> None:
    """Roll the request's session back; if even that fails (PostgreSQL ended the connection: a
    restart's "terminating connection due to administrator command"), drop its connections
    without a word to the server, so nothing later (the teardown) tries again and fails."""
    from academy.extensions import db

    try:
        db.session.rollback()
    except Exception as problem:  # noqa: BLE001 - the connection is gone: nothing to roll back
        log.warning("Rollback failed (%s): the session's connections are dropped", type(problem).__name__)
        with contextlib.suppress(Exception):
            db.session.invalidate()


def show_as_to_a_visitor() -> None:
    """From here on, this request's pages show the navigation and header of a visitor (the person
    stays signed in: their cookie is untouched). Nothing the layout then reads needs the database."""
    roll_back_or_let_go()
    g._login_user = current_app.login_manager.anonymous_user()


def _layout_needs_no_database() -> None:
    """An error page must render whatever failed, the database included. The layout reads the
    signed-in user (the navigation for their role, "Signed in as ..."), which Flask-Login loads
    from the database the first time it is asked for, and which a rollback expires. Load them and
    what the layout reads now: if that fails (the database is restarting, unreachable, or the
    session is in a failed state), the page is shown as to a visitor rather than becoming a 500."""
    try:
        user = current_user._get_current_object()
        if user.is_authenticated:
            _ = user.role, user.full_name  # what base.html and academy.navigation read
    except Exception as problem:  # noqa: BLE001 - an error page must never fail for want of the user
        log.warning("Error page on %s %s shown as to a visitor: the signed-in user could not be loaded (%s)",
                    request.method, _path(), type(problem).__name__)
        show_as_to_a_visitor()


def render_error(error: HTTPException, template: str | None = None, code: int | None = None):
    """The error page (or JSON), never stored by a browser or proxy cache: it carries the signed-in
    person's name and a CSRF token, even for an address that matches no page (and so no endpoint,
    which is what the after-request header rule goes by)."""
    code = code or error.code or 500
    if _wants_json():
        response = make_response(jsonify({"error": error.name, "status": code}), code)
    else:
        _layout_needs_no_database()
        try:
            page = render_template(template or f"errors/{code}.html", error=error)
        except TemplateNotFound:
            page = render_template("errors/generic.html", error=error)
        response = make_response(page, code)
    response.headers["Cache-Control"] = "no-store"
    return response


def register(app) -> None:
    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        return render_error(error)

    @app.errorhandler(SecurityError)
    def handle_untrusted_host(error: SecurityError):
        """A Host header that is not the site's (TRUSTED_HOSTS): a 400 page. No URL adapter could be
        made for that host, so the page's own links are built for PUBLIC_BASE_URL's."""
        from flask.globals import request_ctx

        from academy.mail import public_url_adapter

        if request_ctx.url_adapter is None:
            request_ctx.url_adapter = public_url_adapter()
        log.warning("Request for an untrusted host refused on %s %s", request.method, _path())
        return render_error(BadRequest("This service does not answer to the address in your request. "
                                       "Check the address you typed or followed."))

    @app.errorhandler(CSRFError)
    def handle_csrf(error: CSRFError):
        log.warning("CSRF check failed on %s: %s", _path(), error.description)
        return render_error(error, "errors/csrf.html", 400)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(RedisConnectionError)
    @app.errorhandler(RedisTimeoutError)
    @app.errorhandler(JobsUnavailable)
    def handle_unavailable(error: Exception):
        """The database or Redis is not answering (a restart, a network fault): a 503 saying try
        again, not a 500; the pool's pre-ping and Redis's reconnects recover without a restart."""
        log.warning("A backing service is unavailable on %s %s: %s", request.method, _path(),
                    type(error).__name__)
        if isinstance(error, DATABASE_UNAVAILABLE):
            # Nothing from the database can be used: the signed-in user may be what failed to load,
            # and the rollback expired them anyway. Show the page as to a visitor, from templates alone.
            show_as_to_a_visitor()
        else:
            roll_back_or_let_go()
        response = render_error(ServiceUnavailable())
        response.headers["Retry-After"] = "60"
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return render_error(error)
        log.exception("Unhandled error on %s %s", request.method, _path())
        roll_back_or_let_go()  # the database may be what failed
        return render_error(InternalServerError())

    @app.teardown_appcontext
    def end_the_session_whatever_happened(exc):
        """Registered after Flask-SQLAlchemy's teardown, so it runs first: end the request's session.
        If its closing rollback fails (the connection died mid-request: PostgreSQL restarting), the
        page has already been rendered; drop the connections rather than let the teardown turn the
        answer into a bare 500. Flask-SQLAlchemy's own teardown then finds nothing left to close."""
        from academy.extensions import db

        try:
            db.session.remove()
        except Exception as problem:  # noqa: BLE001 - the answer is ready: never a 500 from here
            log.warning("Closing the session failed (%s): its connections are dropped", type(problem).__name__)
            with contextlib.suppress(Exception):
                db.session.invalidate()
            with contextlib.suppress(Exception):
                db.session.remove()
