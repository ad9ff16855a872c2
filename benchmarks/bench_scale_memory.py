"""Memory of N local batch workers: each building its own model (before) vs the shared memory-mapped store.

Starts N worker processes (spawned, like `rank --batch`), each loads the knowledge base and the ranking model
and ranks the same 50 cases (so the per-term vectors it caches are in memory too), then waits while the
parent reads /proc/<pid>/smaps_rollup: RSS counts shared pages in every process, PSS divides each shared page
between the processes that map it, so the sum of PSS is what the N workers cost the machine together.

* before: the knowledge-base arrays read into private memory and `RankingModel.build` in every worker
  (what each batch worker did until the store existed);
* after: knowledge base and model opened with `np.load(mmap_mode="r")` from the cache (`batch.model_store`).

    nice -n 10 .venv/bin/python benchmarks/bench_scale_memory.py --workers 2,8
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import time
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[1].parent / "shared/benchmarks/phenopacket-store/cases.jsonl.gz"
N_CASES = 50


def _rollup(pid: int) -> tuple[float, float]:
    """RSS and PSS of a process in MB (smaps_rollup)."""
    values = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
        for line in handle:
            parts = line.split()
            if parts[0] in ("Rss:", "Pss:"):
                values[parts[0]] = int(parts[1]) / 1024
    return values["Rss:"], values["Pss:"]


def _worker(mode: str, ready: Any, done: Any) -> None:
    import os

    from ipexpath.batch.rerank import case_inputs, prepare_model, rank_lines
    from ipexpath.suspect.benchmark import iter_cases

    started = time.perf_counter()
    if mode == "before":
        from ipexpath.knowledge.cache import cache_path, load_cache
        from ipexpath.knowledge.release import locate_release
        from ipexpath.suspect import RankingModel

        kb = load_cache(cache_path(locate_release(None)), mmap=False)
        model: Any = RankingModel.build(kb)
        from ipexpath.batch import rerank

        rerank._MODEL[""] = (kb, model)
    else:
        prepare_model(None)
    load_s = time.perf_counter() - started
    cases = list(itertools.islice(case_inputs(iter_cases(SHARED)), N_CASES))
    rank_lines(cases, 10)
    ready.put((os.getpid(), load_s))
    done.wait()


def measure(mode: str, workers: int) -> tuple[float, float, float, float]:
    """(mean RSS, total RSS, total PSS, mean model load seconds) of `workers` processes in `mode`."""
    context = multiprocessing.get_context("spawn")
    ready, done = context.Queue(), context.Event()
    procs = [context.Process(target=_worker, args=(mode, ready, done)) for _ in range(workers)]
    for p in procs:
        p.start()
    reports = [ready.get(timeout=600) for _ in procs]
    rollups = [_rollup(pid) for pid, _ in reports]
    done.set()
    for p in procs:
        p.join()
    rss = [r for r, _ in rollups]
    pss = [p for _, p in rollups]
    return sum(rss) / len(rss), sum(rss), sum(pss), sum(s for _, s in reports) / len(reports)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", default="2,8")
    args = parser.parse_args()
    from ipexpath.batch.rerank import prepare_model

    prepare_model(None)  # the caches exist before anything is measured
    with open("/proc/loadavg", encoding="ascii") as handle:
        print(f"load average at start: {' '.join(handle.read().split()[:3])}")
    for n in (int(x) for x in args.workers.split(",")):
        for mode in ("before", "after"):
            mean_rss, total_rss, total_pss, load_s = measure(mode, n)
            print(
                f"{n} workers, {mode:<6}: RSS {mean_rss:5.0f} MB each ({total_rss:6.0f} MB summed), "
                f"PSS summed {total_pss:6.0f} MB, model ready in {load_s:.2f} s per worker"
            )


if __name__ == "__main__":
    main()
