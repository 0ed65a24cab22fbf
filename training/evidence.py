"""Certificate files: checked by their content (magic bytes), size-limited, stored under
STORAGE_DIR with a random name, and served only as a download to those allowed to see them."""
from __future__ import annotations

import io
import secrets
import zipfile
from pathlib import Path

from flask import current_app
from werkzeug.utils import secure_filename

from academy.auth.access import Invalid


def _invalid(message: str) -> Invalid:
    problem = Invalid(message)
    problem.field = "certificate"
    return problem

ALLOWED = "a PDF, Word document (.docx or .doc), JPG or PNG"
# The kinds of file a certificate may be, by the extension given to what sniff() detects.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _kind(extension: str) -> tuple[str, str]:
    return CONTENT_TYPES[extension], extension


def sniff(head: bytes, data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a certificate file from its first bytes; None if not allowed."""
    if head.startswith(b"%PDF-"):
        return _kind("pdf")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _kind("png")
    if head.startswith(b"\xff\xd8\xff"):
        return _kind("jpg")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _kind("doc")
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return _kind("docx")
        except zipfile.BadZipFile:
            return None
    return None


def download_as(record_id: int, stored: str) -> tuple[str, str]:
    """(file name, content type) to serve a stored certificate with: `certificate-<id>.<ext>` from
    the type detected at upload (kept as the stored file's extension), never the uploader's name or
    extension, so a PDF uploaded as evil.html downloads as certificate-<id>.pdf."""
    extension = stored.rsplit(".", 1)[-1].lower() if "." in stored else ""
    if extension not in CONTENT_TYPES:
        raise FileNotFoundError(stored)
    return f"certificate-{record_id}.{extension}", CONTENT_TYPES[extension]


def storage_dir() -> Path:
    folder = Path(current_app.config["STORAGE_DIR"]) / "certificates"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_certificate(upload) -> tuple[bytes, str, str, str]:
    """Read an uploaded certificate: (data, content type, extension, safe original name).
    Raises Invalid when it is empty, too large or not an allowed kind of file."""
    limit = current_app.config["CERTIFICATE_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if not data:
        raise _invalid("The selected file is empty")
    if len(data) > limit:
        raise _invalid(f"The certificate must be smaller than {limit // (1024 * 1024)} MB")
    kind = sniff(data[:16], data)
    if kind is None:
        raise _invalid(f"The certificate must be {ALLOWED}")
    name = secure_filename(upload.filename or "") or f"certificate.{kind[1]}"
    return data, kind[0], kind[1], name[:200]


def store_certificate(data: bytes, extension: str) -> str:
    """Write the file under a random name; returns that name (kept on the record)."""
    stored = f"{secrets.token_hex(16)}.{extension}"
    (storage_dir() / stored).write_bytes(data)
    return stored


def certificate_path(stored: str) -> Path:
    path = (storage_dir() / stored).resolve()
    if path.parent != storage_dir().resolve():
        raise FileNotFoundError(stored)
    return path


def remove_certificate(stored: str | None) -> None:
    if stored:
        try:
            certificate_path(stored).unlink(missing_ok=True)
        except FileNotFoundError:
            pass
