"""Every page of the foundation, for every role: allowed, 403, or sign in first."""
import pytest

from academy.auth.models import Role
from tests import factories
from tests.helpers import location_path

ANON = None
ALL = [ANON, *Role]
STAFF = {Role.hcpa_staff, Role.admin}

# (path, roles allowed). {own} is a workplace the manager runs, {other} one they do not.
PAGES = [
    ("/", set(ALL)), ("/accessibility", set(ALL)), ("/privacy", set(ALL)), ("/cookies", set(ALL)),
    ("/recruitment/", set(ALL)), ("/training/", set(ALL)), ("/sign-in", set(ALL)), ("/sign-up", set(ALL)),
    ("/sign-up/check-your-email", set(ALL)), ("/password/forgot", set(ALL)), ("/confirm-email/resend", set(ALL)),
    ("/healthz", set(ALL)),
    ("/account", set(Role)),
    ("/admin/users", {Role.admin}), ("/admin/audit", {Role.admin}), ("/admin/invite", STAFF),
    ("/workplaces/", STAFF), ("/workplaces/new", STAFF), ("/workplaces/mine", {Role.manager}),
    ("/workplaces/{own}", STAFF | {Role.manager}), ("/workplaces/{own}/edit", STAFF | {Role.manager}),
    ("/workplaces/{other}", STAFF), ("/workplaces/{other}/edit", STAFF),
]
PUBLIC_REDIRECTS_WHEN_SIGNED_IN = {"/sign-in", "/sign-up"}
# Staff and managers have their own recruitment pages; the applicants' start page sends them there.
ROLE_REDIRECTS = {("/recruitment/", Role.hcpa_staff): "/recruitment/screening",
                  ("/recruitment/", Role.admin): "/recruitment/screening",
                  ("/recruitment/", Role.manager): "/recruitment/referrals"}


@pytest.fixture
def places(ctx):
    return {"own": factories.workplace(name="Own Home"), "other": factories.workplace(name="Other Home")}


@pytest.mark.parametrize("role", ALL, ids=lambda r: r.value if r else "anonymous")
def test_every_page_for_every_role(client, places, role):
    if role is not None:
        user = factories.user(role, workplaces=[places["own"]] if role == Role.manager else ())
        client.sign_in(user)
    for template, allowed in PAGES:
        path = template.format(own=places["own"].id, other=places["other"].id)
        response = client.get(path)
        if (path, role) in ROLE_REDIRECTS:
            assert response.status_code == 302 and location_path(response) == ROLE_REDIRECTS[path, role], path
        elif role in allowed:
            expected = 302 if role and path in PUBLIC_REDIRECTS_WHEN_SIGNED_IN else 200
            assert response.status_code == expected, path
        elif role is None:
            assert response.status_code == 302 and location_path(response) == "/sign-in", path
        elif "{other}" in template and role == Role.manager:
            assert response.status_code == 404, f"{path}: a manager must not learn another workplace exists"
        else:
            assert response.status_code == 403, path


def test_manager_cannot_change_another_workplaces_details_by_editing_the_id(client, places):
    manager = factories.manager(workplaces=[places["own"]])
    client.sign_in(manager)
    other = places["other"]
    token = client.csrf_token(f"/workplaces/{places['own'].id}/edit")
    response = client.post(f"/workplaces/{other.id}/edit", data={"csrf_token": token, "name": "Hijacked"})
    assert response.status_code == 404
    assert other.name == "Other Home"


def test_only_hcpa_and_admin_may_deactivate(client, places):
    client.sign_in(factories.manager(workplaces=[places["own"]]))
    token = client.csrf_token("/account")
    response = client.post(f"/workplaces/{places['own'].id}/active", data={"csrf_token": token, "active": "0"})
    assert response.status_code == 403 and places["own"].is_active


def test_job_status_is_only_for_its_owner(client):
    from academy.jobs import enqueue
    from academy.workplaces.reference import seed_reference_data

    owner, other = factories.user(Role.hcpa_staff), factories.user(Role.hcpa_staff)
    job = enqueue(seed_reference_data, None, owner_id=owner.id, description="Refresh reference lists")
    client.sign_in(other)
    assert client.get(f"/jobs/{job.id}").status_code == 404
    client.sign_out()
    client.sign_in(owner)
    assert client.get(f"/jobs/{job.id}").status_code == 200
    assert client.get("/jobs/no-such-job").status_code == 404


@pytest.mark.parametrize("role", [ANON, Role.applicant, Role.care_worker, Role.manager],
                         ids=lambda r: r.value if r else "anonymous")
def test_staff_only_posts_are_refused_for_every_other_role(client, places, role):
    """The POST-only actions of the foundation (add a workplace, deactivate one, invite someone)
    are refused to everyone but HCPA and admins, and change nothing."""
    from academy.auth.models import Invitation
    from academy.extensions import db
    from academy.workplaces.models import Workplace

    if role is not None:
        client.sign_in(factories.user(role, workplaces=[places["own"]] if role == Role.manager else ()))
    token = client.csrf_token("/account" if role else "/sign-in")
    own = places["own"]
    workplace_data = {"name": "Sneaky Home", "provider_name": "Sneaky Ltd", "address_line_1": "1 Lane",
                      "town": "Watford", "postcode": "WD17 1AA", "district_id": own.district_id,
                      "service_type_id": own.service_type_id, "cqc_rating": "good"}
    attempts = [
        client.post("/workplaces/new", data={**workplace_data, "csrf_token": token}),
        client.post(f"/workplaces/{own.id}/active", data={"active": "0", "csrf_token": token}),
        client.post("/admin/invite", data={"full_name": "Eve", "email": "eve@example.com", "role": "hcpa_staff",
                                           "csrf_token": token}),
    ]
    for response in attempts:
        if role is None:
            assert response.status_code == 302 and location_path(response) == "/sign-in"
        else:
            assert response.status_code == 403
    db.session.expire_all()
    assert db.session.query(Workplace).filter_by(name="Sneaky Home").count() == 0
    assert db.session.get(Workplace, own.id).is_active
    assert db.session.query(Invitation).count() == 0


def test_job_status_sends_anonymous_visitors_to_sign_in(client):
    from academy.jobs import enqueue
    from academy.workplaces.reference import seed_reference_data

    job = enqueue(seed_reference_data, None, owner_id=factories.user(Role.hcpa_staff).id)
    for path in (f"/jobs/{job.id}", f"/jobs/{job.id}.json"):
        response = client.get(path)
        assert response.status_code == 302 and location_path(response) == "/sign-in"
