"""Write a whole output folder or nothing: fill a staging folder beside it, then swap it in with renames."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from ipexpath.errors import InputError


def write_folder(out: Path, fill: Callable[[Path], list[str]]) -> list[Path]:
    """Call `fill(stage)` to write files into a fresh staging folder, then swap it in for `out`."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"'{out}' is a file; the output must be a folder.")
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for stale in parent.glob(f".{out.name}.staging-*"):
            shutil.rmtree(stale, ignore_errors=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=parent))
    except OSError as exc:
        raise InputError(f"Cannot write into '{parent}': {exc.strerror or exc}.") from exc
    try:
        names = fill(stage)
        old = None
        if out.exists():
            old = parent / f".{out.name}.old-{os.getpid()}"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out, old)
        os.replace(stage, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise InputError(f"Could not write '{out}': {exc.strerror or exc}.") from exc
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return [out / name for name in names]
