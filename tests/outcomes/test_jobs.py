"""The outcomes job: the nightly range, and the nightly run yielding to a recompute under way."""
from datetime import date

from rq import Queue

from academy.jobs import redis_connection
from academy.outcomes import jobs
from tests import jobs_for_tests


def test_nightly_range_is_the_latest_month_end_and_the_month_to_date():
    assert jobs.nightly_range(date(2025, 3, 15)) == (date(2025, 2, 28), date(2025, 3, 15))
    assert jobs.nightly_range(date(2025, 3, 31)) == (date(2025, 3, 31), date(2025, 3, 31))
    assert jobs.nightly_range(date(2025, 1, 1)) == (date(2024, 12, 31), date(2025, 1, 1))


def test_nightly_run_yields_to_a_recompute_that_is_running(ctx):
    queued = Queue("outcomes", connection=redis_connection(), is_async=True).enqueue(
        jobs_for_tests.record_steps, 1, "never_run")
    redis_connection().set(jobs.LOCK_KEY, queued.id)
    assert jobs.recompute_outcomes() == {"skipped": "another recompute was running"}
    assert redis_connection().get(jobs.LOCK_KEY).decode() == queued.id


def test_nightly_run_computes_when_nothing_else_runs(ctx):
    result = jobs.recompute_outcomes()
    assert result["dates"][-1] == date.today().isoformat()
    assert redis_connection().get(jobs.LOCK_KEY) is None
