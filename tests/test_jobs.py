"""Background jobs: inline by default, on Redis with a real worker process when TEST_REDIS_URL is set."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rq import Queue

from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from academy.jobs import JobsUnavailable, enqueue, job_status, redis_connection
from tests import factories, jobs_for_tests
from tests.helpers import text

PROJECT = Path(__file__).resolve().parent.parent


def test_inline_job_runs_at_once_and_its_status_page_shows_it_finished(client):
    owner = factories.user(Role.hcpa_staff)
    job = enqueue(jobs_for_tests.record_steps, 4, "inline_job_ran", owner_id=owner.id, description="Count to four")
    status = job_status(job.id)
    assert status.state == "finished" and status.progress == 100 and status.message == "Step 4 of 4"
    assert db.session.query(AuditEvent).filter_by(action="inline_job_ran").count() == 1
    client.sign_in(owner)
    page = client.get(f"/jobs/{job.id}")
    assert page.status_code == 200 and "Count to four" in text(page) and "Finished" in text(page)
    assert client.get(f"/jobs/{job.id}.json").get_json()["finished"] is True


def test_failed_job_is_reported_as_failed(client):
    owner = factories.user(Role.hcpa_staff)
    job = enqueue(jobs_for_tests.fail_always, owner_id=owner.id, retries=0, description="Doomed")
    assert job_status(job.id).state == "failed"
    client.sign_in(owner)
    assert "The job did not finish" in text(client.get(f"/jobs/{job.id}"))


def test_unknown_queue_is_refused(ctx):
    with pytest.raises(ValueError):
        enqueue(jobs_for_tests.fail_always, queue="nonsense")


def test_enqueue_says_try_later_when_redis_is_down(app, ctx):
    saved = dict(app.config)
    app.config.update(REDIS_URL="redis://127.0.0.1:1/0", JOBS_ASYNC=True)
    try:
        with pytest.raises(JobsUnavailable, match="Try again"):
            enqueue(jobs_for_tests.record_steps, 1, "never")
    finally:
        app.config.clear()
        app.config.update(saved)


@pytest.mark.redis
def test_a_real_worker_process_runs_a_job_from_redis(app, ctx, database_url):
    if not app.config.get("REDIS_URL"):
        pytest.fail("TEST_REDIS_URL must be set for this test (scripts/test runs it in the Redis pass)")
    queue = Queue("default", connection=redis_connection())
    job = queue.enqueue(jobs_for_tests.record_steps, 3, "worker_job_ran", meta={"owner_id": None})
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": app.config["REDIS_URL"],
           "SECRET_KEY": "test-secret-key-not-for-use", "GOODCARE_ENV": "test",
           "CREDENTIAL_SIGNING_KEYS": app.config["CREDENTIAL_SIGNING_KEYS"], "PYTHONPATH": str(PROJECT),
           "PUBLIC_BASE_URL": "https://localhost", "MAIL_LOG_ONLY": "on"}
    worker = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--burst",
                             "--queue", "default"], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)
    assert worker.returncode == 0, worker.stderr[-2000:]
    deadline = time.monotonic() + 30
    while job_status(job.id).state != "finished" and time.monotonic() < deadline:
        time.sleep(0.2)
    status = job_status(job.id)
    assert status.state == "finished" and status.message == "Step 3 of 3"
    db.session.expire_all()
    assert db.session.query(AuditEvent).filter_by(action="worker_job_ran").count() == 1
