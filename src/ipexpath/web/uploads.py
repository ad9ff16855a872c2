"""Upload handling: files stream to a temporary file on disk and stop at the size limit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler


def max_upload_bytes() -> int:
    """The largest upload accepted, in bytes."""
    return int(settings.MAX_UPLOAD_MB) * 1024 * 1024


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Writes each chunk to disk; stops reading (and the file is dropped) once past the limit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.received = 0

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        """Note a request whose declared length is already past the limit."""
        self.too_large = content_length > max_upload_bytes() + 1024 * 1024
        if self.request is not None:
            self.request.upload_too_large = False  # type: ignore[attr-defined]

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        """Write the chunk, or stop the upload when the file grows past the limit."""
        self.received += len(raw_data)
        if self.too_large or self.received > max_upload_bytes():
            if self.request is not None:
                self.request.upload_too_large = True  # type: ignore[attr-defined]
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)
