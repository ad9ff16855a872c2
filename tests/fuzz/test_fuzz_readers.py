"""Property-based run of every reader through the CLI (in-process): exit 0 with a result, or exit 2 with one
clear sentence; never exit 1, never a traceback. A bounded run (about a minute on 2 cores); the longer run
with time and memory bounds per input is `benchmarks/fuzz_inputs.py`."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzz import strategies as fz
from tests.fuzz.harness import MAX_MEGABYTES, MAX_SECONDS, check_invariant, invoke

from ipexpath.knowledge import KnowledgeBase

FUZZ = settings(
    max_examples=int(os.environ.get("IPEXPATH_FUZZ_EXAMPLES", "25")),
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture
def shared_kb(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The commands use the session's knowledge base instead of loading it again for every example."""
    import ipexpath.commands.case as case_command
    import ipexpath.knowledge as knowledge

    monkeypatch.setattr(case_command, "require_knowledge", lambda _dir=None: kb)
    monkeypatch.setattr(knowledge, "require_knowledge", lambda _dir=None: kb)
    yield


def _write(suffix: str, data: bytes) -> Path:
    fd, name = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return Path(name)


def _run_file(command: list[str], suffix: str, data: bytes) -> None:
    path = _write(suffix, data)
    try:
        check_invariant(invoke([*command, str(path)]))
    finally:
        path.unlink()


@FUZZ
@given(fz.documents(fz.case_forms()))
def test_case_forms(shared_kb: None, doc: tuple[str, bytes]) -> None:
    _run_file(["case"], *doc)


@FUZZ
@given(fz.documents(fz.phenopackets()))
def test_phenopackets(shared_kb: None, doc: tuple[str, bytes]) -> None:
    _run_file(["case"], *doc)


@FUZZ
@given(fz.documents(fz.json_value))
def test_any_document_as_case(shared_kb: None, doc: tuple[str, bytes]) -> None:
    _run_file(["case"], *doc)


@FUZZ
@given(fz.pedigrees(), st.sampled_from(["ped", "yaml", "json"]))
def test_family_files(people: list[fz.RandomPerson], form: str) -> None:
    if form == "ped":
        data = fz.ped_text(people).encode()
    elif form == "yaml":
        data = yaml.safe_dump(fz.family_yaml(people)).encode()
    else:
        import json

        data = json.dumps(fz.family_yaml(people)).encode()
    path = _write(f".{form}", data)
    svg = path.with_suffix(".svg")
    try:
        outcome = invoke(["family", str(path), "--no-plan", "--svg", str(svg)])
        check_invariant(outcome)
        if outcome.code == 0:
            assert svg.read_text().rstrip().endswith("</svg>")
    finally:
        path.unlink()
        svg.unlink(missing_ok=True)


@FUZZ
@given(fz.documents(fz.json_value))
def test_any_document_as_family(doc: tuple[str, bytes]) -> None:
    _run_file(["family", "--no-plan"], *doc)


@FUZZ
@given(fz.vcf_files())
def test_vcf_files(data: bytes) -> None:
    _run_file(["classify", "--vcf"], ".vcf", data)


@FUZZ
@given(fz.hgvs_strings())
def test_hgvs_strings(text: str) -> None:
    check_invariant(invoke(["classify", "--variant", text, "--sex", "male"]))


@FUZZ
@given(fz.documents(fz.json_value))
def test_any_document_as_ranking(doc: tuple[str, bytes]) -> None:
    _suffix, data = doc
    path = _write(".json", data)
    try:
        check_invariant(invoke(["classify", "--variant", "NM_014009.4:c.1150G>A", "--ranking", str(path)]))
    finally:
        path.unlink()


HOSTILE_SAMPLE = {
    "laughs.yaml": b'a: &a ["x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nid: *b\n',
    "deep.json": b"[" * 200_000 + b"]" * 200_000,
    "case.yaml": b"id: x\nsex: male\nobserved: [HP:0002028]\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_SAMPLE))
def test_subprocess_sample_within_time_and_memory(tmp_path: Path, name: str) -> None:
    """A real process per input: exit 0/2, no traceback, within MAX_SECONDS and MAX_MEGABYTES."""
    path = tmp_path / name
    path.write_bytes(HOSTILE_SAMPLE[name])
    probe = (
        "import resource, subprocess, sys\n"
        "code = 'from ipexpath.cli import main; main()'\n"
        "p = subprocess.run([sys.executable, '-c', code, 'case', sys.argv[1]], capture_output=True, "
        f"text=True, timeout={MAX_SECONDS})\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(p.returncode, round(peak)); sys.stderr.write(p.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, timeout=MAX_SECONDS + 30
    )
    code, peak = (int(x) for x in proc.stdout.split())
    assert code in (0, 2) and "Traceback" not in proc.stderr and "Internal error" not in proc.stderr
    assert peak < MAX_MEGABYTES, f"{peak} MB"
