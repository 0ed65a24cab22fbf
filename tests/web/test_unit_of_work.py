"""One owner of the unit of work (academy/unit_of_work.py), end to end through a real action:
HCPA declining an erasure request prepares a change, an audit row and an email. The request
commits all three when its view returns, and none when it fails after preparing them."""
from __future__ import annotations

import flask
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from academy.privacy import views as privacy_views
from academy.privacy.models import ErasureRequest, ErasureStatus
from tests import factories
from tests.helpers import text


def _declines() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "declined_erasure"))


@pytest.fixture
def declining(client):
    """An erasure request and a signed-in HCPA officer on its page; returns (request id, post)."""
    item = factories.erasure_request()
    client.sign_in(factories.user(Role.hcpa_staff))
    page = f"/privacy/requests/{item.id}"
    assert client.get(page).status_code == 200

    def post():
        return client.submit(f"{page}/decline", {"decline-reason": "It did not come from the account holder"},
                             form_page=page)

    return item.id, post


def test_a_returned_view_saves_the_change_its_audit_row_and_its_email_together(declining, outbox):
    request_id, post = declining
    response = post()
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ErasureRequest, request_id).status == ErasureStatus.declined
    assert _declines() == 1
    assert [m["Subject"] for m in outbox] == ["We have not deleted your account"]


def test_an_action_that_fails_after_its_audit_row_and_email_were_prepared_leaves_neither(
        declining, outbox, monkeypatch):
    request_id, post = declining

    def fails_after_audit_and_mail(*args, **kwargs):
        raise RuntimeError("the last step of the action failed")

    monkeypatch.setattr(privacy_views, "flash_when_committed", fails_after_audit_and_mail)
    response = post()
    assert response.status_code == 500
    db.session.expire_all()
    assert db.session.get(ErasureRequest, request_id).status == ErasureStatus.pending
    assert _declines() == 0
    assert outbox == []


def test_a_commit_that_fails_saves_nothing_sends_nothing_and_says_nothing_was_done(declining, client, outbox):
    request_id, post = declining

    def database_goes_away(session):
        if flask.has_request_context() and flask.request.method == "POST":
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    event.listen(Session, "before_commit", database_goes_away)
    try:
        response = post()
    finally:
        event.remove(Session, "before_commit", database_goes_away)
    assert response.status_code == 503
    db.session.rollback()
    assert db.session.get(ErasureRequest, request_id).status == ErasureStatus.pending
    assert _declines() == 0
    assert outbox == []
    after = text(client.get("/privacy/requests"))
    assert "has been declined" not in after  # the "done" message the view had flashed is dropped
