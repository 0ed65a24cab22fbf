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


# The database unreachable for a signed-in person ---------------------------------------------------
# The PostgreSQL restart drill found that a signed-in person who hit a missing page, or sent a form
# without its CSRF token, got a bare 500 while the database was down: the error page looked them up
# (navigation, "Signed in as ...") in the database that had failed. Every error page now renders as to
# a visitor when the database cannot answer.

def _unreachable_database_url(tmp_path) -> str:
    """A database that refuses every connection, of the kind the run uses: a PostgreSQL port nobody
    listens on (psycopg: connection refused), or an SQLite file in a folder that does not exist."""
    from tests.conftest import BACKEND

    if BACKEND == "postgres":
        return "postgresql+psycopg://postgres@127.0.0.1:1/goodcare"
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'goodcare.db'}"


@pytest.fixture
def signed_in_without_database(tmp_path):
    """A test client holding a signed-in person's session cookie, for an app whose database is
    unreachable, where /_fails/<code> ends in that error before anything else runs (as the CSRF
    check, the rate limiter and the upload size limit do, before the session's checks)."""
    import time

    from flask import abort, request

    from academy import create_app
    from academy.config import TestConfig

    app = create_app(TestConfig(_unreachable_database_url(tmp_path), STORAGE_DIR=tmp_path / "storage"))

    def fails_first():
        if request.path.startswith("/_fails/"):
            code = int(request.path.rsplit("/", 1)[1])
            if code == 500:
                raise RuntimeError("a bug")
            abort(code)

    app.before_request_funcs.setdefault(None, []).insert(0, fails_first)

    client = app.test_client()
    with client.session_transaction() as cookie:  # what signing in put in the cookie
        cookie["_user_id"], cookie["_fresh"] = "1:a-session-token", True
        cookie["signed_in_at"] = cookie["seen_at"] = int(time.time())
    return client


@pytest.mark.parametrize("code, says", [
    (400, "Sorry, there is a problem"), (403, "You do not have permission"), (404, "Page not found"),
    (405, "Sorry, there is a problem"), (413, "too large"), (429, "Too many requests"), (500, "Sorry, there is a problem with the service"),
    (503, "Sorry, the service is unavailable"),
])
def test_every_error_page_renders_as_to_a_visitor_when_the_database_is_unreachable(
        signed_in_without_database, code, says):
    response = signed_in_without_database.get(f"/_fails/{code}")
    page = text(response)
    assert response.status_code == code and says.lower() in page.lower()
    assert "Signed in as" not in page and "Sign in" in page  # the visitor's navigation, from no query


def test_with_the_database_unreachable_a_signed_in_person_gets_404_405_csrf_and_503_pages(signed_in_without_database):
    client = signed_in_without_database
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "Page not found" in text(missing)
    wrong_method = client.delete("/")
    assert wrong_method.status_code == 405 and "Signed in as" not in text(wrong_method)
    no_token = client.post("/outcomes/recompute", data={"start": "1"})
    assert no_token.status_code == 400 and "The form has expired" in text(no_token)
    page = client.get("/recruitment/screening")
    assert page.status_code == 503 and "Sorry, the service is unavailable" in text(page)
    assert page.headers["Retry-After"] == "60"


@pytest.fixture
def database_stops(app, client, monkeypatch):
    """Call it to make the test app's database refuse every new connection from then on (as while
    PostgreSQL restarts); the session's open transaction, if any, ends first."""
    from academy.extensions import db

    def stop():
        db.session.remove()

        def refused(*args, **kwargs):
            raise OperationalError("connect", {}, Exception("connection refused: the database system is starting up"))

        monkeypatch.setattr(db.engine, "connect", refused)
        monkeypatch.setattr(db.engine, "begin", refused)

    return stop


def test_a_signed_in_person_whose_database_goes_away_gets_404s_csrf_pages_and_503s(app, client, database_stops):
    officer = factories.user(Role.hcpa_staff)
    client.sign_in(officer)
    token = client.csrf_token("/outcomes/recompute")
    database_stops()
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "Page not found" in text(missing)
    assert "Signed in as" not in text(missing)
    no_token = client.post("/outcomes/recompute", data={"start-day": "1"})
    assert no_token.status_code == 400 and "The form has expired" in text(no_token)
    with_token = client.post("/outcomes/recompute", data={"csrf_token": token, "start-day": "1"})
    assert with_token.status_code == 503 and "Sorry, the service is unavailable" in text(with_token)
    assert client.get("/recruitment/screening").status_code == 503
    assert client.get("/applications/99999").status_code in (404, 503)


def test_once_the_database_is_back_the_person_is_still_signed_in(app, client, database_stops, monkeypatch):
    client.sign_in(factories.user(Role.hcpa_staff))
    database_stops()
    assert client.get("/no-such-page").status_code == 404
    monkeypatch.undo()
    page = client.get("/recruitment/screening")
    assert page.status_code == 200 and "Signed in as" in text(page)


def test_a_refusal_while_the_database_goes_away_is_still_the_404_page(app, client, database_stops, monkeypatch, caplog):
    """refuse() counts the refusal in the security log on a connection of its own: with the database
    gone that write fails, is logged, and the person still gets the 404 (as to a visitor: the
    rollback expired them, and reloading them would need the database)."""
    from academy.auth.access import refuse
    from academy.extensions import db

    client.sign_in(factories.user(Role.hcpa_staff))

    def view_that_refuses(*args, **kwargs):
        from flask_login import current_user

        assert current_user.is_authenticated
        db.session.rollback()  # as after a failed query: the user is expired
        database_stops()
        refuse(404, target=("Application", 1))

    monkeypatch.setitem(app.view_functions, "recruitment.queue", view_that_refuses)
    response = client.get("/recruitment/screening")
    assert response.status_code == 404 and "Page not found" in text(response)
    assert "Signed in as" not in text(response)
    assert "Could not record a refused request: OperationalError" in caplog.text


@pytest.mark.parametrize("url, code", [("/no-such-page", 404), ("/account", 200)])
def test_a_connection_the_server_ended_does_not_turn_the_answer_into_a_500(app, monkeypatch, url, code):
    """The PostgreSQL restart drill found this: the server ended the request's connection
    ("terminating connection due to administrator command"), so even the ROLLBACK that closes the
    session failed, in the teardown, after the page was rendered: gunicorn answered a bare 500.
    (Requests here run in contexts of their own, as in production, so the teardown runs.)"""
    from academy.extensions import db
    from tests.factories import DEFAULT_PASSWORD
    from tests.helpers import CSRF

    with app.test_request_context():
        email = factories.user(Role.applicant).email
        db.session.commit()
    browser = app.test_client()
    token = CSRF.search(browser.get("/sign-in").get_data(as_text=True)).group(1)
    signed_in = browser.post("/sign-in", data={"csrf_token": token, "email": email, "password": DEFAULT_PASSWORD})
    assert signed_in.status_code == 302
    with app.app_context():
        dialect = db.engine.dialect

    def ended_by_the_server(*args, **kwargs):
        raise dialect.loaded_dbapi.OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(dialect, "do_rollback", ended_by_the_server)
    response = browser.get(url)
    assert response.status_code == code
    monkeypatch.undo()
    assert browser.get("/account").status_code == 200
