"""Upload handling: files stream to a temporary file on disk and stop at the size limit."""

from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler

from ipexpath.errors import InputError

VCF_NAME = re.compile(r"\.(vcf|vcf\.gz|vcf\.bgz)$", re.IGNORECASE)


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


def too_large_message() -> str:
    """What the user is told when a VCF is over the limit."""
    return f"The VCF is larger than the limit of {settings.MAX_UPLOAD_MB} MB; nothing was stored."


NARROW_IT = "Upload a VCF restricted to the genes or regions of interest (e.g. bcftools view -R)."


def max_vcf_bytes() -> int:
    """The largest VCF accepted once decompressed, in bytes (a .vcf.gz of 100 MB may hold 100 GB)."""
    return int(settings.MAX_VCF_DECOMPRESSED_MB) * 1024 * 1024


def check_vcf_content(path: Path) -> None:
    """Read the VCF (decompressing a .vcf.gz as a stream, never whole in memory) and refuse it when its
    decompressed size or its number of lines passes the limits (OWASP ASVS 12.1.2), when the gzip is broken,
    or when the text does not start like a VCF. Reading stops at the first limit passed."""
    limit_bytes, limit_lines = max_vcf_bytes(), int(settings.MAX_VCF_LINES)
    size = lines = 0
    head = b""
    opener: Any = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            while chunk := handle.read(1024 * 1024):
                if len(head) < 32:
                    head += chunk[:32]
                size += len(chunk)
                lines += chunk.count(b"\n")
                if size > limit_bytes:
                    raise InputError(
                        f"The VCF is larger than {settings.MAX_VCF_DECOMPRESSED_MB} MB once decompressed; "
                        "nothing was stored.",
                        NARROW_IT,
                    )
                if lines > limit_lines:
                    raise InputError(
                        f"The VCF has more than {limit_lines:,} lines; nothing was stored.",
                        NARROW_IT,
                    )
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(
            "The .vcf.gz file is not a readable gzip file (damaged or incomplete); nothing was stored.",
            "Compress the VCF again with bgzip or gzip and upload it.",
        ) from exc
    if not head.startswith(b"##fileformat=VCF"):
        raise InputError(
            "The file does not start like a VCF (##fileformat=VCF).", "Upload a .vcf or .vcf.gz."
        )


def save_vcf(upload: Any, workdir: Path) -> Path:
    """Copy an uploaded VCF (already streamed to a temporary file) into `workdir`, checking its name and
    its first bytes (plain VCF header or gzip), then its decompressed size and line count
    (`check_vcf_content`); InputError otherwise. The page and the API share this."""
    name = str(getattr(upload, "name", "") or "")
    if not VCF_NAME.search(name):
        raise InputError("The file is not a VCF (.vcf or .vcf.gz).", "Upload a .vcf or .vcf.gz file.")
    if upload.size > max_upload_bytes():
        raise InputError(too_large_message())
    path = workdir / ("upload.vcf.gz" if name.lower().endswith("gz") else "upload.vcf")
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    with path.open("rb") as handle:
        head = handle.read(32)
    if not (head.startswith(b"\x1f\x8b") or head.startswith(b"##fileformat=VCF")):
        raise InputError(
            "The file does not start like a VCF (##fileformat=VCF).", "Upload a .vcf or .vcf.gz."
        )
    check_vcf_content(path)
    return path


MAX_PHENOPACKET_BYTES = 5 * 1024 * 1024  # a phenopacket is a few kilobytes; more is not a phenopacket


def read_phenopacket(upload: Any) -> dict[str, Any]:
    """The uploaded phenopacket (JSON) as a mapping; a clear InputError for anything else."""
    import json

    data = upload.read(MAX_PHENOPACKET_BYTES + 1)
    if len(data) > MAX_PHENOPACKET_BYTES:
        raise InputError("The phenopacket is larger than 5 MB.", "Upload one patient's phenopacket (JSON).")
    try:
        packet = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(
            "The uploaded file is not a phenopacket in JSON.", "Upload a GA4GH Phenopacket v2 file (.json)."
        ) from None
    if isinstance(packet, dict) and packet.get("kind") == "ipexpath assessment":
        packet = packet.get(
            "phenopacket"
        )  # an assessment.json downloaded earlier: its phenopacket is the case
    if not isinstance(packet, dict):
        raise InputError(
            "The uploaded file is not a phenopacket.", "Upload a GA4GH Phenopacket v2 file (.json)."
        )
    return packet
