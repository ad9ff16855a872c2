"""The exact engine agrees with brute-force enumeration, and the model tables with first principles.

Random pedigrees (seeded) have loops, inbreeding, parent-child matings, single recorded parents,
unknown-sex children, germline mosaicism, tests with sensitivity/specificity and random parameters.
The benchmark (benchmarks/bench_family.py) runs 500 of them; the tests run fewer to stay quick.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import family, person
from ipexpath.counsel import compute_risks
from ipexpath.counsel.bruteforce import (
    brute_force_risks,
    random_large_pedigree,
    random_model,
    random_small_pedigree,
)
from ipexpath.counsel.model import PenetranceCurve
from ipexpath.counsel.pedigree import Affection, Sex, TestResult
from ipexpath.counsel.xlinked import XLinkedRecessive


def _compare(ped, model) -> float:
    bf = brute_force_risks(ped, model)
    r = compute_risks(ped, model)
    diffs = [abs(i.p_variant - bf.p_variant[i.id]) for i in r.individuals]
    for preg in r.pregnancies:
        diffs.append(abs(preg.p_carrier_daughter - bf.p_carrier_daughter[preg.mother]))
        diffs.append(abs(preg.p_variant_son - bf.p_variant_son[preg.mother]))
    diffs.append(abs(r.log_likelihood - bf.log_likelihood))
    return max(diffs)


def test_random_pedigrees_agree_with_enumeration():
    rng = np.random.default_rng(20240601)
    checked = 0
    while checked < 120:
        ped, model = random_small_pedigree(rng, 10), random_model(rng)
        try:
            assert _compare(ped, model) < 1e-9
        except ValueError:  # joint too large to enumerate
            continue
        checked += 1


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_hypothesis_seeds_agree_with_enumeration(seed):
    rng = np.random.default_rng(seed)
    ped, model = random_small_pedigree(rng, 8), random_model(rng)
    try:
        diff = _compare(ped, model)
    except ValueError:  # joint too large to enumerate
        assume(False)
        raise
    assert diff < 1e-9


def test_consanguineous_loop_agrees_with_enumeration():
    """First-cousin marriage: two loops through the shared grandparents."""
    ped = family(
        person("G1", "m", affected=False),
        person("G2", "f"),
        person("A", "m", "G1", "G2", affected=False),
        person("B", "f", "G1", "G2"),
        person("AW", "f"),
        person("BH", "m", affected=False),
        person("C1", "m", "A", "AW", affected=False),
        person("C2", "f", "BH", "B"),
        person("K1", "m", "C1", "C2", affected=True),
        person("K2", "f", "C1", "C2", affected=True),
    )
    model = XLinkedRecessive.defaults().with_overrides(mutation_rate_egg=1e-3, mutation_rate_sperm=1e-3)
    assert _compare(ped, model) < 1e-9


def _first_principles(ped, mu, nu, f, pen, c_rate, sens, spec):
    """Independent scalar enumeration: Mendelian X-linked rules written out again, no model tables."""
    people = list(ped)
    x = (2 * mu + nu) / (1 - f)
    w = f * x / (1 - x + f * x)
    y = w + (1 - w) * nu
    parents = {q for p in people for q in (p.father, p.mother) if q}
    states = [[0, 1] if p.sex is Sex.MALE else [0, 1, 2] for p in people]
    idx = {p.id: i for i, p in enumerate(people)}
    totals = np.zeros(len(people))
    z = 0.0
    for g in itertools.product(*states):
        prob = 1.0
        for i, p in enumerate(people):
            if p.father is None:
                if p.sex is Sex.MALE:
                    h = w if p.id in parents else x
                    prob *= h if g[i] else 1 - h
                else:
                    a, b = x, y
                    prob *= [(1 - a) * (1 - b), a * (1 - b) + b * (1 - a), a * b][g[i]]
            else:
                gm, gf = g[idx[p.mother]], g[idx[p.father]]
                a = gm / 2 + (1 - gm / 2) * mu
                b = 1.0 if gf else nu
                if p.sex is Sex.MALE:
                    prob *= a if g[i] else 1 - a
                else:
                    prob *= [(1 - a) * (1 - b), a * (1 - b) + b * (1 - a), a * b][g[i]]
            affected_pen = pen if (p.sex is Sex.MALE and g[i]) or g[i] == 2 else 0.0
            p_aff = affected_pen + (1 - affected_pen) * c_rate
            if p.affected is Affection.AFFECTED:
                prob *= p_aff
            elif p.affected is Affection.UNAFFECTED:
                prob *= 1 - p_aff
            if p.test is not None:
                carrier = g[i] > 0
                found = p.test.result is TestResult.FOUND
                prob *= (sens if found else 1 - sens) if carrier else ((1 - spec) if found else spec)
        z += prob
        totals += prob * np.array([1.0 if gi > 0 else 0.0 for gi in g])
    return {p.id: totals[i] / z for i, p in enumerate(people)}


def test_model_tables_against_first_principles():
    mu, nu, f, pen, sens, spec = 0.01, 0.02, 0.3, 0.8, 0.9, 0.97
    model = XLinkedRecessive.defaults().with_overrides(
        mutation_rate_egg=mu,
        mutation_rate_sperm=nu,
        fitness=f,
        penetrance=PenetranceCurve.constant(pen),
        phenocopy_fraction=0.3,
        test_sensitivity=sens,
        test_specificity=spec,
        mosaicism_prior=0.0,  # the first-principles tables below have no germline-mosaic state
    )
    ped = family(
        person("GF", "m", affected=False),
        person("GM", "f"),
        person("F", "m", affected=True),
        person("M", "f", "GF", "GM", test="not-found"),
        person("P", "m", "F", "M", affected=True, test="found"),
        person("S", "f", "F", "M", affected=False),
        person("B", "m", "F", "M", affected=False),
    )
    expected = _first_principles(ped, mu, nu, f, pen, model.phenocopy_rate, sens, spec)
    got = compute_risks(ped, model).by_id()
    for pid, p in expected.items():
        assert got[pid].p_variant == pytest.approx(p, abs=1e-12)


def test_large_pedigree_with_loops_runs_and_is_normalised():
    rng = np.random.default_rng(7)
    ped = random_large_pedigree(rng, 200, loops=3)
    model = XLinkedRecessive.defaults().with_overrides(
        test_sensitivity=0.99, test_specificity=0.999, fitness=0.1
    )
    r = compute_risks(ped, model)
    assert len(r.individuals) == len(ped)
    for ind in r.individuals:
        assert 0.0 <= ind.p_variant <= 1.0
        assert sum(ind.genotype.values()) == pytest.approx(1.0)
