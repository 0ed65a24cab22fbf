"""Who may open which portal page: a manager only their own workplaces (404 for another's, however
the URL is edited), HCPA staff and admins any workplace read-only (403 on every change), other roles
403, anonymous visitors to sign in."""
import pytest

from academy.auth.models import Role
from academy.extensions import db
from academy.workplaces.models import Employment, Vacancy
from recruitment.models import ReferralStatus
from tests import factories
from tests.helpers import location_path, text

PAGES = ["/portal/{w}/", "/portal/{w}/staff", "/portal/{w}/staff?show=leavers", "/portal/{w}/staff/new",
         "/portal/{w}/staff/{e}", "/portal/{w}/vacancies", "/portal/{w}/vacancies?show=closed",
         "/portal/{w}/vacancies/new", "/portal/{w}/vacancies/{v}", "/portal/{w}/vacancies/{v}/close",
         "/portal/{w}/referrals", "/portal/{w}/referrals/{r}"]
WRITE_PAGES = {"/portal/{w}/staff/new", "/portal/{w}/vacancies/new", "/portal/{w}/vacancies/{v}/close"}
# Every change a page accepts: (url, form data).
ACTIONS = [
    ("/portal/{w}/staff/new", {"full_name": "Intruder", "job_role_id": "1", "contract_type": "permanent",
                               "start_date": ["1", "1", "2026"]}),
    ("/portal/{w}/staff/{e}", {"step": "leaver", "leaving_date": ["1", "1", "2026"], "reason": "retired"}),
    ("/portal/{w}/staff/{e}", {"step": "role", "job_role_id": "2", "changed_on": ["1", "1", "2026"]}),
    ("/portal/{w}/staff/{e}", {"step": "rm", "changed_on": ["1", "1", "2026"]}),
    ("/portal/{w}/vacancies/new", {"job_role_id": "1", "posts": "1", "days": "y", "contract_type": "permanent",
                                   "opened_on": ["1", "1", "2026"]}),
    ("/portal/{w}/vacancies/{v}", {"job_role_id": "1", "posts": "9", "days": "y", "contract_type": "permanent",
                                   "opened_on": ["1", "1", "2026"]}),
    ("/portal/{w}/vacancies/{v}/close", {"closed_on": ["1", "1", "2026"]}),
    ("/portal/{w}/referrals/{r}", {"step": "decision", "decision": "accept", "version": "1"}),
]


def _ids(place):
    return {"w": place["home"].id, "e": place["employment"].id, "v": place["vacancy"].id, "r": place["referral"].id}


def _unchanged(place):
    db.session.expire_all()
    employment = db.session.get(Employment, place["employment"].id)
    vacancy = db.session.get(Vacancy, place["vacancy"].id)
    assert employment.leaving_date is None and not employment.is_registered_manager
    assert employment.job_role.code == "care_worker" and not employment.role_changes
    assert vacancy.posts == 1 and vacancy.closed_on is None
    assert place["referral"].status == ReferralStatus.sent
    assert db.session.scalar(db.select(db.func.count(Vacancy.id)).where(
        Vacancy.workplace_id == place["home"].id)) == 1
    assert db.session.scalar(db.select(db.func.count(Employment.id)).where(
        Employment.workplace_id == place["home"].id)) == 1


def test_a_manager_opens_every_page_of_their_own_workplace(client, two):
    client.sign_in(two["a"]["manager"])
    for path in PAGES:
        response = client.get(path.format(**_ids(two["a"])))
        assert response.status_code == 200, path
        assert "Verulam House" in text(response) and "Gade House" not in text(response), path


def test_another_workplaces_pages_are_404_for_a_manager(client, two):
    client.sign_in(two["a"]["manager"])
    mixed = {**_ids(two["a"]), "e": two["b"]["employment"].id, "v": two["b"]["vacancy"].id,
             "r": two["b"]["referral"].id}
    for path in PAGES:
        assert client.get(path.format(**_ids(two["b"]))).status_code == 404, path
        # Their own workplace with another workplace's record in the URL: still 404.
        if "{e}" in path or "{v}" in path or "{r}" in path:
            assert client.get(path.format(**mixed)).status_code == 404, path
        assert client.get(path.format(w=99999, e=1, v=1, r=1)).status_code == 404, path


