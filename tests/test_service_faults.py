"""When Redis or the database stops answering: pages that do not need them still serve, work that
needs them says try again later (keeping what was entered), and nothing is a 500.

bench/faults.py runs the same drills against gunicorn with real process kills and restarts.
"""
from datetime import date

import pytest
from sqlalchemy.exc import OperationalError

from academy.auth.models import Role
from tests import factories
from tests.helpers import text

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_down(app, client):
    """The test app with its jobs pointed at a Redis that does not answer.

    (The sign-in rate limiter keeps its own storage, set when the app was made; its in-memory
    fallback when Redis dies is drilled against gunicorn by bench/faults.py.)
    """
    saved = app.config["REDIS_URL"], app.config["JOBS_ASYNC"]
    app.config["REDIS_URL"], app.config["JOBS_ASYNC"] = DEAD_REDIS, True
    try:
        yield client
    finally:
        app.config["REDIS_URL"], app.config["JOBS_ASYNC"] = saved


def test_with_redis_down_sign_in_and_pages_still_serve(redis_down):
    officer = factories.user(Role.hcpa_staff)
    redis_down.sign_in(officer)  # the sign-in rate limit counts in memory meanwhile
    for url in ("/", "/recruitment/screening", "/workplaces/", "/outcomes/"):
        assert redis_down.get(url).status_code == 200, url


def test_with_redis_down_a_recompute_says_try_again_and_keeps_the_dates(redis_down):
    redis_down.sign_in(factories.user(Role.hcpa_staff))
    year = date.today().year - 1
    response = redis_down.submit("/outcomes/recompute", {"start": ["1", "1", str(year)],
                                                         "end": ["31", "3", str(year)]})
    page = text(response)
    assert response.status_code == 422
    assert "Try again in a few minutes" in page and f'value="{year}"' in page


def test_with_redis_down_a_job_status_page_is_503_not_500(redis_down):
    redis_down.sign_in(factories.user(Role.hcpa_staff))
    response = redis_down.get("/jobs/outcomes-0123456789abcdef")
    assert response.status_code == 503 and "Try again in a few minutes" in text(response)
    assert response.headers["Retry-After"] == "60"


def test_a_database_that_stops_answering_gives_503_and_the_next_request_works(database_url):
    from academy import create_app
    from academy.config import TestConfig

    app = create_app(TestConfig(database_url))
    calls = []

    @app.get("/_database_blip")
    def blip():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
        return "fine"

    client = app.test_client()
    first = client.get("/_database_blip")
    assert first.status_code == 503 and "Sorry, the service is unavailable" in text(first)
    assert client.get("/_database_blip").status_code == 200


def test_a_signed_in_person_gets_the_503_page_when_the_database_fails_loading_them(app, client, monkeypatch):
    """The PostgreSQL restart drill found this: loading the signed-in user was what failed, and the
    error page tried to load them again, so gunicorn answered a bare 500."""
    from academy.extensions import db

    client.sign_in(factories.user(Role.hcpa_staff))
    attempts = []

    def database_gone(*args, **kwargs):
        attempts.append(1)
        raise OperationalError("SELECT users", {}, Exception("the database system is shutting down"))

    monkeypatch.setattr(db.session, "get", database_gone)
    response = client.get("/recruitment/screening")
    assert response.status_code == 503 and "Sorry, the service is unavailable" in text(response)
    assert response.headers["Retry-After"] == "60" and len(attempts) == 1
    monkeypatch.undo()
    assert client.get("/recruitment/screening").status_code == 200  # still signed in once it is back


def test_the_503_page_for_a_database_failure_asks_the_database_nothing(app, client, monkeypatch):
    """The user was loaded, then the database failed in the view: the rollback expires the user,
    so a page that showed 'Signed in as ...' would query the database that just failed."""
    from sqlalchemy import event

    from academy.extensions import db

    client.sign_in(factories.user(Role.hcpa_staff))
    failed, statements = [], []

    def view_whose_query_fails(*args, **kwargs):
        from flask_login import current_user

        assert current_user.is_authenticated  # loaded from the database before it failed
        failed.append(1)
        raise OperationalError("SELECT applications", {}, Exception("server closed the connection unexpectedly"))

    def count(*args):
        if failed:
            statements.append(args[2])

    monkeypatch.setitem(app.view_functions, "recruitment.queue", view_whose_query_fails)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get("/recruitment/screening")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 503 and "Sorry, the service is unavailable" in text(response)
    assert failed and statements == []
