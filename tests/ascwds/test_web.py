"""The import and export pages: upload, report, apply, the size limit, jobs for big files, access."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from academy.ascwds.models import ImportBatch, ImportState
from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from academy.workplaces.models import Employment, Person
from tests import factories
from tests.ascwds.conftest import edited, fixture_bytes
from tests.helpers import has_error_summary, location_path, text
from training.models import TrainingRecord


@pytest.fixture
def oak(ctx):
    return factories.workplace(name="Oak House", ascwds_local_id="OAK1", cqc_location_id="1-000000001")


@pytest.fixture
def manager(oak):
    return factories.manager([oak], full_name="Morgan Manager")


def _upload(client, *files: tuple[str, bytes], **fields):
    token = client.csrf_token("/ascwds/import")
    data = {"csrf_token": token, "files": [(io.BytesIO(content), name) for name, content in files], **fields}
    return client.post("/ascwds/import", data=data, content_type="multipart/form-data")


def _people() -> int:
    return db.session.scalar(select(func.count()).select_from(Person))


def test_a_manager_uploads_sees_the_report_fixes_and_applies(client, manager, oak):
    client.sign_in(manager)
    bad = edited("staff.csv", {2: {"MAINJOBROLE": "99"}})
    response = _upload(client, ("staff.csv", bad), ("training.csv", fixture_bytes("training.csv")))
    assert response.status_code == 302
    report = client.get(location_path(response))
    body = text(report)
    assert report.status_code == 200 and has_error_summary(report)
    assert "Line 3, MAINJOBROLE: 99 is not a job role code" in body
    assert "Apply the import" not in body and _people() == 0
    batch = db.session.scalar(select(ImportBatch))
    assert not (Path(client.app.config["STORAGE_DIR"]) / "ascwds" / batch.token).exists()  # never appliable: removed
    refused = client.submit(f"/ascwds/imports/{batch.id}/apply", form_page=f"/ascwds/imports/{batch.id}")
    assert refused.status_code == 422 and _people() == 0

    response = _upload(client, ("staff.csv", fixture_bytes("staff.csv")), ("training.csv", fixture_bytes("training.csv")))
    page_url = location_path(response)
    body = text(client.get(page_url))
    assert "0 errors" not in body and "Apply the import" in body
    assert "Amina Khan (W1) at OAK1" in body  # the preview of what will be created
    kept = Path(client.app.config["STORAGE_DIR"]) / "ascwds" / db.session.scalars(
        select(ImportBatch.token).order_by(ImportBatch.id.desc())).first()
    assert kept.exists()  # kept until applied
    applied = client.submit(page_url + "/apply", form_page=page_url)
    assert applied.status_code == 302
    assert not kept.exists()
    done = text(client.get(location_path(applied)))
    assert "Import applied" in done and "7 created, 0 updated, 0 deleted" in done
    staff = text(client.get("/training/staff"))
    for name in ("Amina Khan", "Ben Ode, senior", "Cara Lee"):
        assert name in staff
    assert db.session.scalar(select(func.count()).select_from(TrainingRecord)) == 4
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ascwds_import_applied")) is not None
    # What the staff file declares is on the passport, marked with this import.
    applied_batch = db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first()
    amina = db.session.scalar(select(Employment.person_id).where(Employment.ascwds_worker_id == "W1"))
    passport = text(client.get(f"/training/people/{amina}"))
    assert "Social care qualification at Level 2" in passport
    assert f"From an ASC-WDS import (import {applied_batch.id})" in passport


def test_applying_twice_is_refused(client, manager):
    client.sign_in(manager)
    page_url = location_path(_upload(client, ("staff.csv", fixture_bytes("staff.csv"))))
    assert client.submit(page_url + "/apply", form_page=page_url).status_code == 302
    again = client.submit(page_url + "/apply", form_page=f"/ascwds/import")
    assert again.status_code == 422 and _people() == 3


def test_deleting_staff_asks_for_the_leaving_date(client, manager, oak):
    client.sign_in(manager)
    for n, worker in enumerate(("W1", "W2"), 1):
        factories.employment(oak, who=factories.person(f"Worker {worker}"), start=date(2020, 1, 1),
                             ascwds_worker_id=worker)
    staff = edited("staff.csv", {1: {"STATUS": "DELETE"}, 2: {"STATUS": "UNCHECKED"}}, drop_rows=(3,))
    page_url = location_path(_upload(client, ("staff.csv", staff)))
    page = text(client.get(page_url))
    assert "Leaving date for staff marked DELETE" in page
    bad = client.submit(page_url + "/apply", {"leaving_date": ["31", "2", "2026"]}, form_page=page_url)
    assert bad.status_code == 422 and has_error_summary(bad)
    soon = date.today() + timedelta(days=3)
    future = client.submit(page_url + "/apply", {"leaving_date": [str(soon.day), str(soon.month), str(soon.year)]}, form_page=page_url)
    assert future.status_code == 422, text(future)[text(future).find("<main"):][:3000]
    assert "must be today or in the past" in text(future), text(future)[text(future).find("<main"):][:3000]
    ok = client.submit(page_url + "/apply", {"leaving_date": ["14", "11", "2026"]}, form_page=page_url)
    assert ok.status_code == 302
    left = db.session.scalar(select(Employment).where(Employment.ascwds_worker_id == "W1"))
    db.session.refresh(left)
    assert left.leaving_date == date(2026, 11, 14)


def test_an_oversized_upload_is_refused_before_it_is_read(client, manager, app, monkeypatch):
    monkeypatch.setitem(app.config, "ASCWDS_MAX_UPLOAD_BYTES", 2000)
    client.sign_in(manager)
    token = client.csrf_token("/ascwds/import")
    huge = 200 * 1024 * 1024
    response = client.http.post("/ascwds/import", data=b"", content_type="multipart/form-data; boundary=x",
                                environ_overrides={"CONTENT_LENGTH": str(huge)}, query_string={"csrf_token": token})
    assert response.status_code == 413 and has_error_summary(response), text(response)[text(response).find("<main"):][:2000]
    # A file over the per-file limit is refused while it is streamed.
    monkeypatch.setitem(app.config, "ASCWDS_MAX_UPLOAD_BYTES", 1024 * 1024)
    big = fixture_bytes("training.csv") + b"OAK1,W1,6,Fire safety,,,,,,10/01/2026,,\r\n" * 30000
    response = _upload(client, ("training.csv", big))
    assert response.status_code == 413 and "larger than 1 MB" in text(response)
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "This is not a CSV file"),
    (b"name,email\r\nAnn,ann@example.com\r\n", "not the header row of an ASC-WDS"),
])
def test_a_file_that_is_not_asc_wds_gives_a_clear_report(client, manager, content, message):
    client.sign_in(manager)
    response = _upload(client, ("odd.csv", content))
    page = client.get(location_path(response))
    assert page.status_code == 200 and message in text(page) and has_error_summary(page)


def test_no_files_chosen(client, manager):
    client.sign_in(manager)
    response = _upload(client)
    assert response.status_code == 422 and "Choose one, two or three ASC-WDS files" in text(response)


def test_the_upload_needs_its_csrf_token(client, manager):
    client.sign_in(manager)
    response = client.post("/ascwds/import", data={"files": [(io.BytesIO(fixture_bytes("staff.csv")), "s.csv")]},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and _people() == 0


def test_big_files_are_checked_and_applied_as_jobs(client, manager, app, monkeypatch):
    monkeypatch.setitem(app.config, "ASCWDS_INLINE_BYTES", 10)
    client.sign_in(manager)
    response = _upload(client, ("staff.csv", fixture_bytes("staff.csv")))
    assert location_path(response).startswith("/jobs/")
    status = text(client.get(location_path(response)))
    assert "Checked: 0 errors" in status
    batch = db.session.scalar(select(ImportBatch))
    assert batch.state == ImportState.validated and batch.job_id
    page_url = f"/ascwds/imports/{batch.id}"
    applied = client.submit(page_url + "/apply", form_page=page_url)
    assert location_path(applied).startswith("/jobs/")
    assert "Applied: 3 created" in text(client.get(location_path(applied)))
    assert _people() == 3


def test_an_apply_job_that_died_says_nothing_changed_and_offers_it_again(client, manager, app, monkeypatch):
    """The worker killed mid-apply (bench/faults.py --only import does it for real): RQ marks the
    job failed, the batch is still 'Checked' and its page says so and offers Apply again."""
    from academy.ascwds import views
    from academy.jobs import JobStatus

    monkeypatch.setitem(app.config, "ASCWDS_INLINE_BYTES", 10)
    client.sign_in(manager)
    _upload(client, ("staff.csv", fixture_bytes("staff.csv")))
    batch = db.session.scalar(select(ImportBatch))
    page_url = f"/ascwds/imports/{batch.id}"
    assert "did not finish" not in text(client.get(page_url))
    monkeypatch.setattr(views, "job_status", lambda job_id: JobStatus(job_id, "failed", 40, "Staff saved", None,
                                                                      "Applying ASC-WDS files", "The job failed."))
    page = text(client.get(page_url))
    assert "Applying these files did not finish, so nothing was changed. You can apply them again." in page
    assert "Apply the import" in page and _people() == 0


def test_access(client, manager, oak, new_user_client):
    other_place = factories.workplace(name="Elm Lodge")
    other = factories.manager([other_place])
    client.sign_in(manager)
    page_url = location_path(_upload(client, ("staff.csv", fixture_bytes("staff.csv"))))
    other_client = new_user_client(other)
    assert other_client.get(page_url).status_code == 404
    assert other_client.post(page_url + "/apply").status_code in (400, 404)
    assert other_client.get(f"/ascwds/workplaces/{oak.id}/export.zip").status_code == 404
    assert other_client.get(f"/ascwds/providers/{oak.provider_id}/export.zip").status_code == 404
    worker = new_user_client(factories.care_worker(oak))
    assert worker.get("/ascwds/import").status_code == 403
    assert worker.get("/ascwds/").status_code == 403
    anonymous = new_user_client(None)
    assert anonymous.get("/ascwds/import").status_code == 302


def test_export_downloads_the_three_files(client, manager, oak):
    factories.employment(oak, who=factories.person("=cmd|' /C calc'!A0"))
    client.sign_in(manager)
    response = client.get(f"/ascwds/workplaces/{oak.id}/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == ["staff.csv", "training.csv", "workplace.csv"]
    assert b"'=cmd|" in archive.read("staff.csv")
    provider = client.get(f"/ascwds/providers/{oak.provider_id}/export.zip")
    assert provider.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "ascwds_exported")) == 2


def test_the_index_page_runs_a_fixed_number_of_queries(client, ctx):
    hcpa = factories.user(Role.hcpa_staff)
    client.sign_in(hcpa)

    def count() -> int:
        statements = []

        def listener(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/ascwds/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    factories.workplace()
    few = count()
    for _ in range(6):
        factories.workplace()
    assert count() == few


def test_an_import_listed_on_the_index_page_opens_for_its_owner_only(client, manager, new_user_client):
    batch = factories.ascwds_import(by=manager, names=("staff.csv", "training.csv"))
    client.sign_in(manager)
    assert "staff.csv, training.csv" in text(client.get("/ascwds/"))
    page = client.get(f"/ascwds/imports/{batch.id}")
    assert page.status_code == 200  # no report yet: the page still renders
    assert new_user_client(factories.user(Role.hcpa_staff)).get(f"/ascwds/imports/{batch.id}").status_code == 404
