"""Every command against bad input: exit 2 with a sentence a clinician understands, no traceback, and no
partial, mixed or clobbered output. Interruptions (Ctrl-C, SIGTERM, a closed pipe) end quietly.

Each row of `BAD` is a file made in a temporary folder (or none) and a command line; the command must exit 2
and say the expected words. Files ipexpath must accept as they are (BOM, CRLF, gzip, standard input) are
in `ACCEPTED`.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.fuzz.harness import check_invariant, invoke

from ipexpath.case import example_case_path
from ipexpath.report import example_inputs

EXAMPLE = example_inputs()
CASE_TEXT = example_case_path().read_text(encoding="utf-8")
V1 = {
    "id": "v1",
    "subject": {"id": "p", "sex": "MALE"},
    "phenotypicFeatures": [{"type": {"id": "HP:0002014"}}, {"type": {"id": "HP:0000821"}, "negated": True}],
    "metaData": {"phenopacketSchemaVersion": "1.0"},
}


def _with_sex(value: object) -> str:
    data = json.loads(CASE_TEXT)
    data["subject"]["sex"] = value
    return json.dumps(data)


VCF_TEXT = EXAMPLE.vcf.read_text(encoding="utf-8")
FOXP3_CALL = "chrX\t49251480\t.\tC\tT\t"  # line 19: the boy's FOXP3 c.1150G>A (his finding)


def _foxp3_call_as(text: str) -> str:
    assert FOXP3_CALL in VCF_TEXT
    return VCF_TEXT.replace(FOXP3_CALL, text)


# name -> file content (bytes, text, or None for a folder)
FILES: dict[str, bytes | str | None] = {
    "folder": None,
    "empty.json": "",
    "empty.json.gz": gzip.compress(b""),
    "junk.bin": bytes(range(256)) * 4,
    "utf16.json": CASE_TEXT.encode("utf-16"),
    "latin1.yaml": "id: caf\xe9\nobserved: [HP:0002014]\n".encode("latin-1"),
    "truncated.json.gz": gzip.compress(CASE_TEXT.encode())[:200],
    "list.json": "[1, 2, 3]",
    "v1.json": json.dumps(V1),
    "sex5.json": _with_sex(5),
    "unknown-term.yaml": "id: c\nobserved: [HP:9999999]\n",
    "onset-after-age.yaml": "id: c\nage: P1Y\nobserved:\n  - {id: HP:0002014, onset: P3Y}\n",
    "family.ped": EXAMPLE.family.with_suffix(".ped").read_text(encoding="utf-8"),
    "family.yaml": EXAMPLE.family.read_text(encoding="utf-8"),
    "proband.vcf": EXAMPLE.vcf.read_text(encoding="utf-8"),
    "bad-lines.jsonl": "not json\n[1]\n",
    "blank.jsonl": "\n \n",
    "junk.jsonl": bytes(range(128, 256)) * 4,
    "truncated.jsonl.gz": gzip.compress(CASE_TEXT.encode())[:200],
    "a-file": "not a folder\n",
    "id-mapping.yaml": "id: {a: 1}\nobserved: [HP:0002014]\n",
    "observed-text.yaml": "observed: HP:0002014\n",
    "observed-number.yaml": "observed: [5]\n",
    # VCF records htslib reads without complaint or cannot read: each was "no variant found" or a lost call
    "pos-zero.vcf": _foxp3_call_as("chrX\t0\t.\tC\tT\t"),
    "pos-huge.vcf": _foxp3_call_as("chrX\t99999999999\t.\tC\tT\t"),
    "pos-word.vcf": _foxp3_call_as("chrX\t49251x80\t.\tC\tT\t"),
    "alt-missing.vcf": _foxp3_call_as("chrX\t49251480\t.\tC\t\t"),
    "columns-missing.vcf": VCF_TEXT.replace(FOXP3_CALL, "chrX\t49251480\t.\tC\n#"),
    "listed-twice.vcf": "".join(
        line + (line if line.startswith(FOXP3_CALL) else "") for line in VCF_TEXT.splitlines(keepends=True)
    ),
    "bom.vcf": "\ufeff" + VCF_TEXT,
    "utf16.vcf": VCF_TEXT.encode("utf-16-le"),  # was "does not start with a VCF header (… '#\x00#…')"
    "twice.jsonl": (json.dumps(json.loads(CASE_TEXT)) + "\n") * 2,
}

CASE = str(example_case_path())

BAD: list[tuple[list[str], str]] = [
    # case file: missing, folder, empty, binary, wrong encodings, truncated gzip, wrong shapes and formats
    (["case", "{tmp}/missing.json"], "does not exist"),
    (["case", "{tmp}/folder"], "is a folder"),
    (["case", "{tmp}/empty.json"], "is empty"),
    (["case", "{tmp}/junk.bin"], "not a UTF-8 text file"),
    (["case", "{tmp}/empty.json.gz"], "is empty"),
    (["case", "{tmp}/utf16.json"], "saved as UTF-16"),
    (["case", "{tmp}/latin1.yaml"], "Latin-1"),
    (["case", "{tmp}/truncated.json.gz"], "is compressed (gzip) but ends early: it is truncated"),
    (["case", "{tmp}/list.json"], "must hold a mapping"),
    (["case", "{tmp}/v1.json"], "Phenopacket v1"),
    (["case", "{tmp}/sex5.json"], "not a Phenopacket sex"),
    (["case", "{tmp}/unknown-term.yaml"], "HP:9999999 is not a term"),
    (["case", "{tmp}/onset-after-age.yaml"], "later than the age now"),
    (["case", "{tmp}/family.ped"], "must hold a mapping"),
    (["case", "{tmp}/proband.vcf"], "must hold a mapping"),
    (["case", "{tmp}/family.yaml"], "unknown keys"),
    (["case", "{tmp}/id-mapping.yaml"], "'id' must be a single text"),
    (["case", "{tmp}/observed-text.yaml"], "must be a list of HPO terms"),
    (["case", "{tmp}/observed-number.yaml"], "is not an HPO term"),
    # case flags: invalid values and contradictions
    (["case", "--hpo", "HP:0002014", "--age", "-3"], "not an age"),
    (["case", "--hpo", "HP:0002014", "--age", "P200Y"], "beyond a human lifespan"),
    (["case", "--hpo", "HP:0002014", "--sex", "2"], "Unknown sex"),
    (["case", "--hpo", "HP:0002014", "--onset", "P5Y", "--age", "P1Y"], "later than the age now"),
    (["case", "--hpo", "HP:0002014", "--excluded", "hp:0002014"], "both as observed"),
    (["case", "--hpo", "HP:0002014", "--text", " "], "--text is empty"),
    # gestational ages: the forms clinicians write are read (test below); ambiguous ones are refused
    (["case", "--hpo", "HP:0002014", "--age", "32+3"], "'32+3' could be a gestational age"),
    (["case", "--hpo", "HP:0002014", "--age", "PMA 36 weeks"], "is a postmenstrual or postconceptional age"),
    (["case", "--hpo", "HP:0002014", "--age", "corrected age 3 months"], "is a corrected age"),
    (["case", "--hpo", "HP:0002014", "--onset", "born at 32 weeks"], "describes the birth, not an age"),
    (["case", "--hpo", "HP:0002014", "--age", "GA 41+2"], "is after term (40+0)"),
    (["case", "--hpo", "HP:0002014", "--age", "GA 32+8"], "go from 0 to 6"),
    (["case", "--hpo", "HP:0002014", "--age", "GA 30", "--onset", "GA 32+3"], "later than the age now"),
    (["case", CASE, "--sex", "female"], "either a case file or --sex"),
    (["case", CASE, "--age", "P1Y"], "either a case file or --age"),
    (["case", CASE, "--hpo", "HP:0002014"], "either a case file or --hpo"),
    # rank: single case and batch
    (["rank", "--hpo", "HP:0000001"], "no observed clinical feature"),
    (["rank", "--top", "-1", CASE], "Invalid value for '--top'"),
    (["rank", CASE, "--batch", "{tmp}/bad-lines.jsonl", "--out", "{tmp}/o.jsonl"], "CASE cannot be combined"),
    (
        ["rank", "--batch", "{tmp}/bad-lines.jsonl", "--out", "{tmp}/o.jsonl", "--method", "phenomizer"],
        "--method cannot be combined",
    ),
    (["rank", "--batch", "{tmp}/bad-lines.jsonl"], "needs --out"),
    (["rank", "--out", "{tmp}/o.jsonl", CASE], "go with --batch"),
    (["rank", "--batch", "{tmp}/junk.jsonl", "--out", "{tmp}/o.jsonl"], "not UTF-8 text"),
    (["rank", "--batch", "{tmp}/bad-lines.jsonl", "--out", "{tmp}/folder"], "is a folder"),
    (["rank", "--batch", "{tmp}/bad-lines.jsonl", "--out", "-"], "cannot be '-'"),
    (
        ["rank", "--batch", "{tmp}/bad-lines.jsonl", "--out", "{tmp}/a-file/o.jsonl"],
        "is a file, not a folder",
    ),
    (
        ["rank", "--batch", "{tmp}/bad-lines.jsonl", "--out", "{tmp}/o.jsonl", "--compare", "{tmp}/none"],
        "does not exist",
    ),
    (  # was: a results file of two 'error' lines left behind, the reasons only inside it
        ["rank", "--batch", "{tmp}/bad-lines.jsonl", "--out", "{tmp}/o.jsonl", "--workers", "1"],
        "None of the 2 case(s) in",
    ),
    (
        ["rank", "--batch", "{tmp}/bad-lines.jsonl", "--out", "{tmp}/o.jsonl", "--workers", "1"],
        "nothing was written. First reasons — line 1: not valid JSON (Expecting value); line 2: expected a "
        "JSON object.",
    ),
    (  # was "Internal error (UnicodeDecodeError)", exit 1, after the whole run
        ["rank", "--batch", "{tmp}/twice.jsonl", "--out", "{tmp}/o.jsonl", "--compare", "{tmp}/junk.jsonl"],
        "junk.jsonl' is not UTF-8 text",
    ),
    (  # was said only after the whole run
        [
            "rank",
            "--batch",
            "{tmp}/twice.jsonl",
            "--out",
            "{tmp}/o.jsonl",
            "--compare",
            "{tmp}/bad-lines.jsonl",
        ],
        "The --compare results file ",
    ),
    (
        ["rank", "--batch", "{tmp}/twice.jsonl", "--out", "{tmp}/o.jsonl", "--compare", "{tmp}/utf16.vcf"],
        "UTF-16",
    ),
    (  # was found only when the second case came up, after the first was ranked
        ["rank", "--batch", "{tmp}/twice.jsonl", "--out", "{tmp}/o.jsonl", "--workers", "1"],
        "1 case id(s) are used twice in 'twice.jsonl': 'ipexpath-example-proband' (line 1 and line 2). "
        "Results are kept by case id, so each case needs its own. Nothing was ranked.",
    ),
    # classify
    (["classify", "--vcf", "{tmp}/junk.bin"], "VCF header"),
    (["classify", "--vcf", "{tmp}/family.ped"], "VCF header"),
    (["classify", "--vcf", "{tmp}/folder"], "is a folder"),
    (["classify", "--vcf", "/dev/zero"], "not a regular file"),  # was "The VCF file is empty"
    (["classify", "--vcf", "{tmp}/pos-zero.vcf"], "line 19 (chrX): its POS 0 is not a position"),
    (["classify", "--vcf", "{tmp}/pos-huge.vcf"], "line 19 (chrX): its POS 99999999999 is not a position"),
    (["classify", "--vcf", "{tmp}/pos-word.vcf"], "line 19 is malformed"),
    (["classify", "--vcf", "{tmp}/alt-missing.vcf"], "line 19 (chrX:49251480 in FOXP3): a genotype"),
    (["classify", "--vcf", "{tmp}/columns-missing.vcf"], "line 19 is malformed"),
    (["classify", "--vcf", "{tmp}/listed-twice.vcf"], "C>T twice for the patient (line 19 and line 20)"),
    (["classify", "--vcf", "{tmp}/bom.vcf"], "starts with a byte-order mark"),
    (["classify", "--vcf", "{tmp}/utf16.vcf"], "is saved as UTF-16 text; VCF readers need plain"),
    (["classify", "--vcf", str(EXAMPLE.vcf), "--ranking", "{tmp}/empty.json"], "The ranking file"),
    (["classify", "--vcf", str(EXAMPLE.vcf), "--ranking", "{tmp}/empty.json"], "is empty"),  # was: not JSON
    (["family", "{tmp}/empty.json"], "is empty"),  # was "expected a mapping with a list 'individuals'"
    (["assess", CASE, "--vcf", "{tmp}/pos-zero.vcf", "--out", "{tmp}/out"], "may be a finding"),
    (["screen", "{tmp}/pos-zero.vcf", "--out", "{tmp}/f.tsv"], "not bgzip-compressed"),
    (["classify", "--vcf", str(EXAMPLE.vcf), "--ranking", CASE], "no 'results' list"),
    (["classify", "--vcf", str(EXAMPLE.vcf), "--family", "{tmp}/junk.bin"], "not a UTF-8 text file"),
    (["classify", "--vcf", str(EXAMPLE.vcf), "--output", "{tmp}/folder"], "is a folder"),
    (["classify", "--vcf", str(EXAMPLE.vcf), "--output", "-"], "cannot be '-'"),
    (["classify", "--vcf", str(EXAMPLE.vcf), "--output", "{tmp}/a-file/x.json"], "is a file, not a folder"),
    # family
    (["family", "{tmp}/proband.vcf"], "unknown family-file type"),
    (["family", "{tmp}/junk.bin"], "not a UTF-8 text file"),
    (["family", str(EXAMPLE.family), "--fitness", "1.5"], "fitness must be between"),
    (["family", str(EXAMPLE.family), "--tested", "NOPE=found"], "not in the family"),
    (["family", str(EXAMPLE.family), "--svg", "{tmp}/folder"], "is a folder"),
    # assess / demo
    (["assess", "--excluded", "HP:0002014", "--out", "{tmp}/out"], "only excluded terms"),
    (["assess", CASE, "--sex", "female", "--out", "{tmp}/out"], "either a case file or --sex"),
    (["assess", CASE, "--out", "{tmp}/a-file"], "not a folder"),
    (["demo", "--out", "{tmp}/a-file"], "not a folder"),
    # terms, bench, screen
    (["terms", "--batch", "{tmp}/junk.jsonl"], "not UTF-8"),
    (["terms", "--batch", "{tmp}/blank.jsonl"], "holds no note"),  # was exit 0, nothing said
    (["rank", "--batch", "{tmp}/blank.jsonl", "--out", "{tmp}/r.jsonl"], "holds no case"),  # was exit 0
    # free-text limits: a search of at most 300 characters, names one line of at most 200, never blank
    (["terms", "diarrhea " * 40], "at most 300 are accepted"),
    (["terms", " "], "The search is empty"),
    (["demo", "--released-by", "  ", "--out", "{tmp}/out"], "--released-by is empty"),  # was "Released by  "
    (["demo", "--requested-by", "Dr A\x1b[2J", "--out", "{tmp}/out"], "control character"),
    (["assess", CASE, "--requested-by", "x" * 201, "--out", "{tmp}/out"], "at most 200 are accepted"),
    (["bench", "{tmp}/junk.jsonl"], "not UTF-8"),
    # bench: found before the run (was: after the cross-validation, or the summary replaced the results)
    (["bench", "{tmp}/blank.jsonl"], "holds no readable case (it is empty or only blank lines)"),
    (["bench", "{tmp}/bad-lines.jsonl"], "holds no readable case (line 1: not valid JSON (Expecting value)"),
    (["bench", "{tmp}/twice.jsonl", "--out", "{tmp}/x.jsonl", "--summary", "{tmp}/x.jsonl"], "both name"),
    (["bench", "{tmp}/twice.jsonl", "--summary", "{tmp}/a-file/s.json"], "is a file, not a folder"),
    (["bench", "{tmp}/twice.jsonl", "--out", "{tmp}/twice.jsonl"], "is one of this command's input files"),
    (["screen", "{tmp}/proband.vcf", "--out", "{tmp}/proband.vcf"], "is one of this command's input files"),
    (  # was: the PED file replaced by the findings at the end of the screen
        ["screen", "{tmp}/proband.vcf", "--ped", "{tmp}/family.ped", "--out", "{tmp}/family.ped"],
        "is one of this command's input files",
    ),
    (["bench", "{tmp}/truncated.jsonl.gz"], "is compressed (gzip) but ends early, after line"),
    (["screen", "-", "--out", "{tmp}/f.tsv"], "standard input"),
    # standard input: only a case, family, PED or ranking file, and one per command
    (["classify", "--vcf", "-"], "The VCF cannot be read from standard input"),
    (["assess", CASE, "--vcf", "-", "--out", "{tmp}/out"], "The VCF cannot be read from standard input"),
    (["rank", "--batch", "-", "--out", "{tmp}/o.jsonl"], "cannot be read from standard input"),
    (["bench", "-"], "cannot be read from standard input"),
    (["terms", "--batch", "-"], "cannot be read from standard input"),
    (["classify", "--vcf", str(EXAMPLE.vcf), "--case", "-", "--family", "-"], "are both '-'"),
    (["assess", "-", "--family", "-", "--out", "{tmp}/out"], "are both '-'"),
    (["screen", str(EXAMPLE.vcf), "--out", "-"], "cannot be '-'"),
    (["screen", "{tmp}/junk.bin", "--out", "{tmp}/f.tsv"], "VCF header"),
]


@pytest.fixture()
def files(tmp_path: Path) -> Path:
    """The bad files of `FILES` in a temporary folder."""
    for name, content in FILES.items():
        path = tmp_path / name
        if content is None:
            path.mkdir()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return tmp_path


def _argv(argv: list[str], tmp: Path) -> list[str]:
    return [a.replace("{tmp}", str(tmp)) for a in argv]


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize(("argv", "expected"), BAD, ids=[" ".join(a)[:70] for a, _ in BAD])
def test_bad_input_is_a_clear_error_and_writes_nothing(files: Path, argv: list[str], expected: str) -> None:
    before = _listing(files)
    outcome = invoke(_argv(argv, files))
    check_invariant(outcome)
    assert outcome.code == 2, outcome
    assert expected in outcome.err, outcome.err
    made = _listing(files) - before
    assert not made, f"bad input left files behind: {made}"


ACCEPTED: dict[str, bytes] = {
    "bom.json": b"\xef\xbb\xbf" + CASE_TEXT.encode(),
    "crlf.json": CASE_TEXT.replace("\n", "\r\n").encode(),
    "case.json.gz": gzip.compress(CASE_TEXT.encode()),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_byte_order_mark_crlf_and_gzip_are_read(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(ACCEPTED[name])
    outcome = invoke(["case", str(path), "--json"])
    check_invariant(outcome, allow_error=False)
    assert json.loads(outcome.out)["sex"] == "MALE"


@pytest.mark.parametrize("compressed", [False, True])
def test_case_from_standard_input(monkeypatch: pytest.MonkeyPatch, compressed: bool) -> None:
    import io

    data = CASE_TEXT.encode()
    stdin = io.TextIOWrapper(io.BytesIO(gzip.compress(data) if compressed else data))
    monkeypatch.setattr(sys, "stdin", stdin)
    outcome = invoke(["case", "-", "--json"])
    check_invariant(outcome, allow_error=False)
    assert len(json.loads(outcome.out)["observed"]) == 6


@pytest.mark.parametrize("suffix", [".yaml", ".ped"])
def test_family_from_standard_input(monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """Before: '-' was read, then refused as "an unknown family-file type ''" (a case file could be piped)."""
    import io

    text = EXAMPLE.family.with_suffix(suffix).read_text(encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    piped = invoke(["family", "-", "--json"])
    check_invariant(piped, allow_error=False)
    named = invoke(["family", str(EXAMPLE.family.with_suffix(suffix)), "--json"])
    assert json.loads(piped.out)["individuals"] == json.loads(named.out)["individuals"]


def test_standard_input_from_a_terminal_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal())
    outcome = invoke(["case", "-"])
    check_invariant(outcome)
    assert outcome.code == 2 and "nothing was piped in" in outcome.err


# ------------------------------------------------------------------ outputs: whole or not at all
def test_failed_write_keeps_the_earlier_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    out = tmp_path / "result.json"
    out.write_text("the good earlier result\n")

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("ipexpath.files.os.replace", full)
    outcome = invoke(["classify", "--variant", "NM_014009.4:c.1150G>A", "--output", str(out)])
    check_invariant(outcome)
    assert outcome.code == 2 and "No space left" in outcome.err and str(out) in outcome.err
    assert out.read_text() == "the good earlier result\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]  # no temporary file left


def test_ctrl_c_during_a_write_is_exit_130_and_keeps_the_earlier_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    svg = tmp_path / "pedigree.svg"
    svg.write_text("<svg>earlier</svg>")

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("ipexpath.files.os.replace", interrupted)
    outcome = invoke(["family", str(EXAMPLE.family), "--svg", str(svg)])
    assert outcome.code == 130 and outcome.err.strip().startswith("Interrupted.")
    assert "Traceback" not in outcome.err
    assert svg.read_text() == "<svg>earlier</svg>" and [p.name for p in tmp_path.iterdir()] == [
        "pedigree.svg"
    ]


def test_sigterm_unwinds_like_ctrl_c(monkeypatch: pytest.MonkeyPatch) -> None:
    from ipexpath import cli

    def terminated(*_args: object, **_kwargs: object) -> None:
        cli._on_sigterm(15, None)

    monkeypatch.setattr("ipexpath.commands.family.load_family", terminated)
    outcome = invoke(["family", str(EXAMPLE.family)])
    assert outcome.code == 143 and outcome.err.startswith("Stopped.") and "Traceback" not in outcome.err


def test_truncated_compressed_input_seen_as_end_of_input_is_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    def truncated(*_args: object, **_kwargs: object) -> None:
        raise EOFError("Compressed file ended before the end-of-stream marker was reached")

    monkeypatch.setattr("ipexpath.commands.family.load_family", truncated)
    outcome = invoke(["family", str(EXAMPLE.family)])
    check_invariant(outcome)
    assert outcome.code == 2 and "truncated or damaged" in outcome.err


def test_failed_batch_keeps_the_finished_results_file(files: Path, store_path: Path) -> None:
    cases = files / "three.jsonl"
    with gzip.open(store_path, "rt", encoding="utf-8") as handle:
        cases.write_text("".join(next(handle) for _ in range(3)), encoding="utf-8")
    out = files / "results.jsonl"
    first = invoke(["rank", "--batch", str(cases), "--out", str(out), "--workers", "1"])
    check_invariant(first, allow_error=False)
    good = out.read_text(encoding="utf-8")
    assert len(good.splitlines()) == 3
    again = invoke(["rank", "--batch", str(files / "junk.jsonl"), "--out", str(out), "--workers", "1"])
    check_invariant(again)
    assert again.code == 2 and out.read_text(encoding="utf-8") == good
    assert not (files / "results.jsonl.partial").exists()


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["classify", "--vcf", "{tmp}/proband.vcf", "--output", "{tmp}/proband.vcf"], "proband.vcf"),
        (
            [
                "classify",
                "--vcf",
                str(EXAMPLE.vcf),
                "--family",
                "{tmp}/family.yaml",
                "--output",
                "{tmp}/family.yaml",
            ],
            "family.yaml",
        ),
        (["family", "{tmp}/family.yaml", "--svg", "{tmp}/family.yaml"], "family.yaml"),
        (["rank", "--batch", "{tmp}/bad-lines.jsonl", "--out", "{tmp}/bad-lines.jsonl"], "bad-lines.jsonl"),
    ],
)
def test_an_output_never_overwrites_an_input(files: Path, argv: list[str], name: str) -> None:
    """Before: `classify --vcf x.vcf --output x.vcf` replaced the patient's VCF with the JSON result."""
    before = (files / name).read_bytes()
    outcome = invoke(_argv(argv, files))
    check_invariant(outcome)
    assert outcome.code == 2 and ("input files" in outcome.err or "is the --batch file" in outcome.err)
    assert (files / name).read_bytes() == before


