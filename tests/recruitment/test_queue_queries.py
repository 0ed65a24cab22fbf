"""The HCPA screening queue loads in a fixed number of SQL statements, however many applications."""
import pytest

from academy.auth.models import Role, User
from academy.extensions import db, utcnow
from recruitment.models import Application, State
from tests import factories
from tests.helpers import statements_for

STATES = [State.submitted, State.screening, State.checks, State.ready_to_refer]


def add_applications(count: int, start: int = 0) -> None:
    """Many complete applications quickly (one commit, no password hashing)."""
    types = [factories.service_type("homecare"), factories.service_type("nursing_home")]
    district = factories.district("Watford")
    for n in range(start, start + count):
        user = User(email=f"bulk{n}@example.com", full_name=f"Bulk Applicant {n:03d}", role=Role.applicant,
                    password_hash="not-a-real-hash")
        application = Application(user=user, state=STATES[n % len(STATES)], full_name=user.full_name,
                                  district=district, submitted_at=utcnow(), phone="07700 900982")
        application.service_types = types[: 1 + n % 2]
        db.session.add(application)
    db.session.commit()




@pytest.mark.parametrize("url", ["/recruitment/screening", "/recruitment/screening?sort=name&page=2",
                                 "/recruitment/screening?state=screening&service_type=3&age=week",
                                 "/recruitment/screening?q=bulk+applicant&state=all&assigned=me"])
def test_the_queue_uses_the_same_number_of_queries_for_10_and_200_applications(app, client, url):
    officer = factories.user(Role.hcpa_staff)
    client.sign_in(officer)
    add_applications(10)
    app.config["PAGE_SIZE"] = 200  # every application on one page
    try:
        with_10 = statements_for(client, url)
        add_applications(190, start=10)
        with_200 = statements_for(client, url)
        body = client.get("/recruitment/screening").get_data(as_text=True)
    finally:
        app.config["PAGE_SIZE"] = 25
    assert with_10 == with_200, (with_10, with_200)
    # 10 before issue 15; +1: the officers for the "Assigned officer" filter; +1 (issue 17): the open
    # possible-duplicate pairs of the page's rows, for their "Possible duplicate" tags
    assert with_200 <= 12
    assert "Bulk Applicant 199" in body or "sort=name" in url


def test_the_queue_page_counts_states_and_filters(client):
    client.sign_in(factories.user(Role.hcpa_staff))
    add_applications(8)
    body = client.get("/recruitment/screening?state=screening").get_data(as_text=True)
    assert "Screening: 2" in body and "Submitted: 2" in body and "Showing 1 to 2 of 2 applications" in body
