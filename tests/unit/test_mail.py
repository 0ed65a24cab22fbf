"""The one mail module: without MAIL_SERVER (development) a message is written to the log, not sent."""
import logging

from academy.mail import deliver_mail, send_mail


def test_development_writes_mail_to_the_log(app, ctx, caplog, outbox):
    app.testing = False  # the log line is left out under test only to keep test output quiet
    try:
        with caplog.at_level(logging.INFO, logger="academy.mail"):
            deliver_mail("ama@example.com", "Confirm your email address", "Hello Ama,\n\nhttp://x/confirm/abc")
    finally:
        app.testing = True
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name == "academy.mail")
    assert "not sent: no MAIL_SERVER" in logged
    assert "To: ama@example.com" in logged and "Subject: Confirm your email address" in logged
    assert "http://x/confirm/abc" in logged  # a developer can follow the link from the log
    assert outbox[-1]["To"] == "ama@example.com"


def test_send_mail_goes_through_the_job_queue_and_arrives(ctx, outbox):
    send_mail("ben@example.com", "Subject line", "Body text")
    assert [(m["To"], m["Subject"], m["From"]) for m in outbox] == [
        ("ben@example.com", "Subject line", "Good Care <no-reply@goodcare.example>")]
    assert outbox[0].get_content().strip() == "Body text"
