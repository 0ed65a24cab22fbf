"""Outcome tests start with no recompute lock (the in-process fake Redis outlives a test)."""
import pytest


@pytest.fixture(autouse=True)
def _no_recompute_lock(app):
    from academy.jobs import redis_connection
    from academy.outcomes.jobs import LOCK_KEY

    def clear():
        with app.app_context():
            redis_connection().delete(LOCK_KEY)

    clear()
    yield
    clear()
