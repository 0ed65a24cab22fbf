"""The service navigation depends on the signed-in role, and every link in it opens for that role."""
import re

import pytest

from academy.auth.models import Role
from tests import factories
from tests.helpers import text

NAV = re.compile(r'<ul class="govuk-service-navigation__list"[^>]*>(.*?)</ul>', re.S)
HREF = re.compile(r'href="([^"]+)"')
# Links a role must (and must not) see; the rest of each list may grow as features are added.
MUST = {None: {"Sign in", "Apply for a job in care"}, Role.applicant: {"Your application"},
        Role.care_worker: {"Your training passport"}, Role.hcpa_staff: {"Screening queue", "Workplaces"},
        Role.admin: {"Users", "Audit log"}, Role.manager: set()}
STAFF_ONLY = {"Screening queue", "Audit log", "Users", "Invite someone"}


def _nav(body: str) -> tuple[str, list[str]]:
    match = NAV.search(body)
    assert match, "no service navigation on the page"
    return match.group(1), HREF.findall(match.group(1))


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r.value if r else "anonymous")
def test_each_role_sees_its_own_links_and_every_link_opens(client, role):
    if role is not None:
        workplace = factories.workplace(name="Verulam House")
        user = factories.user(role, workplaces=[workplace] if role == Role.manager else ())
        if role == Role.care_worker:
            factories.employment(workplace, who=factories.person(user.full_name, user_account=user))
        client.sign_in(user)
    nav, links = _nav(text(client.get("/", follow_redirects=True)))
    for label in MUST[role]:
        assert label in nav, label
    if role not in (Role.hcpa_staff, Role.admin):
        assert not any(label in nav for label in STAFF_ONLY - ({"Sign in"} if role else set())), nav
    assert links
    for href in links:
        response = client.get(href, follow_redirects=True)
        assert response.status_code == 200, f"{role}: {href} -> {response.status_code}"
