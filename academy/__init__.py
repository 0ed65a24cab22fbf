"""Good Care Platform: the application factory. Reads as a table of contents."""
from __future__ import annotations

import logging
import secrets

from flask import Flask, g, send_from_directory
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from academy.config import PROJECT_ROOT, Config
from academy.extensions import csrf, db, limiter, login_manager, migrate
from academy.unit_of_work import UnitOfWorkFlask


def create_app(config: Config | None = None) -> Flask:
    """Build the web application for `config` (default: from the environment)."""
    config = config or Config()
    app = UnitOfWorkFlask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.from_mapping(config.as_dict())
    register_url_converters(app)
    register_logging(app)
    register_templates(app)
    register_extensions(app)
    register_models()
    register_blueprints(app)
    register_govuk_assets(app)
    register_security_headers(app)
    register_session_limits(app)
    register_input_guards(app)
    register_error_pages(app)
    register_commands(app)
    if app.config.get("PROXY_FIX"):
        # X-Forwarded-Host only when the proxy is known to set it (PROXY_FIX_HOST); TRUSTED_HOSTS
        # still refuses any host that is not the site's.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1 if app.config.get("PROXY_FIX_HOST") else 0)
    return app


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` in routes: ids past the database's integer range do not match (a 404), rather
    than reaching PostgreSQL and failing there (a 500)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def register_url_converters(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIntConverter


def register_logging(app: Flask) -> None:
    if not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def register_templates(app: Flask) -> None:
    """Our templates first, then the GOV.UK Frontend macros and WTForms widgets."""
    from govuk_frontend_wtf.main import WTFormsHelpers

    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(PROJECT_ROOT / "templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    # Our own header and footer: no GOV.UK crown or logotype, and no GOV.UK rebrand assets.
    app.jinja_env.globals["govukRebrand"] = False

    from academy.navigation import navigation_for

    @app.context_processor
    def inject_layout():
        return {"service_name": app.config["SERVICE_NAME"], "navigation_for": navigation_for,
                "csp_nonce": csp_nonce}


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see this page"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from academy.auth.loaders import load_user

    login_manager.user_loader(load_user)


def register_models() -> None:
    """Import every model module so SQLAlchemy and Alembic see the whole schema."""
    import academy.ascwds.models  # noqa: F401
    import academy.auth.models  # noqa: F401
    import academy.benefits.models  # noqa: F401
    import academy.jobs_models  # noqa: F401
    import academy.outcomes.models  # noqa: F401
    import academy.portal.models  # noqa: F401
    import academy.privacy.models  # noqa: F401
    import academy.recognition.models  # noqa: F401
    import academy.tiers.models  # noqa: F401
    import academy.voice.models  # noqa: F401
    import academy.workplaces.models  # noqa: F401
    import recruitment.models  # noqa: F401
    import training.credentials.models  # noqa: F401
    import training.models  # noqa: F401


def register_blueprints(app: Flask) -> None:
    """Each feature's blueprint is defined in its `blueprint.py`; its view modules import it and add
    their routes. Import every view module first (so the routes are attached), then register."""
    import academy.admin.views  # noqa: F401
    import academy.ascwds.views  # noqa: F401
    import academy.auth.two_step_views  # noqa: F401
    import academy.auth.views  # noqa: F401
    import academy.benefits.catalogue_views  # noqa: F401
    import academy.benefits.views  # noqa: F401
    import academy.outcomes.views  # noqa: F401
    import academy.outcomes.funnel_views  # noqa: F401
    import academy.portal.link_views  # noqa: F401
    import academy.portal.referral_views  # noqa: F401
    import academy.portal.training_views  # noqa: F401
    import academy.portal.vacancy_views  # noqa: F401
    import academy.portal.views  # noqa: F401
    import academy.privacy.views  # noqa: F401
    import academy.public.views  # noqa: F401
    import academy.recognition.views  # noqa: F401
    import academy.tiers.rules_views  # noqa: F401
    import academy.tiers.views  # noqa: F401
    import academy.voice.manage_views  # noqa: F401
    import academy.voice.views  # noqa: F401
    import academy.workplaces.views  # noqa: F401
    import recruitment.duplicate_views  # noqa: F401
    import recruitment.board_views  # noqa: F401
    import recruitment.referral_views  # noqa: F401
    import recruitment.staff_views  # noqa: F401
    import recruitment.views  # noqa: F401
    import training.credentials.views  # noqa: F401
    import training.link_views  # noqa: F401
    import training.manage_views  # noqa: F401
    import training.views  # noqa: F401
    from academy.admin.blueprint import bp as admin_bp
    from academy.ascwds.blueprint import bp as ascwds_bp
    from academy.auth.blueprint import bp as auth_bp, two_step_bp
    from academy.benefits.blueprint import bp as benefits_bp
    from academy.jobs_views import bp as jobs_bp
    from academy.outcomes.blueprint import bp as outcomes_bp
    from academy.portal.blueprint import bp as portal_bp
    from academy.privacy.blueprint import bp as privacy_bp
    from academy.public.blueprint import bp as public_bp
    from academy.recognition.blueprint import bp as recognition_bp
    from academy.tiers.blueprint import bp as tiers_bp
    from academy.voice.blueprint import bp as voice_bp
    from academy.workplaces.blueprint import bp as workplaces_bp
    from recruitment.blueprint import bp as recruitment_bp
    from training.blueprint import bp as training_bp
    from training.credentials.blueprint import bp as credentials_bp

    for blueprint in (public_bp, auth_bp, admin_bp, workplaces_bp, jobs_bp, outcomes_bp, recruitment_bp, training_bp,
                      portal_bp, privacy_bp, tiers_bp, ascwds_bp, two_step_bp, credentials_bp, recognition_bp,
                      benefits_bp, voice_bp):
        app.register_blueprint(blueprint)


def register_govuk_assets(app: Flask) -> None:
    """Serve GOV.UK Frontend's compiled CSS, JS and fonts from the npm package (never committed)."""
    dist = app.config["GOVUK_FRONTEND_DIR"]

    @app.get("/assets/<path:filename>")
    def govuk_assets(filename: str):
        return send_from_directory(dist / "assets", filename, max_age=7 * 24 * 3600)

    @app.get("/govuk/<path:filename>")
    def govuk_dist(filename: str):
        return send_from_directory(dist, filename, max_age=7 * 24 * 3600)


def csp_nonce() -> str:
    """A per-response nonce for the one inline script GOV.UK's template needs."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def set_headers(response):
        nonce = csp_nonce()
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        from flask import request

        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # Every response but a static file is no-store: pages carry names and CSRF tokens, and a
        # request that matched no route (a 404: no endpoint) still shows who is signed in.
        if not (request.endpoint or "").startswith(("govuk_", "static")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def register_session_limits(app: Flask) -> None:
    """Before every request: end a sign-in past its absolute lifetime or idle limit."""
    from academy.auth.signing_in import enforce_session_limits

    app.before_request(enforce_session_limits)


def register_input_guards(app: Flask) -> None:
    """Refuse a NUL character in the query string or a plain form with a 400: PostgreSQL text
    cannot hold one, so it would otherwise fail deep in a query (multipart uploads are checked by
    the views that read them)."""
    from flask import abort, request

    @app.before_request
    def refuse_nul_characters():
        values = [v for vs in request.args.listvalues() for v in vs]
        if request.mimetype == "application/x-www-form-urlencoded":
            values += [v for vs in request.form.listvalues() for v in vs]
        if any("\x00" in value for value in values):
            abort(400, description="The request contains a character that is not allowed.")


def register_error_pages(app: Flask) -> None:
    from academy.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from academy.cli import register

    register(app)
