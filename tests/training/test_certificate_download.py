"""A certificate downloads under a name built from its detected type, never the uploader's name."""
import io
import zipfile
from io import BytesIO

import pytest

from academy.extensions import db
from tests import factories
from tests.training.test_training_web import PDF, PNG, _record_form
from training.models import TrainingRecord


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize("data, uploaded_as, extension, content_type", [
    (PDF, "evil.html", "pdf", "application/pdf"),
    (PDF, "report.pdf.exe", "pdf", "application/pdf"),
    (PNG, "scan.svg", "png", "image/png"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 32, "photo", "jpg", "image/jpeg"),
    (_docx(), "<script>.js", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
], ids=["pdf-as-html", "pdf-as-exe", "png-as-svg", "jpg-no-extension", "docx-as-js"])
def test_download_is_named_from_the_detected_type(client, team, data, uploaded_as, extension, content_type):
    client.sign_in(team.worker)
    response = client.submit("/training/records/new",
                             _record_form(factories.course(), certificate=(BytesIO(data), uploaded_as)))
    assert response.status_code == 302
    record = db.session.query(TrainingRecord).one()
    download = client.get(f"/training/records/{record.id}/certificate")
    assert download.status_code == 200 and download.data == data
    assert download.headers["Content-Disposition"] == f"attachment; filename=certificate-{record.id}.{extension}"
    assert download.headers["Content-Type"] == content_type
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_stored_content_type_is_not_trusted_either(client, team, app):
    """Whatever the record's columns say, the name and type come from the file's detected kind."""
    client.sign_in(team.worker)
    client.submit("/training/records/new", _record_form(factories.course(), certificate=(BytesIO(PDF), "a.pdf")))
    record = db.session.query(TrainingRecord).one()
    record.certificate_filename, record.certificate_content_type = "evil.html", "text/html"
    db.session.commit()
    download = client.get(f"/training/records/{record.id}/certificate")
    assert download.headers["Content-Disposition"] == f"attachment; filename=certificate-{record.id}.pdf"
    assert download.headers["Content-Type"] == "application/pdf"
