"""CVs: PDF or Word only, checked by what the file contains (not its name), size-limited, stored
outside the web root under STORAGE_DIR with a random name, and given only to HCPA staff."""
from __future__ import annotations

import io
import secrets
import zipfile
from pathlib import Path

from flask import current_app
from werkzeug.utils import secure_filename

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import User
from academy.extensions import utcnow
from academy.unit_of_work import after_commit
from recruitment.models import Application, State

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
}


def detect_kind(content: bytes) -> str | None:
    """'pdf', 'docx' or 'doc' from the file's own bytes; None for anything else."""
    if content.startswith(PDF_MAGIC):
        return "pdf"
    if content.startswith(OLE_MAGIC):
        return "doc"
    if content.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return "docx"
    return None


def cv_folder() -> Path:
    folder = Path(current_app.config["STORAGE_DIR"]) / "cvs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def read_upload(stream, max_bytes: int) -> bytes:
    """Read at most max_bytes + 1 so an oversized file is refused without reading all of it."""
    content = stream.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise Invalid(f"The file must be smaller than {max_bytes // (1024 * 1024)}MB")
    if not content:
        raise Invalid("The selected file is empty")
    return content


def store_cv(session, application: Application, by: User, upload) -> None:
    """Check and store the applicant's CV, replacing any earlier one. Raises Invalid with the reason."""
    if by.id != application.user_id:
        raise NotAllowed("You can only upload your own CV")
    if application.state != State.draft:
        raise Invalid("You have already sent your application")
    content = read_upload(upload.stream, current_app.config["CV_MAX_BYTES"])
    kind = detect_kind(content)
    if kind is None:
        raise Invalid("The selected file must be a PDF or Word document")
    old = application.cv_stored_name
    stored_name = f"{secrets.token_hex(16)}.{kind}"
    (cv_folder() / stored_name).write_bytes(content)
    application.cv_stored_name, application.cv_kind, application.cv_size = stored_name, kind, len(content)
    application.cv_original_name = (secure_filename(upload.filename or "") or f"cv.{kind}")[:200]
    application.cv_uploaded_at = utcnow()
    application.cv_answered = True
    session.flush()
    if old:  # the replaced file goes only once the new one's record is saved
        after_commit((cv_folder() / old).unlink, missing_ok=True)


def cv_path(application: Application) -> Path | None:
    if not application.cv_stored_name:
        return None
    path = cv_folder() / application.cv_stored_name
    return path if path.is_file() else None
