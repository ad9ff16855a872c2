"""Registry benchmark: import of a synthetic cohort (default 10,000 patients x 20 visits), `registry analyse`
on it, and two concurrent imports — on SQLite and, with --postgres URL, on PostgreSQL. Prints time and memory.

    .venv/bin/python benchmarks/bench_registry.py                 # SQLite in a temporary folder
    url=$(scripts/postgres-throwaway start); .venv/bin/python benchmarks/bench_registry.py --postgres "$url"
    scripts/postgres-throwaway stop "$url"
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from ipexpath.registry.bootstrap import configure, migrate
configure(sys.argv[1]); migrate()
from ipexpath.registry.csv_io import read_csv
from ipexpath.registry.store import import_tables
t = time.perf_counter()
summary = import_tables(read_csv(__import__("pathlib").Path(sys.argv[2])), detail="benchmark")
print(json.dumps({"seconds": time.perf_counter() - t, "rows": summary.rows, "audit_rows": summary.audit_rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _database(kind: str, postgres: str | None, work: Path, name: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{work / f'{name}.sqlite3'}"
    import psycopg

    assert postgres
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return postgres.rsplit("/", 1)[0] + f"/{name}"


def _cohort(work: Path, n: int, visits: int, seed: int, prefix: str) -> Path:
    from ipexpath.registry.csv_io import write_csv
    from ipexpath.registry.synthetic import CohortSpec, simulate

    data = simulate(
        CohortSpec(
            n_hsct=n * 58 // 92,
            n_is=n - n * 58 // 92,
            seed=seed,
            visits_per_patient=visits,
            centre=f"bench-{prefix.lower()}",
        )
    )
    for rows in data.values():
        for row in rows:
            for key in ("pseudonym", "patient"):
                if key in row:
                    row[key] = row[key].replace("SYN-", prefix)
    folder = work / f"cohort-{prefix}"
    folder.mkdir()
    write_csv(data, folder)
    return folder


def _import(url: str, folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(folder)], stdout=subprocess.PIPE, text=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--visits", type=int, default=20)
    parser.add_argument(
        "--postgres", default=None, help="server URL, e.g. postgres://postgres@127.0.0.1:54329/postgres"
    )
    parser.add_argument("--skip-sqlite", action="store_true", help="measure PostgreSQL only")
    args = parser.parse_args()
    kinds = ([] if args.skip_sqlite else ["sqlite"]) + (["postgres"] if args.postgres else [])
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        from ipexpath.registry.bootstrap import configure

        configure(f"sqlite:///{work / 'scratch.sqlite3'}")  # the parent only builds the CSV files
        t = time.perf_counter()
        big = _cohort(work, args.patients, args.visits, 11, "BIG-")
        half_a = _cohort(work, 500, 5, 12, "CA-")
        half_b = _cohort(work, 500, 5, 13, "CB-")
        took = time.perf_counter() - t
        print(f"cohort generated in {took:.1f} s ({args.patients} patients x {args.visits} visits)")
        for kind in kinds:
            url = _database(kind, args.postgres, work, "ipexpath_bench")
            proc = _import(url, big)
            out, _ = proc.communicate()
            result = json.loads(out.strip().splitlines()[-1])
            print(
                f"[{kind}] import: {result['seconds']:.1f} s, peak {result['peak_mb']:.0f} MB, "
                f"rows {result['rows']}, audit rows {result['audit_rows']}"
            )
            env = {**os.environ, "IPEXPATH_DATABASE_URL": url}
            t = time.perf_counter()
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "ipexpath.cli",
                    "registry",
                    "analyse",
                    "--out",
                    str(work / f"analysis-{kind}"),
                ],
                env=env,
                capture_output=True,
                text=True,
            )
            status = "ok" if done.returncode == 0 else f"FAILED: {done.stderr.strip()}"
            print(f"[{kind}] registry analyse: {time.perf_counter() - t:.1f} s ({status})")
            url2 = _database(kind, args.postgres, work, "ipexpath_bench_concurrent")
            procs = [_import(url2, half_a), _import(url2, half_b)]
            results = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
            check = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import sys; from ipexpath.registry.bootstrap import configure; configure(sys.argv[1]);"
                    "from ipexpath.registry import models as m;"
                    "print(m.Patient.objects.count(), m.FollowUpVisit.objects.count(),"
                    " m.AuditEvent.objects.filter(action='create').count())",
                    url2,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            patients, visits, audits = (int(x) for x in check.stdout.split())
            expected = sum(sum(r["rows"].values()) for r in results)
            print(
                f"[{kind}] two concurrent imports: {patients} patients, {visits} visits, {audits} audit rows "
                f"(expected {expected} rows audited: {'all there' if audits == expected else 'MISSING'})"
            )
    print(f"benchmark process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
