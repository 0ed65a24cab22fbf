"""/healthz, the error pages and the security headers."""
from academy.auth.models import Role
from tests import factories
from tests.helpers import text


def test_healthz_reports_database_and_redis(app, client):
    response = client.get("/healthz")
    body = response.get_json()
    assert response.status_code == 200 and body["database"] == "ok"
    assert body["redis"] == ("ok" if app.config.get("REDIS_URL") else "not configured")


def test_healthz_is_503_when_redis_is_unreachable(app, client):
    saved = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.config["REDIS_URL"] = saved
    assert response.status_code == 503 and response.get_json()["redis"] == "unreachable"


def test_error_pages_are_in_the_sites_style(client):
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "Page not found" in text(missing) and "Good Care" in text(missing)
    client.sign_in(factories.user(Role.applicant))
    forbidden = client.get("/admin/users")
    assert forbidden.status_code == 403 and "You do not have permission" in text(forbidden)


def test_unexpected_errors_show_the_500_page(database_url):
    from academy import create_app
    from academy.config import TestConfig

    app = create_app(TestConfig(database_url))

    @app.get("/_boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/_boom")
    assert response.status_code == 500 and "Sorry, there is a problem with the service" in text(response)


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp and "'nonce-" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in text(response)


def test_session_cookie_is_httponly_and_samesite(client):
    client.sign_in(factories.user())
    cookie = client.http.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_a_nul_character_in_a_query_or_form_is_a_400_not_a_database_error(client):
    officer = factories.user(Role.hcpa_staff)
    client.sign_in(officer)
    for url in ("/workplaces/?q=a%00b", "/training/people?q=%00", "/admin/users?q=x%00"):
        assert client.get(url).status_code in (400, 403), url
    token = client.csrf_token("/account")
    response = client.post("/workplaces/new", data={"csrf_token": token, "name": "Bad\x00Name"})
    assert response.status_code == 400


def test_a_page_number_below_one_shows_the_first_page(client):
    client.sign_in(factories.user(Role.hcpa_staff))
    for url in ("/workplaces/?page=-1", "/workplaces/?page=0", "/ascwds/?page=-5"):
        assert client.get(url).status_code == 200, url
