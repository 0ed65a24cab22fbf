"""A job the service queued that Redis no longer knows (Redis restarted without its data) is shown
as lost, with a button that starts it again with the same arguments, never as gone or as running for
ever. Jobs are queued without running here (JOBS_ASYNC on, no worker), Redis is flushed, then the
job is started again inline (or, with a real Redis, by a real worker process)."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from rq.job import Job
from sqlalchemy import func, select

from academy.ascwds.models import ImportBatch, ImportState
from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from academy.jobs import enqueue, job_status, redis_connection
from academy.jobs_models import RememberedJob
from tests import factories, jobs_for_tests
from tests.ascwds.conftest import fixture_bytes
from tests.helpers import location_path, text

PROJECT = Path(__file__).resolve().parent.parent
YEAR = date.today().year - 1


@pytest.fixture
def queued_not_run(app, monkeypatch):
    """Jobs go to Redis (the fake, or TEST_REDIS_URL's) and wait there: no worker runs them. What
    they leave there (the fake Redis lives as long as the process) goes with the test."""
    monkeypatch.setitem(app.config, "JOBS_ASYNC", True)
    yield lambda: monkeypatch.setitem(app.config, "JOBS_ASYNC", False)  # call it: jobs run inline again
    with app.app_context():
        redis_connection().flushdb()


@pytest.fixture
def new_user_client(app):
    """Another browser, signed in as `new_user_client(user)`."""
    from tests.helpers import Client

    def make(user):
        other = Client(app)
        other.sign_in(user)
        return other

    return make


def redis_restarts_empty() -> None:
    redis_connection().flushdb()


def _start_recompute(client) -> str:
    response = client.submit("/outcomes/recompute", {"start": ["1", "1", str(YEAR)], "end": ["31", "3", str(YEAR)]})
    assert response.status_code == 302, text(response)[:500]
    return location_path(response).rsplit("/", 1)[1]


def _audits(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_recompute_redis_forgot_is_lost_and_its_owner_starts_it_again(client, queued_not_run):
    officer = factories.user(Role.hcpa_staff)
    client.sign_in(officer)
    job_id = _start_recompute(client)
    queued = text(client.get(f"/jobs/{job_id}"))
    assert "Waiting to start" in queued and "lost" not in queued

    redis_restarts_empty()
    page = client.get(f"/jobs/{job_id}")
    assert page.status_code == 200
    assert "This job was lost" in text(page) and "Start it again" in text(page)
    assert client.get(f"/jobs/{job_id}.json").get_json() == {
        "id": job_id, "state": "lost", "progress": 0, "finished": True,
        "message": "The job queue restarted without this job, so it did not run (or did not finish)."}
    recompute_page = text(client.get("/outcomes/recompute"))
    assert "already running" not in recompute_page.lower()  # the lock went with the job: not running for ever
    lost = f"The last recompute (01 January {YEAR} to 31 March {YEAR}) was lost when the job queue restarted"
    for page in (recompute_page, text(client.get("/outcomes/"))):  # never silently gone
        assert lost in page and f'href="/jobs/{job_id}">Start the lost recompute again' in page

    queued_not_run()  # the job queue is back (and runs jobs inline here)
    started = client.submit(f"/jobs/{job_id}/start-again", form_page=f"/jobs/{job_id}")
    new_id = location_path(started).rsplit("/", 1)[1]
    assert new_id != job_id and new_id.startswith("outcomes-")
    assert "Finished" in text(client.get(f"/jobs/{new_id}"))
    again = db.session.get(RememberedJob, new_id)
    assert again.arguments == [f"{YEAR}-01-01", f"{YEAR}-03-31"] and again.owner_id == officer.id
    assert again.state == "finished" and again.follow_up == ("See the outcomes", "/outcomes/")
    audit = _audits("restarted_lost_job")
    assert len(audit) == 1 and audit[0].actor_id == officer.id and audit[0].target_id == job_id
    assert audit[0].detail == f"outcomes.recompute, started again as {new_id}"

    assert "was lost" not in text(client.get("/outcomes/recompute"))
    old = text(client.get(f"/jobs/{job_id}"))
    assert "It has been started again" in old and f"/jobs/{new_id}" in old and "Start it again" not in old
    twice = client.submit(f"/jobs/{job_id}/start-again", form_page=f"/jobs/{job_id}")
    assert location_path(twice) == f"/jobs/{job_id}"
    assert "already been started again" in text(client.get(f"/jobs/{job_id}"))
    assert len(_audits("restarted_lost_job")) == 1


def test_a_recompute_lock_whose_job_is_gone_does_not_block_the_next(client, queued_not_run):
    """Redis kept the lock (it was written after the job, say) but not the job: the lock names a
    lost job, so the recompute is not 'running' and a new one starts."""
    from academy.outcomes.jobs import LOCK_KEY, running_job_id

    client.sign_in(factories.user(Role.hcpa_staff))
    job_id = _start_recompute(client)
    assert running_job_id() == job_id
    redis_connection().delete(Job.key_for(job_id))
    assert redis_connection().get(LOCK_KEY).decode() == job_id
    assert running_job_id() is None
    assert job_status(job_id).lost
    assert _start_recompute(client) != job_id


def test_only_the_owner_or_an_admin_in_a_role_that_may_sees_and_starts_a_lost_job(client, queued_not_run,
                                                                                     new_user_client):
    officer = factories.user(Role.hcpa_staff)
    client.sign_in(officer)
    job_id = _start_recompute(client)
    token = client.csrf_token(f"/jobs/{job_id}")
    redis_restarts_empty()

    colleague = new_user_client(factories.user(Role.hcpa_staff))
    assert colleague.get(f"/jobs/{job_id}").status_code == 404
    told = text(colleague.get("/outcomes/recompute"))
    assert "was lost when the job queue restarted" in told and f"/jobs/{job_id}" not in told
    assert colleague.submit(f"/jobs/{job_id}/start-again", form_page="/account").status_code == 404
    assert client.post(f"/jobs/{job_id}/start-again").status_code == 400  # no CSRF token

    officer_row = db.session.get(type(officer), officer.id)
    officer_row.role = Role.manager  # moved to a role that may not recompute the outcomes
    db.session.commit()
    page = text(client.get(f"/jobs/{job_id}"))
    assert "This job was lost" in page and "Start it again" not in page and "Ask the person who started it" in page
    assert client.post(f"/jobs/{job_id}/start-again", data={"csrf_token": token}).status_code == 403

    admin = new_user_client(factories.user(Role.admin))
    queued_not_run()
    started = admin.submit(f"/jobs/{job_id}/start-again", form_page=f"/jobs/{job_id}")
    assert location_path(started).startswith("/jobs/outcomes-")
    assert db.session.get(RememberedJob, job_id).restarted_as
    assert db.session.scalar(select(func.count()).select_from(RememberedJob)) == 2
    assert db.session.get(RememberedJob, location_path(started).rsplit("/", 1)[1]).owner_id == officer.id


def test_a_lost_asc_wds_apply_is_shown_on_the_import_and_applied_again(client, app, queued_not_run, monkeypatch):
    monkeypatch.setitem(app.config, "ASCWDS_INLINE_BYTES", 10)
    manager = factories.manager([factories.workplace(name="Oak House", ascwds_local_id="OAK1",
                                                     cqc_location_id="1-000000001")])
    client.sign_in(manager)
    queued_not_run()  # the check runs inline
    token = client.csrf_token("/ascwds/import")
    client.post("/ascwds/import", data={"csrf_token": token, "files": [(io.BytesIO(fixture_bytes("staff.csv")),
                                                                       "staff.csv")]},
                content_type="multipart/form-data")
    batch = db.session.scalar(select(ImportBatch))
    assert batch.state == ImportState.validated
    page_url = f"/ascwds/imports/{batch.id}"
    monkeypatch.setitem(app.config, "JOBS_ASYNC", True)  # the apply waits in Redis
    applying = client.submit(page_url + "/apply", form_page=page_url)
    job_id = location_path(applying).rsplit("/", 1)[1]
    redis_restarts_empty()

    import_page = text(client.get(page_url))
    assert "Applying these files did not finish, so nothing was changed" in import_page
    assert "This job was lost" in text(client.get(f"/jobs/{job_id}"))
    monkeypatch.setitem(app.config, "JOBS_ASYNC", False)
    started = client.submit(f"/jobs/{job_id}/start-again", form_page=f"/jobs/{job_id}")
    new_id = location_path(started).rsplit("/", 1)[1]
    assert "Applied: 3 created" in text(client.get(f"/jobs/{new_id}"))
    db.session.expire_all()
    batch = db.session.get(ImportBatch, batch.id)
    assert batch.state == ImportState.applied and batch.job_id == new_id


def test_a_lost_job_whose_import_moved_on_is_not_started_again(client, app, queued_not_run, monkeypatch):
    monkeypatch.setitem(app.config, "ASCWDS_INLINE_BYTES", 10)
    manager = factories.manager([factories.workplace(name="Oak House", ascwds_local_id="OAK1",
                                                     cqc_location_id="1-000000001")])
    client.sign_in(manager)
    token = client.csrf_token("/ascwds/import")
    upload = client.post("/ascwds/import", data={"csrf_token": token, "files": [
        (io.BytesIO(fixture_bytes("staff.csv")), "staff.csv")]}, content_type="multipart/form-data")
    job_id = location_path(upload).rsplit("/", 1)[1]
    redis_restarts_empty()
    batch = db.session.scalar(select(ImportBatch))
    batch.job_id = "ascwds-something-later"  # uploaded again / checked by another route since
    db.session.commit()
    refused = client.submit(f"/jobs/{job_id}/start-again", form_page=f"/jobs/{job_id}")
    assert location_path(refused) == f"/jobs/{job_id}"
    assert "This import has moved on since" in text(client.get(f"/jobs/{job_id}"))
    assert db.session.get(RememberedJob, job_id).restarted_as is None and _audits("restarted_lost_job") == []


def test_the_follow_up_run_is_started_again_with_its_options(client, queued_not_run):
    officer = factories.user(Role.hcpa_staff)
    client.sign_in(officer)
    started = client.submit("/recruitment/follow-ups/run", form_page="/recruitment/follow-ups")
    job_id = location_path(started).rsplit("/", 1)[1]
    assert db.session.get(RememberedJob, job_id).kind == "recruitment.follow_ups"
    redis_restarts_empty()
    queued_not_run()
    again = client.submit(f"/jobs/{job_id}/start-again", form_page=f"/jobs/{job_id}")
    new_id = location_path(again).rsplit("/", 1)[1]
    page = text(client.get(f"/jobs/{new_id}"))
    assert "Create due follow-up check-ins" in page and "Finished" in page


def test_a_job_seen_to_end_is_not_lost_when_redis_forgets_it(client, monkeypatch):
    """Redis keeps a result for a day: after that (or a restart) the page still says how it ended."""
    from academy import jobs

    for kind, func in (("tests.steps", jobs_for_tests.record_steps), ("tests.fails", jobs_for_tests.fail_always)):
        monkeypatch.setitem(jobs.RESTARTABLE, kind, jobs.Restartable(kind, func, (Role.hcpa_staff,)))
        monkeypatch.setitem(jobs._KIND_OF, func, kind)
    owner = factories.user(Role.hcpa_staff)
    done = enqueue(jobs_for_tests.record_steps, 2, "steps_ran", owner_id=owner.id, description="Two steps")
    db.session.commit()  # (inline, a job shares the caller's session: the next one's rollback would undo it)
    failed = enqueue(jobs_for_tests.fail_always, owner_id=owner.id, retries=0, description="Doomed")
    db.session.commit()
    assert {db.session.get(RememberedJob, done.id).state, db.session.get(RememberedJob, failed.id).state} == {
        "finished", "failed"}
    redis_restarts_empty()
    client.sign_in(owner)
    assert "Finished" in text(client.get(f"/jobs/{done.id}")) and "lost" not in text(client.get(f"/jobs/{done.id}"))
    assert "The job did not finish" in text(client.get(f"/jobs/{failed.id}"))
    assert client.get("/jobs/job-0123456789abcdef0123456789abcdef").status_code == 404
    assert client.get("/jobs/not%20a%20job%00").status_code == 404


@pytest.mark.redis
def test_with_a_real_redis_a_flushed_job_is_lost_and_a_worker_runs_it_when_started_again(
        app, client, queued_not_run, database_url):
    if not app.config.get("REDIS_URL"):
        pytest.fail("TEST_REDIS_URL must be set for this test (scripts/test runs it in the Redis pass)")
    client.sign_in(factories.user(Role.hcpa_staff))
    job_id = _start_recompute(client)
    redis_restarts_empty()
    assert "This job was lost" in text(client.get(f"/jobs/{job_id}"))
    started = client.submit(f"/jobs/{job_id}/start-again", form_page=f"/jobs/{job_id}")
    new_id = location_path(started).rsplit("/", 1)[1]
    assert "Waiting to start" in text(client.get(f"/jobs/{new_id}"))
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": app.config["REDIS_URL"],
           "SECRET_KEY": "test-secret-key-not-for-use", "GOODCARE_ENV": "test",
           "CREDENTIAL_SIGNING_KEYS": app.config["CREDENTIAL_SIGNING_KEYS"], "PYTHONPATH": str(PROJECT),
           "PUBLIC_BASE_URL": "https://localhost", "MAIL_LOG_ONLY": "on"}
    worker = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--burst",
                             "--queue", "outcomes"], cwd=PROJECT, env=env, capture_output=True, text=True,
                            timeout=180)
    assert worker.returncode == 0, worker.stderr[-2000:]
    assert "Finished" in text(client.get(f"/jobs/{new_id}"))
    db.session.expire_all()
    assert db.session.get(RememberedJob, new_id).state == "finished"  # the worker's callback said so


def test_a_lost_job_of_a_kind_the_service_no_longer_has_is_shown_lost_and_not_offered(client):
    """A kind renamed or removed since it was queued: still lost (never a 404 or 'waiting'), with
    no button, and a forged POST changes nothing."""
    officer = factories.user(Role.hcpa_staff)
    record = factories.remembered_job(officer, kind="retired.kind", description="An old job")
    client.sign_in(officer)
    page = text(client.get(f"/jobs/{record.id}"))
    assert "This job was lost" in page and "Start it again" not in page and "An old job" in page
    refused = client.submit(f"/jobs/{record.id}/start-again", form_page=f"/jobs/{record.id}")
    assert location_path(refused) == f"/jobs/{record.id}"
    assert "This job cannot be started again" in text(client.get(f"/jobs/{record.id}"))
    db.session.expire_all()
    assert db.session.get(RememberedJob, record.id).restarted_as is None and _audits("restarted_lost_job") == []
