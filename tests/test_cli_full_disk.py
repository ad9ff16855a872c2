"""Every command that writes a file, against a full disk (ENOSPC) and Ctrl-C at the moment of writing:
exit 2 (130 for Ctrl-C) with a sentence naming the output, no traceback, no temporary or half-written file,
and an earlier output left as it was. The writer is monkeypatched in process (no real disk is filled)."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from tests.fuzz.harness import check_invariant, invoke

from ipexpath.case import example_case_path
from ipexpath.report import example_inputs

EXAMPLE = example_inputs()
CASE = str(example_case_path())
EARLIER = "the earlier output\n"

# command line -> the file it writes ({tmp} is the test's folder); each goes through files.atomic_write_*
WRITERS: dict[str, tuple[list[str], str]] = {
    "classify --output": (
        ["classify", "--variant", "NM_014009.4:c.1150G>A", "--output", "{tmp}/r.json"],
        "r.json",
    ),
    "family --svg": (["family", str(EXAMPLE.family), "--no-plan", "--svg", "{tmp}/p.svg"], "p.svg"),
    "screen --out": (["screen", "{tmp}/cohort.vcf.gz", "--workers", "1", "--out", "{tmp}/f.tsv"], "f.tsv"),
}


def _full(*_args: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def _ctrl_c(*_args: object) -> None:
    raise KeyboardInterrupt


def _cohort(tmp: Path) -> None:
    """The example VCF bgzipped and indexed, as `screen` reads it (by region)."""
    import pysam

    plain = tmp / "cohort.vcf"
    plain.write_text(EXAMPLE.vcf.read_text(encoding="utf-8"), encoding="utf-8")
    pysam.tabix_index(str(plain), preset="vcf", force=True)


@pytest.mark.parametrize("interruption", ["full disk", "Ctrl-C"])
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_failed_write_leaves_the_earlier_file_and_no_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: str, interruption: str
) -> None:
    argv, name = WRITERS[writer]
    if writer.startswith("screen"):
        _cohort(tmp_path)
    out = tmp_path / name
    out.write_text(EARLIER)
    before = sorted(p.name for p in tmp_path.iterdir())
    monkeypatch.setattr("ipexpath.files.os.replace", _full if interruption == "full disk" else _ctrl_c)
    outcome = invoke([a.replace("{tmp}", str(tmp_path)) for a in argv])
    assert "Traceback" not in outcome.err
    if interruption == "full disk":
        check_invariant(outcome)
        assert outcome.code == 2 and "No space left on device" in outcome.err and str(out) in outcome.err
    else:
        assert outcome.code == 130 and outcome.err.strip().startswith("Interrupted.")
    assert out.read_text() == EARLIER
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary file left


def test_assess_on_a_full_disk_keeps_the_earlier_folder_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report, leaflet and JSON are one set: a failed write replaces none of the earlier set."""
    out = tmp_path / "out"
    first = invoke(["assess", CASE, "--out", str(out)])
    check_invariant(first, allow_error=False)
    earlier = {p.name: p.read_bytes() for p in out.iterdir()}
    calls = {"n": 0}
    from ipexpath.report import output

    real = output._write_synced

    def full_after_one(path: Path, content: str | bytes, mode: int) -> None:
        calls["n"] += 1
        if calls["n"] > 1:  # the first file of the new set was written, the second finds the disk full
            _full()
        real(path, content, mode)

    monkeypatch.setattr(output, "_write_synced", full_after_one)
    again = invoke(["assess", CASE, "--out", str(out)])
    check_invariant(again)
    assert again.code == 2 and "No space left on device" in again.err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == earlier
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_batch_on_a_full_disk_names_the_results_and_how_to_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: "could not read or write: No space left on device." (no file named, no word of resuming)."""
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(json.loads(Path(CASE).read_text(encoding="utf-8"))) + "\n", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    monkeypatch.setattr("ipexpath.batch.run.os.replace", _full)
    outcome = invoke(["rank", "--batch", str(cases), "--out", str(out), "--workers", "1"])
    check_invariant(outcome)
    assert outcome.code == 2
    assert (
        f"Could not write the results '{out}': No space left on device. The cases ranked so far are kept in "
        in (outcome.err)
    )
    assert "run the same command again: it resumes where it stopped" in outcome.err
    assert not out.exists() and (tmp_path / "r.jsonl.partial").exists()
    monkeypatch.undo()
    resumed = invoke(["rank", "--batch", str(cases), "--out", str(out), "--workers", "1", "--json"])
    check_invariant(resumed, allow_error=False)
    assert json.loads(resumed.out)["already_done"] == 1 and not (tmp_path / "r.jsonl.partial").exists()
