"""Time and peak memory of `ipexpath family` on large pedigrees (issue 18).

Run: .venv/bin/python benchmarks/bench_family_scale.py [--sizes 2000 10000] [--sibship 100] [--timeout 900]

Pedigrees: `random_large_pedigree` (multi-generation, 1-4 children per couple, 5 cousin marriages, random
affected status, ages and test results, "found" kept only for affected people; seed 2024) written as a YAML
family file, plus one couple with a 100-child sibship (first son affected). Each file is run through the
real command line in a fresh process, with and without the testing plan (`--no-plan`), under the model
options `--fitness 0.1 --sensitivity 0.99` (random evidence can otherwise contradict a perfect test).
Reported: CPU time (user + system; the wall time depends on what else the machine runs) and peak
resident memory (ru_maxrss) of that process. Prints figures; tests never
assert time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import yaml

from ipexpath.counsel.bruteforce import random_large_pedigree
from ipexpath.counsel.pedigree import Affection, Pedigree, Sex, TestResult

_RUN = textwrap.dedent(
    """
    import json, resource, subprocess, sys, time
    start = time.perf_counter()
    code = "from ipexpath.cli import main; main()"
    try:
        p = subprocess.run([sys.executable, "-c", code, *sys.argv[2:]], capture_output=True, text=True,
                           timeout=float(sys.argv[1]))
        rc, err = p.returncode, p.stderr.strip().splitlines()[:1]
    except subprocess.TimeoutExpired:
        rc, err = None, ["timeout"]
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"rc": rc, "err": err, "seconds": time.perf_counter() - start,
                      "cpu": use.ru_utime + use.ru_stime, "peak_mb": use.ru_maxrss / 1024}))
    """
)


def family_yaml(pedigree: Pedigree) -> str:
    """The pedigree as ipexpath's YAML family file."""
    rows = []
    for p in pedigree:
        row: dict[str, object] = {
            "id": p.id,
            "sex": {Sex.MALE: "male", Sex.FEMALE: "female"}.get(p.sex, "unknown"),
            "affected": {Affection.AFFECTED: "affected", Affection.UNAFFECTED: "unaffected"}.get(
                p.affected, "unknown"
            ),
        }
        if p.father:
            row["father"] = p.father
        if p.mother:
            row["mother"] = p.mother
        if p.age is not None:
            row["age"] = round(p.age.years, 2)
        if p.test is not None:  # a variant found only in affected people: a complete-penetrance model
            found = p.test.result is TestResult.FOUND and p.affected is Affection.AFFECTED
            row["test"] = "found" if found else "not-found"  # would make other finds impossible
        rows.append(row)
    proband = next((r for r in rows if r["affected"] == "affected" and r["sex"] == "male"), rows[-1])
    proband["proband"] = True
    return yaml.safe_dump({"family": "SCALE", "individuals": rows}, sort_keys=False)


def sibship_yaml(n: int) -> str:
    """One couple with `n` children, the first (a son) affected and the proband."""
    rows: list[dict[str, object]] = [
        {"id": "father", "sex": "male", "affected": "unaffected"},
        {"id": "mother", "sex": "female", "affected": "unaffected"},
    ]
    for i in range(n):
        rows.append(
            {
                "id": f"child{i + 1}",
                "sex": "male" if i % 2 == 0 else "female",
                "father": "father",
                "mother": "mother",
                "affected": "affected" if i == 0 else "unknown",
                **({"proband": True} if i == 0 else {}),
            }
        )
    return yaml.safe_dump({"family": "SIBSHIP", "individuals": rows}, sort_keys=False)


def run(path: Path, plan: bool, timeout: float) -> dict[str, object]:
    """Run `ipexpath family` on `path` in a fresh process: exit code, time, peak memory."""
    argv = ["family", str(path), "--json", "--fitness", "0.1", "--sensitivity", "0.99"]
    if not plan:
        argv.append("--no-plan")
    proc = subprocess.run([sys.executable, "-c", _RUN, str(timeout), *argv], capture_output=True, text=True)
    return dict(json.loads(proc.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--sibship", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args()
    rng = np.random.default_rng(2024)
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for n in args.sizes:
            path = Path(tmp) / f"family{n}.yaml"
            path.write_text(family_yaml(random_large_pedigree(rng, n, loops=5)))
            files.append((f"{n:,}-person pedigree", path))
        path = Path(tmp) / "sibship.yaml"
        path.write_text(sibship_yaml(args.sibship))
        files.append((f"{args.sibship}-child sibship", path))
        for label, path in files:
            for plan in (False, True):
                row = run(path, plan, args.timeout)
                status = "ok" if row["rc"] == 0 else f"exit {row['rc']}: {row['err']}"
                print(
                    f"{label:<22} {'with plan' if plan else 'no plan':<9}: {row['cpu']:.1f} s CPU "
                    f"({row['seconds']:.1f} s wall), peak {row['peak_mb']:.0f} MB ({status})",
                    flush=True,
                )


if __name__ == "__main__":
    main()