def test_a_case_of_more_than_a_thousand_terms_is_refused(tmp_path: Path) -> None:
    """Before: a phenopacket of 5,000 terms was ranked in 31 s of CPU (published patients have <= 156)."""
    from ipexpath.knowledge import require_knowledge

    kb = require_knowledge(None)
    usable = [i for i in range(len(kb.term_ids)) if kb.is_phenotype(i) and "obsolete" not in kb.labels[i]]
    inner = {a for i in usable for a in kb.ancestors(i).tolist() if a != i}
    leaves = [kb.term_ids[i] for i in usable if i not in inner][:1001]  # none the ancestor of another
    case = tmp_path / "many.yaml"
    case.write_text("observed: [" + ", ".join(leaves) + "]\n", encoding="utf-8")
    outcome = invoke(["rank", str(case)])
    check_invariant(outcome)
    assert outcome.code == 2 and "lists 1,001 HPO terms; at most 1,000" in outcome.err


def test_message_line_breaks_other_than_newline_are_shown_not_acted_on(tmp_path: Path) -> None:
    outcome = invoke(["case", str(tmp_path / "a\x1cb\x85c.json")])
    check_invariant(outcome)
    assert outcome.err.count("\n") == 2 and "\\x1c" in outcome.err  # message + suggestion, one line each


