"""Write the report set all or nothing: render everything, write it to a staging folder, swap it in at once.

The set (report.html, leaflet.html, assessment.json) is written into a hidden staging folder next to
`--out`, flushed to disk, and then put in place with ONE rename: `os.rename` when `--out` does not exist
yet, or an atomic exchange of the two folders (Linux `renameat2(RENAME_EXCHANGE)`) when it does. Where the
exchange is not available, the old set is first renamed aside and put back on the next start if the
process died in between. Either way, at every instant `--out` holds a complete old set or a complete new
set, never a mixture. Leftover staging folders of a killed run are removed when the next run starts.
An existing `--out` is replaced as a whole, so it must hold nothing but an earlier ipexpath report set.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipexpath.conclusions import Assessment
from ipexpath.errors import InputError
from ipexpath.files import safe_text
from ipexpath.report.html import render_leaflet, render_report
from ipexpath.report.views import DocumentOptions

REPORT = "report.html"
LEAFLET = "leaflet.html"
JSON = "assessment.json"
PDF = "report.pdf"
# Names ipexpath itself may have written into an output folder (an older set, or a later format's extras).
_OWN_FILES = frozenset(
    {REPORT, LEAFLET, JSON, "report.pdf", "leaflet.pdf", "phenopacket.json", "pedigree.svg"}
)
_STAGING = ".ipexpath-staging-"
_ASIDE = ".ipexpath-previous-"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass(frozen=True)
class Outputs:
    """Paths of the written files."""

    folder: Path
    report: Path
    leaflet: Path
    json: Path
    pdf: Path | None = None


_LOCAL_PATH = re.compile(r"(?<![\w:/.~-])(?:/[\w.~-]+)+/([\w.-]+)")


def _without_local_paths(value: Any) -> Any:
    """The JSON value with every absolute local path shortened to its file name (no machine layout leaks)."""
    if isinstance(value, str):
        return _LOCAL_PATH.sub(r"\1", value)
    if isinstance(value, dict):
        return {k: _without_local_paths(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_local_paths(v) for v in value]
    return value


def assessment_json(assessment: Assessment) -> str:
    """assessment.json text: the assessment with its Phenopacket v2 export (file names only, never absolute
    local paths)."""
    from ipexpath.report.phenopacket_export import to_phenopacket

    data = _without_local_paths({**assessment.to_dict(), "phenopacket": to_phenopacket(assessment)})
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_outputs(
    assessment: Assessment, out_dir: Path, options: DocumentOptions | None = None, pdf: bool = False
) -> Outputs:
    """Render report.html, leaflet.html, assessment.json (and report.pdf with `pdf`), then place them in
    `out_dir` together."""
    out_dir = Path(out_dir)
    files: dict[str, str | bytes] = {
        REPORT: render_report(assessment, options),
        LEAFLET: render_leaflet(assessment, options),
        JSON: assessment_json(assessment),
    }
    if pdf:
        from ipexpath.report.pdf import render_pdf

        files[PDF] = render_pdf(str(files[REPORT])).data
    place_set(files, out_dir)
    written = out_dir / PDF if pdf else None
    return Outputs(out_dir, out_dir / REPORT, out_dir / LEAFLET, out_dir / JSON, written)


def place_set(files: Mapping[str, str | bytes], out_dir: Path) -> None:
    """Write `files` (name → content) as the whole content of `out_dir`, atomically (see module doc)."""
    out_dir = Path(os.path.abspath(out_dir))
    if out_dir.is_symlink() and out_dir.is_dir():
        out_dir = out_dir.resolve()
    parent = out_dir.parent
    _check_destination(out_dir)
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(
            f"Cannot create the output folder '{safe_text(out_dir)}': a file stands where a folder "
            "is needed.",
            "Choose another --out folder.",
        ) from None
    recover(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}{_STAGING}", dir=parent))
    try:
        mask = _umask()
        for name, content in files.items():
            _write_synced(staging / name, content, 0o666 & ~mask)
        staging.chmod(0o777 & ~mask)
        _fsync_dir(staging)
        if not out_dir.exists():
            _rename(staging, out_dir)
        elif not _exchange(staging, out_dir):
            aside = parent / f".{out_dir.name}{_ASIDE}{staging.name.rsplit('-', 1)[-1]}"
            _rename(out_dir, aside)
            _rename(staging, out_dir)
            shutil.rmtree(aside, ignore_errors=True)
        _fsync_dir(parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def recover(out_dir: Path) -> None:
    """Clean what a killed run left next to `out_dir`: staging folders, and a set renamed aside."""
    parent = out_dir.parent
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        name = entry.name
        if name.startswith(f".{out_dir.name}{_STAGING}"):
            shutil.rmtree(entry, ignore_errors=True)
        elif name.startswith(f".{out_dir.name}{_ASIDE}"):
            if not out_dir.exists():
                _rename(entry, out_dir)  # died between the two renames: the previous set comes back
            else:
                shutil.rmtree(entry, ignore_errors=True)


def check_out_folder(out_dir: Path) -> None:
    """Refuse an unusable --out folder before the assessment runs (the same check `place_set` makes)."""
    _check_destination(Path(os.path.abspath(out_dir)))


def _check_destination(out_dir: Path) -> None:
    """`--out` must be a new path, an empty folder, or a folder holding only an earlier report set."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(
            f"'{safe_text(out_dir)}' exists and is not a folder.", "Choose another --out folder."
        )
    if not out_dir.is_dir():
        for ancestor in out_dir.parents:
            if ancestor.exists():
                if not ancestor.is_dir():
                    raise InputError(
                        f"Cannot create the output folder '{safe_text(out_dir)}': "
                        f"'{safe_text(ancestor)}' is a file, not a folder.",
                        "Choose another --out folder.",
                    )
                break
        return
    try:
        others = sorted(e.name for e in out_dir.iterdir() if e.name not in _OWN_FILES)
    except OSError as exc:
        raise InputError(
            f"The output folder '{safe_text(out_dir)}' cannot be read: {exc.strerror}.",
            "Choose another --out folder.",
        ) from None
    if others:
        shown = ", ".join(safe_text(n, 60) for n in others[:5]) + (" …" if len(others) > 5 else "")
        raise InputError(
            f"The output folder '{safe_text(out_dir)}' holds other files ({shown}); ipexpath replaces the "
            "folder as a whole and will not delete them.",
            "Choose a new or empty --out folder.",
        )


def _write_synced(path: Path, content: str | bytes, mode: int) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(path, mode)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _rename(source: Path, target: Path) -> None:
    """One `os.rename` (a name of its own so tests can interrupt the run at each rename)."""
    os.rename(source, target)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system cannot exchange
        return False
    raise OSError(err, os.strerror(err), str(b))


def _renameat2() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        func = libc.renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
