"""Reading and writing files safely: atomic writes so that a failure never leaves a partial output."""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ipexpath.errors import InputError


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file in the same folder, then rename (all or nothing)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Binary counterpart of `atomic_write_text`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_text(path: Path, what: str = "file") -> str:
    """Read a UTF-8 (optionally gzipped) text file, turning I/O problems into clear `InputError`s."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"The {what} '{path}' does not exist.", "Check the path and spelling.")
    if path.is_dir():
        raise InputError(f"'{path}' is a folder, but a {what} was expected.")
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                return handle.read()
        return path.read_text(encoding="utf-8")
    except (OSError, EOFError) as exc:
        raise InputError(f"The {what} '{path}' could not be read: {exc}.") from exc
    except UnicodeDecodeError as exc:
        raise InputError(
            f"The {what} '{path}' is not a UTF-8 text file (byte {exc.start}).",
            "Save the file as UTF-8 text.",
        ) from exc


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | InputError]]:
    """Yield (line number, parsed object or the error for that line) from a .jsonl or .jsonl.gz file."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for lineno, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield lineno, InputError(f"{path}, line {lineno}: not valid JSON ({exc.msg}).")
                    continue
                if not isinstance(obj, dict):
                    yield lineno, InputError(f"{path}, line {lineno}: expected a JSON object.")
                    continue
                yield lineno, obj
    except (OSError, EOFError) as exc:
        raise InputError(f"'{path}' could not be read to the end: {exc}.") from exc
