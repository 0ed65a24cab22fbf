"""Pages that show who is signed in are never stored by a browser or proxy cache (Cache-Control:
no-store), error pages included; static files may be cached."""
from academy.auth.models import Role
from tests import factories
from tests.helpers import text


def test_a_signed_in_404_for_an_unknown_address_is_not_stored(client):
    client.sign_in(factories.user(Role.care_worker, full_name="Quinn Private"))
    for url in ("/no-such-page-at-all", "/static/no-such-file.css"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Quinn Private" in text(response)  # personalised: the layout says who is signed in
        assert response.headers["Cache-Control"] == "no-store", url


def test_pages_and_refusals_are_not_stored_but_static_files_may_be(client):
    client.sign_in(factories.user(Role.care_worker))
    assert client.get("/account").headers["Cache-Control"] == "no-store"
    assert client.get("/recruitment/duplicates").status_code == 403
    assert client.get("/recruitment/duplicates").headers["Cache-Control"] == "no-store"
    asset = client.get("/static/js/app.mjs")
    assert asset.status_code == 200 and "no-store" not in asset.headers.get("Cache-Control", "")
