"""The report set is replaced all or nothing: the process is killed at every rename point (in a subprocess,
with `os._exit` injected before and after each rename/exchange), and the next start finds a complete old set
or a complete new set — never a mixture — and no staging folder."""

from __future__ import annotations

import errno
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ipexpath.errors import InputError
from ipexpath.report.output import place_set, recover

OLD = {"report.html": "old report", "leaflet.html": "old leaflet", "assessment.json": '{"old": 1}'}
NEW = {"report.html": "new report", "leaflet.html": "new leaflet", "assessment.json": '{"new": 1}'}

_CHILD = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from ipexpath.report import output

    out, step, when, exchange = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
    calls = {"n": 0}

    def killing(real):
        def wrapped(*args):
            calls["n"] += 1
            if calls["n"] == step and when == "before":
                os._exit(9)
            result = real(*args)
            if calls["n"] == step and when == "after":
                os._exit(9)
            return result
        return wrapped

    output._rename = killing(output._rename)
    output._exchange = killing(output._exchange if exchange else (lambda a, b: False))
    output.place_set({NEW}, out)
    os._exit(0)
    """
).replace("{NEW}", repr(NEW))


def _contents(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in folder.iterdir()}


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "rename-aside"])
@pytest.mark.parametrize("existing", [True, False], ids=["replace", "create"])
def test_killed_at_every_rename_point_leaves_old_or_new_set(
    tmp_path: Path, exchange: bool, existing: bool
) -> None:
    n_points = (1 if exchange else 3) if existing else 1  # the exchange attempt counts as a point
    outcomes = set()
    for step in range(1, n_points + 1):
        for when in ("before", "after"):
            root = tmp_path / f"{step}-{when}"
            root.mkdir()
            out = root / "out"
            if existing:
                place_set(OLD, out)
            proc = subprocess.run(
                [sys.executable, "-c", _CHILD, str(out), str(step), when, "1" if exchange else "0"],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert proc.returncode == 9, proc.stderr
            recover(out)  # what the next run does first
            assert _leftovers(root) == []
            if out.exists():
                found = _contents(out)
                assert found in (OLD, NEW), found
                outcomes.add("new" if found == NEW else "old")
            else:
                assert not existing, "the previous set was lost"
                outcomes.add("none")
            place_set(NEW, out)  # the next run completes and leaves no staging folder
            assert _contents(out) == NEW
            assert _leftovers(root) == []
    assert "new" in outcomes  # the kill points cover the moment the new set arrives


def test_stale_staging_folder_is_removed_on_start(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (tmp_path / ".out.ipexpath-staging-abc").mkdir()
    (tmp_path / ".out.ipexpath-staging-abc" / "report.html").write_text("half")
    place_set(NEW, out)
    assert _leftovers(tmp_path) == []


def test_full_disk_keeps_previous_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    place_set(OLD, out)

    def full(_fd: int, _data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("ipexpath.report.output.os.write", full)
    with pytest.raises(OSError):
        place_set(NEW, out)
    assert _contents(out) == OLD
    assert _leftovers(tmp_path) == []


def test_folder_with_other_files_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="holds other files"):
        place_set(NEW, out)
    assert (out / "notes.txt").read_text() == "mine"


def test_file_where_a_folder_is_needed(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="not a folder"):
        place_set(NEW, tmp_path / "f")
    with pytest.raises(InputError, match="is a file"):
        place_set(NEW, tmp_path / "f" / "sub")
