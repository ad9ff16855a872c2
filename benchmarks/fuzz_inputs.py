"""Long fuzz run of every reader (issue 18): many generated inputs, each checked against the invariant.

Run: .venv/bin/python benchmarks/fuzz_inputs.py [--examples 400] [--subprocess 25]

The invariant: exit 0 with a result, or exit 2 with one clear sentence; never exit 1 ("Internal error")
for input, never a traceback, never more than N = MAX_SECONDS seconds or M = MAX_MEGABYTES MB per input
(`tests/fuzz/harness.py`). Inputs come from the hypothesis strategies of `tests/fuzz/strategies.py`
(case forms, phenopackets, arbitrary YAML/JSON documents, PED/YAML/JSON pedigrees, VCF files, ranking
files, HGVS strings). Each reader gets `--examples` inputs run in-process through the CLI (a per-input
alarm of N seconds counts hangs), then `--subprocess` of them again each in its own process, whose peak
resident memory is measured (ru_maxrss). Prints one line per reader and a total; exits 1 if any input broke
the invariant, so it can gate a release.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzz import strategies as fz  # noqa: E402
from tests.fuzz.harness import MAX_MEGABYTES, MAX_SECONDS, invoke  # noqa: E402

Input = tuple[list[str], str, bytes]  # (argv before the file, file suffix, file content); suffix "" = no file


def _family(people_form: tuple[list[fz.RandomPerson], str]) -> Input:
    people, form = people_form
    if form == "ped":
        return (["family", "--no-plan"], ".ped", fz.ped_text(people).encode())
    data = fz.family_yaml(people)
    text = yaml.safe_dump(data) if form == "yaml" else json.dumps(data)
    return (["family", "--no-plan"], f".{form}", text.encode())


READERS: dict[str, st.SearchStrategy[Input]] = {
    "case form (YAML/JSON)": fz.documents(fz.case_forms()).map(lambda d: (["case"], d[0], d[1])),
    "phenopacket": fz.documents(fz.phenopackets()).map(lambda d: (["case"], d[0], d[1])),
    "any document as case": fz.documents(fz.json_value).map(lambda d: (["case"], d[0], d[1])),
    "pedigree (PED/YAML/JSON)": st.tuples(fz.pedigrees(), st.sampled_from(["ped", "yaml", "json"])).map(
        _family
    ),
    "any document as family": fz.documents(fz.json_value).map(
        lambda d: (["family", "--no-plan"], d[0], d[1])
    ),
    "VCF": fz.vcf_files().map(lambda data: (["classify", "--vcf"], ".vcf", data)),
    "any document as --ranking": fz.documents(fz.json_value).map(
        lambda d: (["classify", "--variant", "NM_014009.4:c.1150G>A", "--ranking"], ".json", d[1])
    ),
    "HGVS": fz.hgvs_strings().map(lambda t: (["classify", "--sex", "male", "--variant", t], "", b"")),
}


class _Hang(Exception):
    pass


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise _Hang


def _argv(item: Input, folder: Path, n: int) -> list[str]:
    command, suffix, data = item
    if not suffix:
        return command
    path = folder / f"in{n}{suffix}"
    path.write_bytes(data)
    return [*command, str(path)]


def classify_outcome(code: int, err: str) -> str:
    """'ok', 'input error', 'internal error' or 'unclear message'."""
    if "Traceback" in err or "Internal error" in err or code not in (0, 2):
        return "internal error"
    if code == 2 and not err.strip().startswith(("Error:", "Usage:")):
        return "unclear message"
    return "ok" if code == 0 else "input error"


def run_reader(
    strategy: st.SearchStrategy[Input], examples: int, sample: int, folder: Path
) -> dict[str, Any]:
    """Run `examples` inputs in-process and the first `sample` again in subprocesses."""
    counts: Counter[str] = Counter()
    kept: list[list[str]] = []
    failures: list[str] = []
    slowest = 0.0

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def one(item: Input) -> None:
        nonlocal slowest
        argv = _argv(item, folder, len(kept) + sum(counts.values()))
        signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(int(MAX_SECONDS))
        start = time.perf_counter()
        try:
            outcome = invoke(argv)
            kind = classify_outcome(outcome.code, outcome.err)
        except _Hang:
            kind = "hang"
        finally:
            signal.alarm(0)
        slowest = max(slowest, time.perf_counter() - start)
        counts[kind] += 1
        if kind in ("internal error", "hang", "unclear message") and len(failures) < 5:
            failures.append(f"{kind}: {argv[:6]}")
        if len(kept) < sample:
            kept.append(argv)

    one()
    peak = 0.0
    for argv in kept:
        probe = (
            "import resource, subprocess, sys\n"
            "code = 'from ipexpath.cli import main; main()'\n"
            "try:\n"
            "    p = subprocess.run([sys.executable, '-c', code, *sys.argv[1:]], capture_output=True,"
            f" text=True, timeout={MAX_SECONDS})\n"
            "    rc, err = p.returncode, p.stderr\n"
            "except subprocess.TimeoutExpired:\n"
            "    rc, err = -1, 'hang'\n"
            "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
            "sys.stderr.write(err)\n"
        )
        proc = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True)
        rc_text, peak_text = proc.stdout.split()
        peak = max(peak, float(peak_text))
        kind = "hang" if rc_text == "-1" else classify_outcome(int(rc_text), proc.stderr)
        counts[f"subprocess {kind}"] += 1
        if kind not in ("ok", "input error") and len(failures) < 10:
            failures.append(f"subprocess {kind}: {argv[:6]} -> {proc.stderr.strip()[:200]!r}")
        if peak > MAX_MEGABYTES:
            counts["over memory"] += 1
    return {"counts": counts, "failures": failures, "peak_mb": peak, "slowest_s": slowest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=400, help="in-process inputs per reader")
    parser.add_argument("--subprocess", type=int, default=25, help="of those, run again each in a process")
    args = parser.parse_args()
    os.environ.setdefault("IPEXPATH_CACHE_DIR", str(ROOT / ".cache" / "ipexpath"))
    bad = 0
    total = 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for name, strategy in READERS.items():
            row = run_reader(strategy, args.examples, args.subprocess, Path(tmp))
            counts = row["counts"]
            n = sum(v for k, v in counts.items() if not k.startswith(("subprocess", "over")))
            broken = sum(
                counts[k] for k in counts if any(w in k for w in ("internal", "hang", "unclear", "over"))
            )
            total += n
            bad += broken
            print(
                f"{name:<26} {n:>5} inputs: {counts['ok']:>4} ok, {counts['input error']:>4} exit 2, "
                f"{counts['internal error']} internal errors, {counts['hang']} hangs; "
                f"{args.subprocess} in subprocesses: peak {row['peak_mb']:.0f} MB; "
                f"slowest in-process {row['slowest_s']:.1f} s",
                flush=True,
            )
            for failure in row["failures"]:
                print(f"    {failure}")
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"total {total:,} inputs in {time.perf_counter() - start:.0f} s: {bad} broke the invariant "
        f"(limits {MAX_SECONDS:.0f} s, {MAX_MEGABYTES} MB per input; in-process peak {peak_self:.0f} MB)"
    )
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
