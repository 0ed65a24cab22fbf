"""The privacy notice states the retention period from the configuration, and links to the
pages where people use their rights."""
from tests.helpers import text


def test_the_privacy_notice_states_the_configured_retention_period(app, client):
    body = text(client.get("/privacy"))
    assert "unsuccessful or withdrawn: 6 months after the last activity" in body
    assert "/privacy/what-we-keep" in body and "/privacy/your-data" in body
    app.config["APPLICATION_RETENTION_MONTHS"] = 1
    try:
        assert "unsuccessful or withdrawn: 1 month after the last activity" in text(client.get("/privacy"))
    finally:
        app.config["APPLICATION_RETENTION_MONTHS"] = 6


def test_the_privacy_notice_states_the_draft_and_employment_periods(app, client):
    body = text(client.get("/privacy"))
    assert "never sent: deleted 6 months after you last changed them" in body
    assert "We email you at least 14 days before" in body
    assert "while you work there and for 6 years after you leave" in body
    app.config["EMPLOYMENT_RECORD_RETENTION_YEARS"], app.config["DRAFT_DELETION_NOTICE_DAYS"] = 1, 21
    try:
        changed = text(client.get("/privacy"))
        assert "while you work there and for 1 year after you leave" in changed
        assert "We email you at least 21 days before" in changed
    finally:
        app.config["EMPLOYMENT_RECORD_RETENTION_YEARS"], app.config["DRAFT_DELETION_NOTICE_DAYS"] = 6, 14
