"""Uploaded attachments: checked by what they are, not by what they are called, and
stored in the private storage (pastoral/private_files.py; never a public URL).
Safeguarding's attachments and attendance's scanned agreements use both."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import PurePath

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from pastoral.private_files import PrivateFiles as _PrivateFiles
from pastoral.private_files import private_files as _private_files

# Content type (as libmagic reports it) -> the extensions such a file may carry.
ALLOWED: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "image/heic": (".heic",),
    "application/msword": (".doc",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALLOWED_LABEL = "PDF, JPEG, PNG, GIF, WebP, HEIC or Word (.doc, .docx)"


# The storage the model fields name (their migrations say pastoral.uploads.PrivateFiles).
PrivateFiles = _PrivateFiles
private_files = _private_files


def _is_docx(upload: UploadedFile) -> bool:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def check_upload(upload: UploadedFile) -> tuple[str, str]:
    """(content type, sha256) of an acceptable file, or ValidationError saying why not."""
    name = PurePath(upload.name or "").name
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            f"“{name}” is {upload.size / 1048576:.1f} MB; the limit is {limit // 1048576} MB.",
            code="too_large",
        )
    if not upload.size:
        raise ValidationError(f"“{name}” is empty.", code="empty")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    detected = magic.from_buffer(head, mime=True)
    # libmagic sees a .docx as a zip (or as "Microsoft Word 2007+" on newer versions).
    if detected in ("application/zip", "application/octet-stream") and _is_docx(upload):
        detected = DOCX
    if detected not in ALLOWED:
        raise ValidationError(
            f"“{name}” is not a file type we accept (its content is {detected}). "
            f"Attach {ALLOWED_LABEL}.",
            code="bad_type",
        )
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED[detected]:
        raise ValidationError(
            f"“{name}” is named {suffix or 'without an extension'} but its content is "
            f"{detected}. Rename it or attach the original file.",
            code="mismatch",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return detected, digest.hexdigest()
