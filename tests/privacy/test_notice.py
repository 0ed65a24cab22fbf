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
