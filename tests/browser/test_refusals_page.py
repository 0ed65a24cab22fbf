"""Headless Chromium: the admins' refused-requests page, with a burst flagged, passes axe-core,
and its link leads to the account's refusals in the audit log."""
from datetime import timedelta

from academy.auth.models import AuditEvent, Role
from academy.auth.refusals import BURST_COUNT
from academy.extensions import db, utcnow
from tests import factories
from tests.browser.conftest import assert_accessible, click_through, sign_in


def test_refused_requests_page_is_accessible(ctx, page):
    prober = factories.user(Role.manager, full_name="Probing Manager")
    lost = factories.user(Role.care_worker, full_name="Lost Worker")
    for minutes, who in [(1, prober)] * BURST_COUNT + [(90, lost)]:
        db.session.add(AuditEvent(actor_id=who.id, action="refused_access", detail="404 GET training.person",
                                  occurred_at=utcnow() - timedelta(minutes=minutes)))
    db.session.commit()
    admin = factories.user(Role.admin)
    sign_in(page, admin.email, factories.DEFAULT_PASSWORD)
    page.goto("/admin/refusals")
    assert page.get_by_role("heading", level=1).inner_text() == "Refused requests"
    assert "Burst" in page.content() and "Lost Worker" in page.content()
    assert_accessible(page)
    click_through(page.get_by_role("link", name="Refusals of Probing Manager"))
    assert "/admin/audit" in page.url and page.content().count("refused access") == BURST_COUNT
    assert_accessible(page)
