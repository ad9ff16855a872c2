"""Every reader of a user's file against the files real users produce: each command × each malformed file.

A row of the matrix is a reader (the command line that reads the file) and a kind of damage (UTF-16 with or
without its byte-order mark, Latin-1, binary, NUL bytes, a truncated gzip, empty, a folder, a missing path).
The command must exit 2 with the stated words and write nothing. The forms that are only unusual are read
as they are: a UTF-8 byte-order mark, CRLF line ends, a gzip file not named .gz, a .gz that is plain text.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.fuzz.harness import check_invariant, invoke

from ipexpath.case import example_case_path
from ipexpath.report import example_inputs

EXAMPLE = example_inputs()
VCF = str(EXAMPLE.vcf)
CASE_TEXT = example_case_path().read_text(encoding="utf-8")
NOTE = json.dumps({"id": "n1", "text": "chronic diarrhea"}) + "\n"

# reader -> (file name, good content, command line with {f} for the file and {tmp} for the folder)
READERS: dict[str, tuple[str, str, list[str]]] = {
    "case json": ("case.json", CASE_TEXT, ["case", "{f}"]),
    "case yaml": ("case.yaml", "id: c1\nsex: male\nobserved: [HP:0002014]\n", ["case", "{f}"]),
    "family yaml": (
        "family.yaml",
        EXAMPLE.family.read_text(encoding="utf-8"),
        ["family", "{f}", "--no-plan"],
    ),
    "family ped": (
        "family.ped",
        EXAMPLE.family.with_suffix(".ped").read_text(encoding="utf-8"),
        ["family", "{f}", "--no-plan"],
    ),
    "classify --family": (
        "family.yaml",
        EXAMPLE.family.read_text(encoding="utf-8"),
        ["classify", "--vcf", VCF, "--family", "{f}"],
    ),
    "classify --ranking": ("ranking.json", '{"results": []}', ["classify", "--vcf", VCF, "--ranking", "{f}"]),
    "classify --covered": (
        "covered.bed",
        "chrX\t49250436\t49264932\tFOXP3\n",
        ["classify", "--vcf", VCF, "--covered", "{f}"],
    ),
    "rank --batch": (
        "cases.jsonl",
        json.dumps(json.loads(CASE_TEXT)) + "\n",
        ["rank", "--batch", "{f}", "--out", "{tmp}/results.jsonl", "--workers", "1"],
    ),
    "terms --batch": ("notes.jsonl", NOTE, ["terms", "--batch", "{f}"]),
    "bench": ("cases.jsonl", json.dumps(json.loads(CASE_TEXT)) + "\n", ["bench", "{f}", "--workers", "1"]),
}

JSONL = ("rank --batch", "terms --batch", "bench")


def _damage(text: str) -> dict[str, Callable[[Path], None]]:
    """Kind of damage -> how to make that file from the good text at a path."""
    data = text.encode()
    return {
        "UTF-16": lambda p: p.write_bytes(text.encode("utf-16")),
        "UTF-16 without mark": lambda p: p.write_bytes(text.encode("utf-16-le")),
        "Latin-1": lambda p: p.write_bytes(("é " + text).encode("latin-1", errors="replace")),
        "binary": lambda p: p.write_bytes(bytes(range(1, 256)) * 40),
        "NUL bytes": lambda p: p.write_bytes(data[:1] + b"\x00\x00" + data[1:]),
        "truncated gzip": lambda p: p.write_bytes(gzip.compress(data)[:30]),
        "empty": lambda p: p.write_bytes(b""),
        "folder": lambda p: p.mkdir(),
        "missing": lambda p: None,
    }


def _expected(reader: str, damage: str) -> str:
    jsonl = reader in JSONL
    return {
        "UTF-16": "is saved as UTF-16 text",
        "UTF-16 without mark": "looks like UTF-16 text",
        "Latin-1": "is not UTF-8 text" if jsonl else "is not a UTF-8 text file",
        "binary": "is not UTF-8 text" if jsonl else "is not a UTF-8 text file",
        "NUL bytes": "holds a NUL byte",
        "truncated gzip": "is compressed (gzip) but ends early",
        "empty": {
            "rank --batch": "holds no case",
            "terms --batch": "holds no note",
            "bench": "holds no readable",
            "classify --covered": "has no region",
        }.get(reader, "is empty"),
        "folder": "holds no phenopacket .json files"
        if reader in ("rank --batch", "bench")
        else "is a folder",
        "missing": "do not exist" if reader in ("rank --batch", "bench") else "does not exist",
    }[damage]


MATRIX = [(reader, damage) for reader in READERS for damage in _damage("")]


@pytest.mark.parametrize(("reader", "damage"), MATRIX, ids=[f"{r} | {d}" for r, d in MATRIX])
def test_every_reader_refuses_every_damaged_file(tmp_path: Path, reader: str, damage: str) -> None:
    name, text, argv = READERS[reader]
    if damage == "truncated gzip":
        name += ".gz"
    path = tmp_path / "in" / name
    path.parent.mkdir()
    _damage(text)[damage](path)
    outcome = invoke([a.replace("{f}", str(path)).replace("{tmp}", str(tmp_path)) for a in argv])
    check_invariant(outcome)
    assert outcome.code == 2, outcome
    assert _expected(reader, damage) in outcome.err, outcome.err
    assert not (tmp_path / "results.jsonl").exists()


def _accepted(text: str) -> dict[str, tuple[str, bytes]]:
    """Unusual but readable forms: suffix added to the name, and the bytes."""
    data = text.encode()
    return {
        "UTF-8 byte-order mark": ("", b"\xef\xbb\xbf" + data),
        "CRLF line ends": ("", text.replace("\n", "\r\n").encode()),
        "gzip not named .gz": ("", gzip.compress(data)),
        ".gz that is plain text": (".gz", data),
        "gzip named .gz": (".gz", gzip.compress(data)),
    }


FAST_READERS = [r for r in READERS if r not in ("terms --batch", "bench", "classify --ranking")]
ACCEPTED = [(reader, form) for reader in FAST_READERS for form in _accepted("")]


@pytest.mark.parametrize(("reader", "form"), ACCEPTED, ids=[f"{r} | {f}" for r, f in ACCEPTED])
def test_unusual_but_readable_files_are_read(tmp_path: Path, reader: str, form: str) -> None:
    """Before: a gzip file not named .gz was "not a UTF-8 text file", a .gz of plain text "Not a gzipped
    file (b'{\\n')", a case.yaml.gz "not valid JSON", a family.ped.gz "an unknown family-file type '.gz'",
    and the byte-order mark of a JSON-lines file made its first case unreadable."""
    name, text, argv = READERS[reader]
    suffix, data = _accepted(text)[form]
    path = tmp_path / (name + suffix)
    path.write_bytes(data)
    outcome = invoke([a.replace("{f}", str(path)).replace("{tmp}", str(tmp_path)) for a in argv])
    check_invariant(outcome, allow_error=False)
    if reader == "rank --batch":
        rows = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
        assert len(rows) == 1 and "error" not in rows[0], rows