# ------------------------------------------------------------------ a real process: pipes
def _process(argv: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    code = "import sys; from ipexpath.cli import main; main(sys.argv[1:])"
    return subprocess.Popen([sys.executable, "-c", code, *argv], env=env, **kwargs)  # type: ignore[call-overload]


def test_closed_pipe_ends_quietly() -> None:
    """`ipexpath rank … | head -0`: the reader is gone before the (large) answer is written."""
    argv = ["rank", CASE, "--top", "300", "--json"]  # about 1 MB, more than a pipe holds
    proc = _process(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert "Traceback" not in err and "Error" not in err, err


# ------------------------------------------------------------------ no network at run time
def test_no_command_opens_a_network_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole pathway (assess with VCF and family, PDF included) and the batch ranker reach no host."""
    import socket

    attempts: list[object] = []

    def refuse(_self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network access during a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    family, vcf = str(EXAMPLE.family), str(EXAMPLE.vcf)
    argv = ["assess", CASE, "--vcf", vcf, "--family", family, "--pdf", "--out", str(tmp_path / "out")]
    outcome = invoke(argv)
    check_invariant(outcome, allow_error=False)
    for argv in (["classify", "--vcf", vcf, "--case", CASE], ["family", family], ["terms", "diarrhea"]):
        check_invariant(invoke(argv), allow_error=False)
    assert not attempts, attempts


def test_batch_worker_ends_silently_on_ctrl_c() -> None:
    """A terminal's Ctrl-C reaches every worker of `rank --batch`: each ends at once, without a traceback."""
    import signal

    code = (
        "import time; from ipexpath.batch.schedulers import _quiet_on_ctrl_c; _quiet_on_ctrl_c(); "
        "print('ready', flush=True); time.sleep(60)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().strip() == b"ready"
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    assert proc.stderr.read() == b""
