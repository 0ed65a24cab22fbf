"""Admins read the audit log without noise: looking at it is recorded once for what was looked at
(the log, one person's records, one action), not for every page or reload; and actions read as what
happened ("revoked passport link opened", not "passport share revoked")."""
from academy.auth.audit import action_text, audit
from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from tests import factories
from tests.helpers import text


def _views():
    return db.session.query(AuditEvent).filter_by(action="viewed_audit_log").order_by(AuditEvent.id).all()


def test_viewing_the_audit_log_is_recorded_once_per_thing_looked_at_not_per_page(client):
    admin = factories.user(Role.admin)
    worker = factories.user(Role.care_worker)
    for _ in range(60):  # two pages of 50
        audit("viewed_dbs", subject=worker, actor=admin)
    db.session.commit()
    client.sign_in(admin)
    for url in ("/admin/audit", "/admin/audit?page=2", "/admin/audit", "/admin/audit?page=1"):
        assert client.get(url).status_code == 200
    assert len(_views()) == 1 and _views()[0].subject_user_id is None
    # Looking at one person's records is recorded once, naming them.
    for url in (f"/admin/audit?subject={worker.id}", f"/admin/audit?subject={worker.id}&page=2"):
        assert client.get(url).status_code == 200
    views = _views()
    assert len(views) == 2 and views[-1].detail == f"subject={worker.id}"
    # The log's own first page is not filled with its views.
    page = text(client.get("/admin/audit"))
    assert page.count("viewed the audit log") <= 2


def test_actions_read_as_what_happened(client):
    assert action_text("passport_share_revoked") == "revoked passport link opened"
    assert action_text("passport_share_expired") == "expired passport link opened"
    assert action_text("viewed_dbs_and_health") == "viewed dbs and health"
    admin = factories.user(Role.admin)
    worker = factories.user(Role.care_worker)
    audit("passport_share_revoked", subject=worker, detail="via=link")
    db.session.commit()
    client.sign_in(admin)
    page = text(client.get("/admin/audit"))
    assert "revoked passport link opened (via=link)" in page and "passport share revoked" not in page
