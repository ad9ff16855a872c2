"""Benchmark of the counsel risk engine: run `.venv/bin/python benchmarks/bench_family.py`.

Prints (1) the time for exact risks of a 200-person pedigree (with cousin-marriage loops), (2) for a
30-person pedigree with a loop, each the best of several runs of `compute_risks` (network building,
elimination order, clique tree, both message passes and the pregnancy risks), and (3) the largest
absolute difference from brute-force enumeration over 500 random pedigrees of up to 12 people.
Targets from the issue: < 100 ms, < 50 ms, <= 1e-9.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ipexpath.counsel import Pedigree, XLinkedRecessive, compute_risks
from ipexpath.counsel.bruteforce import (
    brute_force_risks,
    random_large_pedigree,
    random_model,
    random_small_pedigree,
)
from ipexpath.counsel.elimination import build_clique_tree
from ipexpath.counsel.risk import build_network


def best_time_ms(pedigree: Pedigree, model: XLinkedRecessive, repeats: int = 15) -> float:
    """Best wall time of `compute_risks` in milliseconds."""
    compute_risks(pedigree, model)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        compute_risks(pedigree, model)
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def loop_count(pedigree: Pedigree) -> int:
    """Independent cycles of the marriage-node graph (persons + matings): E - V + components."""
    matings = {(p.father, p.mother) for p in pedigree if p.father or p.mother}
    edges = sum(sum(1 for x in m if x) for m in matings) + sum(1 for p in pedigree if p.father or p.mother)
    nodes = len(pedigree) + len(matings)
    parent: dict[object, object] = {p.id: p.id for p in pedigree}
    parent.update({m: m for m in matings})

    def find(x: object) -> object:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for m in matings:
        for x in m:
            if x:
                parent[find(x)] = find(m)
    for p in pedigree:
        if p.father or p.mother:
            parent[find(p.id)] = find((p.father, p.mother))
    components = len({find(x) for x in parent})
    return edges - nodes + components


def main() -> None:
    """Run the three benchmark figures and print them."""
    model = XLinkedRecessive.defaults().with_overrides(
        test_sensitivity=0.99, test_specificity=0.999, fitness=0.1
    )
    rng = np.random.default_rng(2024)
    big = random_large_pedigree(rng, 200, loops=3)
    small = random_large_pedigree(rng, 30, loops=1)
    for name, ped in (("200-person", big), ("30-person", small)):
        net = build_network(ped, model)
        tree = build_clique_tree(
            len(net.spaces), [len(s) for s in net.spaces], [f.variables for f in net.factors]
        )
        width = max(len(c) for c in tree.cliques)
        print(
            f"{name} pedigree ({len(ped)} people, {loop_count(ped)} loop(s), "
            f"largest clique {width} variables): "
            f"{best_time_ms(ped, model):.1f} ms"
        )
    worst = 0.0
    checked = skipped = 0
    start = time.perf_counter()
    while checked < 500:
        ped, mod = random_small_pedigree(rng, 12), random_model(rng)
        try:
            bf = brute_force_risks(ped, mod)
        except ValueError:
            skipped += 1  # joint distribution too large to enumerate (hidden parents, mosaic states)
            continue
        res = compute_risks(ped, mod)
        diffs = [abs(r.p_variant - bf.p_variant[r.id]) for r in res.individuals]
        diffs += [abs(p.p_carrier_daughter - bf.p_carrier_daughter[p.mother]) for p in res.pregnancies]
        diffs += [abs(p.p_variant_son - bf.p_variant_son[p.mother]) for p in res.pregnancies]
        worst = max(worst, *diffs)
        checked += 1
    print(
        f"brute-force agreement on {checked} random pedigrees of up to 12 people "
        f"({skipped} too large to enumerate were replaced): max abs diff {worst:.2e} "
        f"({time.perf_counter() - start:.1f} s)"
    )


if __name__ == "__main__":
    main()
