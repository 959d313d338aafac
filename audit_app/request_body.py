"""How much of a request the app reads, and how an uploaded file is kept meanwhile.

MAX_CONTENT_LENGTH refuses a request before any of it is parsed, so a file over
the limit used to lose everything else on its form (the 413 page). Instead, a
signed-in person's form with files may be up to MAX_UPLOAD_REQUEST_BYTES: the
whole form is read, but of each file only one byte more than the largest file
any form accepts is kept, so each form's own check can say "must be smaller
than" beside the file while the rest of what was typed is shown again. Nobody
who has not signed in gets more than MAX_CONTENT_LENGTH.
"""

from __future__ import annotations

from tempfile import SpooledTemporaryFile
from typing import IO, Any

from flask import Request, current_app
from flask_login import current_user

from audit_app.services import uploads

# Kept in memory up to this size, on disk beyond (as Werkzeug does by default).
_IN_MEMORY_BYTES = 500 * 1024


class CappedFile(SpooledTemporaryFile):  # type: ignore[type-arg]
    """A temporary file that keeps the first ``keep`` bytes written to it and
    counts, but drops, the rest."""

    def __init__(self, keep: int) -> None:
        super().__init__(max_size=_IN_MEMORY_BYTES, mode="w+b")
        self.keep = keep
        self.received = 0

    def write(self, data: Any) -> int:
        room = self.keep - self.received
        self.received += len(data)
        if room > 0:
            super().write(bytes(data[:room]))
        return len(data)


class AppRequest(Request):
    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None or not current_app:
            return super().max_content_length
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        ceiling = current_app.config.get("MAX_UPLOAD_REQUEST_BYTES")
        if (
            limit is not None
            and ceiling
            and self.mimetype == "multipart/form-data"
            and current_user.is_authenticated
        ):
            return max(int(limit), int(ceiling))
        return limit  # type: ignore[no-any-return]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return CappedFile(keep=uploads.largest_file_bytes() + 1)  # type: ignore[return-value]
