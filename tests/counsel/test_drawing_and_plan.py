"""Pedigree drawing (symbols, no overlaps at 4 generations / 40 people) and the cascade-testing plan."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from conftest import family, person, textbook_model
from ipexpath.counsel import compute_risks, draw_pedigree_svg, layout_pedigree, load_family, plan_testing
from ipexpath.counsel.bruteforce import random_large_pedigree
from ipexpath.counsel.layout import SIB_GAP

EXAMPLE = Path(__file__).parents[2] / "src" / "ipexpath" / "counsel" / "data" / "example_family.yaml"
NS = "{http://www.w3.org/2000/svg}"


def test_example_drawing_has_standard_symbols():
    ped = load_family(EXAMPLE)
    svg = draw_pedigree_svg(ped, compute_risks(ped))
    root = ET.fromstring(svg)
    rects = [e for e in root.iter(f"{NS}rect") if e.get("width") != "100%"]
    circles = [e for e in root.iter(f"{NS}circle") if e.get("r") != "4"]
    dots = [e for e in root.iter(f"{NS}circle") if e.get("r") == "4"]
    assert len(rects) == sum(p.sex.word == "male" for p in ped)
    assert len(circles) == sum(p.sex.word == "female" for p in ped)
    # the mother is an obligate carrier; the grandmother is 98.4%, since germline mosaicism (default prior
    # from Rahbari et al. 2016) could also explain her two affected descendants
    assert len(dots) == 1
    assert sum(e.get("fill") == "#000" for e in rects) == 2  # two affected males
    texts = [e.text for e in root.iter(f"{NS}text")]
    assert "P" in texts and "II" in texts and "III" in texts and "50%" in texts


def test_consanguinity_is_a_double_line():
    ped = family(
        person("G1", "m"), person("G2", "f"),
        person("A", "m", "G1", "G2"), person("B", "f", "G1", "G2"),
        person("AW", "f"), person("BH", "m"),
        person("C1", "m", "A", "AW"), person("C2", "f", "BH", "B"),
        person("K", "m", "C1", "C2", affected=True),
    )  # fmt: skip
    svg = draw_pedigree_svg(ped, None)
    lines = ET.fromstring(svg).iter(f"{NS}line")
    horizontal = [(e.get("y1"), e.get("x1"), e.get("x2")) for e in lines if e.get("y1") == e.get("y2")]
    ys = sorted({float(y) for y, _, _ in horizontal})
    assert any(abs(b - a - 4) < 0.01 for a, b in itertools.pairwise(ys))  # parallel lines 4 px apart


def test_forty_people_four_generations_do_not_overlap():
    rng = np.random.default_rng(11)
    ped = random_large_pedigree(rng, 40, loops=1)
    lay = layout_pedigree(ped)
    assert len(lay.rows) >= 4
    for row in lay.rows:
        xs = sorted(lay.x[p] for p in row)
        assert all(b - a >= SIB_GAP - 1e-9 for a, b in itertools.pairwise(xs))
    ET.fromstring(draw_pedigree_svg(ped, None))  # well-formed


def test_plan_tests_mother_of_isolated_case_first():
    """The mother's result tells most (her sisters' and daughters' risks follow it) — cascade order."""
    ped = family(
        person("GF", "m", affected=False), person("GM", "f"), person("F", "m", affected=False),
        person("M", "f", "GF", "GM"), person("A", "f", "GF", "GM"),
        person("P", "m", "F", "M", affected=True, proband=True, test="found"),
        person("S", "f", "F", "M"),
    )  # fmt: skip
    model = textbook_model()
    plan = plan_testing(ped, model)
    assert plan[0].id == "M"
    assert "Mother of an isolated case" in plan[0].reason
    found = {o.result.value: o for o in plan[0].outcomes}
    assert abs(found["found"].risks["S"] - 0.5) < 1e-6
    assert found["not-found"].risks["S"] < 1e-6
    assert abs(found["found"].probability - 2 / 3) < 1e-6
    assert {s.id for s in plan} == {"M", "GM", "A", "S"}


def test_plan_skips_deceased_tested_and_risk_free_people():
    ped = load_family(EXAMPLE)
    plan = plan_testing(ped)
    ids = {s.id for s in plan}
    assert "II-3" not in ids  # deceased
    assert "III-1" not in ids  # already tested
    assert "III-4" not in ids  # adult unaffected male: risk ~0
    assert {"III-2", "III-3", "II-5"} <= ids
