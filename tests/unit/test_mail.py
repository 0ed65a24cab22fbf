"""The one mail module: without MAIL_SERVER a message is kept (and, in development only, logged),
and a message is queued only once the transaction that prepared it commits."""
import logging

import pytest

from academy.extensions import db
from academy.mail import deliver_mail, send_mail


def _logged(caplog) -> str:
    return "\n".join(record.getMessage() for record in caplog.records if record.name == "academy.mail")


@pytest.fixture
def not_testing(app):
    app.testing = False  # the log line is left out under test only to keep test output quiet
    yield
    app.testing = True


def test_development_writes_mail_to_the_log(app, ctx, caplog, outbox, not_testing, monkeypatch):
    monkeypatch.setitem(app.config, "DEVELOPMENT", True)
    with caplog.at_level(logging.INFO, logger="academy.mail"):
        deliver_mail("ama@example.com", "Confirm your email address", "Hello Ama,\n\nhttp://x/confirm/abc")
    logged = _logged(caplog)
    assert "not sent: no MAIL_SERVER" in logged
    assert "To: ama@example.com" in logged and "Subject: Confirm your email address" in logged
    assert "http://x/confirm/abc" in logged  # a developer can follow the link from the log
    assert outbox[-1]["To"] == "ama@example.com"


def test_outside_development_mail_bodies_are_never_logged(app, ctx, caplog, outbox, not_testing):
    assert not app.config["DEVELOPMENT"] and app.config["MAIL_LOG_ONLY"]
    with caplog.at_level(logging.INFO, logger="academy.mail"):
        deliver_mail("ama@example.com", "Reset your password", "Hello Ama,\n\nhttp://x/password/reset/abc",
                     purpose="password_reset")
    logged = _logged(caplog)
    assert "password_reset" in logged and "example.com" in logged
    assert "/password/reset/abc" not in logged and "Ama" not in logged and "ama@" not in logged


def test_send_mail_goes_through_the_job_queue_when_its_transaction_commits(ctx, outbox):
    send_mail("ben@example.com", "Subject line", "Body text")
    assert outbox == []  # not before the commit
    db.session.commit()
    assert [(m["To"], m["Subject"], m["From"]) for m in outbox] == [
        ("ben@example.com", "Subject line", "Good Care <no-reply@goodcare.example>")]
    assert outbox[0].get_content().strip() == "Body text"


def test_mail_prepared_in_a_transaction_that_rolls_back_is_not_sent(ctx, outbox):
    from tests import factories

    user = factories.user()
    user.full_name = "Ben Changed"
    send_mail("ben@example.com", "Subject line", "Body text")
    db.session.rollback()
    db.session.commit()  # a later commit does not send it either
    assert outbox == []


def test_mail_prepared_with_no_transaction_open_is_dropped_by_a_rollback_too(ctx, outbox):
    send_mail("ben@example.com", "Subject line", "Body text")
    db.session.rollback()
    db.session.commit()
    assert outbox == []


def test_mail_waits_for_the_outermost_commit_not_a_savepoint(ctx, outbox):
    with db.session.begin_nested():
        send_mail("ben@example.com", "Subject line", "Body text")
    assert outbox == []
    db.session.commit()
    assert len(outbox) == 1


def test_mail_left_without_a_commit_is_not_sent_and_says_so(ctx, outbox, caplog):
    from tests import factories

    user = factories.user()
    user.full_name = "Changed But Never Committed"
    send_mail("ben@example.com", "Subject line", "Body text")
    with caplog.at_level(logging.WARNING, logger="academy.unit_of_work"):
        db.session.close()
    assert outbox == []
    assert "ended without a commit" in "\n".join(r.getMessage() for r in caplog.records)


def test_a_text_attachment_travels_with_the_message_once_committed(ctx, outbox):
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    send_mail("ama@example.com", "Your interview", "Hello Ama", attachments=[("interview.ics",
                                                                              "text/calendar; method=REQUEST", ics)])
    assert outbox == []
    db.session.commit()
    message = outbox[-1]
    assert message.get_body(("plain",)).get_content().strip() == "Hello Ama"
    [part] = list(message.iter_attachments())
    assert part.get_content_type() == "text/calendar" and part.get_param("method") == "REQUEST"
    assert part.get_filename() == "interview.ics" and "METHOD:REQUEST" in part.get_content()


def test_only_text_attachments(ctx):
    with pytest.raises(ValueError, match="only text"):
        deliver_mail("ama@example.com", "x", "y", attachments=[("a.pdf", "application/pdf", "%PDF")])