def test_a_manager_cannot_change_another_workplace_however_the_url_is_edited(client, two):
    client.sign_in(two["a"]["manager"])
    token = client.csrf_token(f"/portal/{two['a']['home'].id}/staff/new")
    mixed_ids = {**_ids(two["a"]), "e": two["b"]["employment"].id, "v": two["b"]["vacancy"].id,
                 "r": two["b"]["referral"].id}
    for url, data in ACTIONS:
        assert client.post(url.format(**_ids(two["b"])), {**data, "csrf_token": token}).status_code == 404, url
        mixed = url.format(**mixed_ids)
        if mixed != url.format(**_ids(two["a"])):
            assert client.post(mixed, {**data, "csrf_token": token}).status_code == 404, url
    _unchanged(two["b"])


@pytest.mark.parametrize("role", [Role.hcpa_staff, Role.admin])
def test_hcpa_and_admins_read_any_workplace_but_cannot_change_it(client, two, role):
    client.sign_in(factories.user(role))
    for path in PAGES:
        response = client.get(path.format(**_ids(two["b"])))
        if path in WRITE_PAGES:
            assert response.status_code == 403, path
        else:
            assert response.status_code == 200 and "read only" in text(response), path
            assert 'name="step"' not in text(response), path  # no change forms
    token = client.csrf_token("/account")
    for url, data in ACTIONS:
        assert client.post(url.format(**_ids(two["a"])), {**data, "csrf_token": token}).status_code == 403, url
    _unchanged(two["a"])


@pytest.mark.parametrize("role", [Role.applicant, Role.care_worker])
def test_applicants_and_care_workers_are_forbidden(client, two, role):
    client.sign_in(factories.user(role))
    token = client.csrf_token("/account")
    assert client.get("/portal/").status_code == 403
    for path in PAGES:
        assert client.get(path.format(**_ids(two["a"]))).status_code == 403, path
    for url, data in ACTIONS:
        assert client.post(url.format(**_ids(two["a"])), {**data, "csrf_token": token}).status_code == 403, url
    _unchanged(two["a"])


def test_anonymous_visitors_are_sent_to_sign_in(client, two):
    for path in ["/portal/"] + PAGES:
        assert location_path(client.get(path.format(**_ids(two["a"])))) == "/sign-in", path


def test_one_workplace_goes_straight_to_its_summary_several_can_be_switched(client, two):
    client.sign_in(two["a"]["manager"])
    assert location_path(client.get("/portal/")) == f"/portal/{two['a']['home'].id}/"
    client.sign_out()
    both = factories.manager(workplaces=[two["a"]["home"], two["b"]["home"]])
    client.sign_in(both)
    chooser = text(client.get("/portal/"))
    assert "Verulam House" in chooser and "Gade House" in chooser
    summary = text(client.get(f"/portal/{two['a']['home'].id}/"))
    assert "Switch workplace" in summary and f"/portal/{two['b']['home'].id}/" in summary
    assert client.get(f"/portal/{two['b']['home'].id}/staff").status_code == 200


def test_the_portal_is_a_managers_start_page_and_in_their_navigation(client, two):
    response = client.sign_in(two["a"]["manager"])
    assert location_path(response) == "/portal/"
    assert 'href="/portal/"' in text(client.get("/account")) and "Manager portal" in text(client.get("/account"))


def test_hcpa_sees_every_workplace_listed_in_the_portal(client, two):
    client.sign_in(factories.user(Role.hcpa_staff))
    page = text(client.get("/portal/"))
    assert "Verulam House" in page and "Gade House" in page


def test_the_sub_navigation_links_every_portal_page(client, two):
    client.sign_in(two["a"]["manager"])
    page = text(client.get(f"/portal/{two['a']['home'].id}/staff"))
    w = two["a"]["home"].id
    for name, path in (("Summary", f"/portal/{w}/"), ("Staff", f"/portal/{w}/staff"),
                       ("Training matrix", f"/portal/{w}/matrix"), ("Inductions", f"/portal/{w}/inductions"),
                       ("Training needs", f"/portal/{w}/training-needs"), ("Vacancies", f"/portal/{w}/vacancies"),
                       ("Referrals", f"/portal/{w}/referrals")):
        assert f'href="{path}"' in page and f">{name}</a>" in page, name
    assert 'aria-current="page">Staff</a>' in page
