"""Evidence files: which may be uploaded, checked by name and by content, and where they live.

A file is accepted only when its extension is on the list AND its first bytes
are what that kind of file starts with, so a program renamed to ``report.pdf``
is refused. Files are kept under ``UPLOAD_FOLDER/<audit id>/`` (inside the
instance folder, outside the web root) under a random name; the name a person
chose is only ever shown, cleaned by ``secure_filename``, never used as a path.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024

_STORED_NAME = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class FileKind:
    content_type: str
    name: str  # in messages: "The selected file ... is not a PDF"


KINDS: dict[str, FileKind] = {
    "pdf": FileKind("application/pdf", "PDF"),
    "docx": FileKind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
    ),
    "xlsx": FileKind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel spreadsheet",
    ),
    "csv": FileKind("text/csv", "CSV file"),
    "txt": FileKind("text/plain", "text file"),
    "png": FileKind("image/png", "PNG image"),
    "jpg": FileKind("image/jpeg", "JPEG image"),
    "jpeg": FileKind("image/jpeg", "JPEG image"),
}
ALLOWED_DESCRIPTION = "a PDF, Word document, Excel spreadsheet, CSV, text file, PNG or JPEG"


class UploadRejected(ValueError):
    """The file may not be kept; the message says why, in the person's words."""


@dataclass(frozen=True)
class CheckedFile:
    filename: str  # cleaned, for showing and as the download name
    content_type: str
    content: bytes


def max_file_bytes() -> int:
    """The largest file accepted: MAX_EVIDENCE_FILE_BYTES, else 10 MB (or the request limit)."""
    configured = current_app.config.get("MAX_EVIDENCE_FILE_BYTES")
    if configured:
        return int(configured)
    request_limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return min(DEFAULT_MAX_FILE_BYTES, request_limit or DEFAULT_MAX_FILE_BYTES)


def largest_file_bytes() -> int:
    """The largest file any form accepts (MAX_CONTENT_LENGTH, or the evidence limit if
    that is set higher): more than this of an upload is never kept while reading it."""
    request_limit = current_app.config.get("MAX_CONTENT_LENGTH") or DEFAULT_MAX_FILE_BYTES
    return max(int(request_limit), max_file_bytes())


def size_of(storage: FileStorage) -> int:
    """How many bytes were sent for an uploaded file, including any not kept."""
    received = getattr(storage.stream, "received", None)
    if isinstance(received, int):
        return received
    position = storage.stream.tell()
    size = storage.stream.seek(0, os.SEEK_END)
    storage.stream.seek(position)
    return size


def describe_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    if size >= 1024:
        return f"{size / 1024:.3g} KB"
    return f"{size} bytes"


def shown_name(original: str) -> str:
    """The name shown for a file: ``secure_filename`` of the original, keeping its extension."""
    extension = _extension(original)
    cleaned = secure_filename(original)[:200]
    if not cleaned or (extension and not cleaned.lower().endswith(f".{extension}")):
        if "." in cleaned:
            stem = cleaned.rsplit(".", 1)[0]
        else:  # "файл.pdf" cleans to "pdf": the extension is all that is left
            stem = "" if cleaned.lower() == extension else cleaned
        cleaned = f"{stem or 'file'}.{extension}" if extension else (cleaned or "file")
    return cleaned


def check(storage: FileStorage, limit: int) -> CheckedFile:
    """Read and check an uploaded file; UploadRejected says what is wrong with it."""
    original = storage.filename or ""
    name = shown_name(original)
    extension = _extension(original)
    kind = KINDS.get(extension)
    if kind is None:
        raise UploadRejected(f"The selected file ‘{name}’ must be {ALLOWED_DESCRIPTION}")
    content = storage.stream.read(limit + 1)
    if len(content) > limit:
        raise UploadRejected(
            f"The selected file ‘{name}’ must be smaller than {describe_size(limit)}"
        )
    if not content:
        raise UploadRejected(f"The selected file ‘{name}’ is empty")
    if not _looks_like(extension, content):
        raise UploadRejected(
            f"The selected file ‘{name}’ is not a real {kind.name}: "
            "its contents do not match its name"
        )
    return CheckedFile(filename=name, content_type=kind.content_type, content=content)


def store(audit_id: int, checked: CheckedFile) -> str:
    """Write the file under a new random name in the audit's folder; returns that name."""
    folder = _audit_folder(audit_id)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored_name = secrets.token_hex(16)
    descriptor = os.open(folder / stored_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(checked.content)
    return stored_name


def path_of(audit_id: int, stored_name: str) -> Path | None:
    """Where a stored file is, or None if the name is not one this module made."""
    if not _STORED_NAME.match(stored_name):
        return None
    path = _audit_folder(audit_id) / stored_name
    return path if path.is_file() else None


def link_into(source_audit_id: int, stored_name: str, audit_id: int) -> str:
    """The same stored file under a new name in another audit's folder (a hard link,
    or a copy where the file system cannot link); returns the new name.

    A file already missing from the source stays missing: the name is still new.
    """
    new_name = secrets.token_hex(16)
    source = path_of(source_audit_id, stored_name)
    if source is None:
        return new_name
    folder = _audit_folder(audit_id)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.link(source, folder / new_name)
    except OSError:
        shutil.copyfile(source, folder / new_name)
        os.chmod(folder / new_name, 0o600)
    return new_name


def discard(audit_id: int, stored_name: str) -> None:
    path = path_of(audit_id, stored_name)
    if path is not None:
        path.unlink(missing_ok=True)


def _audit_folder(audit_id: int) -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / str(int(audit_id))


def _extension(filename: str) -> str:
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower().strip() if "." in base else ""


def _looks_like(extension: str, content: bytes) -> bool:
    if extension == "pdf":
        return content.startswith(b"%PDF-")
    if extension == "png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in {"jpg", "jpeg"}:
        return content.startswith(b"\xff\xd8\xff")
    if extension in {"docx", "xlsx"}:
        return content.startswith(b"PK\x03\x04") and _is_office_file(content, extension)
    if extension in {"csv", "txt"}:
        return _is_text(content)
    return False


def _is_office_file(content: bytes, extension: str) -> bool:
    """A zip holding an Office Open XML package of the right kind (names only: nothing
    is decompressed, so a zip bomb costs nothing here)."""
    folder = "word/" if extension == "docx" else "xl/"
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True
