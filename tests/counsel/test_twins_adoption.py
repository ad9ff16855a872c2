"""Twins and adoption in the family file: genetics, validation, the drawing (Bennett et al. 2008) and the
round trip through `family --json`. Expected answers are worked out by hand (X-linked recessive)."""

from __future__ import annotations

import json
import re

import pytest

from ipexpath.counsel import compute_risks, plan_testing
from ipexpath.counsel.drawing import draw_pedigree_svg
from ipexpath.counsel.pedigree import Adoption, TwinType
from ipexpath.counsel.readers import family_json, read_family_data, read_ped
from ipexpath.errors import InputError

TWINS = {
    "family": "TW",
    "individuals": [
        {"id": "F", "sex": "male", "affected": "unaffected", "age": 35},
        {"id": "M", "sex": "female", "affected": "unaffected", "age": 33},
        {"id": "P", "sex": "male", "father": "F", "mother": "M", "affected": "affected", "proband": True,
         "test": "found", "age": 0.5, "twin": "T", "twin_type": "monozygotic"},
        {"id": "T", "sex": "male", "father": "F", "mother": "M", "affected": "unknown", "age": 0.5},
        {"id": "D1", "sex": "female", "father": "F", "mother": "M", "affected": "unaffected", "age": 3,
         "twin": "D2", "twin_type": "dizygotic"},
        {"id": "D2", "sex": "female", "father": "F", "mother": "M", "affected": "unaffected", "age": 3},
        {"id": "AB", "sex": "male", "father": "F", "mother": "M", "affected": "unaffected", "age": 6,
         "adopted": "in"},
    ],
}  # fmt: skip


def _family(changes: dict[str, dict[str, object]] | None = None) -> dict[str, object]:
    rows = [dict(r, **(changes or {}).get(str(r["id"]), {})) for r in TWINS["individuals"]]  # type: ignore[attr-defined]
    return {"family": "TW", "individuals": rows}


def test_twin_and_adoption_fields_are_read_and_paired() -> None:
    ped = read_family_data(TWINS)
    assert ped.get("T").twin == "P" and ped.get("T").twin_type is TwinType.MONOZYGOTIC  # written on P only
    assert ped.get("D2").twin_type is TwinType.DIZYGOTIC
    assert ped.get("AB").adopted is Adoption.IN and ped.biological().get("AB").is_founder
    assert ped.get("AB").father == "F"  # the drawing keeps the adoptive parents


def test_monozygotic_twin_shares_the_genotype_dizygotic_twins_are_siblings_adopted_is_not_at_risk() -> None:
    ped = read_family_data(TWINS)
    risks = compute_risks(ped).by_id()
    assert risks["T"].p_variant == pytest.approx(risks["P"].p_variant)  # one genotype
    mother = risks["M"].p_variant
    assert risks["D1"].p_variant == pytest.approx(mother / 2, abs=0.01)  # half her mother's (+ mosaic)
    assert risks["D2"].p_variant == pytest.approx(risks["D1"].p_variant)
    assert risks["AB"].p_variant < 1e-4  # the population prior: no blood link to the mother
    # as plain siblings the twin had his mother's half, and the adopted boy, unaffected at 6 years, counted
    # as her healthy son: evidence against her being a carrier that an adopted child cannot give
    plain = _family({"P": {"twin": None, "twin_type": None}, "AB": {"adopted": None}})
    sib = compute_risks(read_family_data(plain)).by_id()
    assert sib["T"].p_variant == pytest.approx(sib["M"].p_variant / 2, abs=0.01)
    assert sib["M"].p_variant < risks["M"].p_variant - 0.05


def test_adopted_proband_says_nothing_about_the_adoptive_mother() -> None:
    adopted = _family(
        {"P": {"adopted": "in", "twin": None, "twin_type": None}, "T": {"mother": None, "father": None}}
    )
    risks = compute_risks(read_family_data(adopted)).by_id()
    assert risks["M"].p_variant < 1e-4 and risks["D1"].p_variant < 1e-4


def test_an_untested_monozygotic_pair_is_tested_once() -> None:
    rows = _family({"P": {"twin": None, "twin_type": None}})
    rows["individuals"] += [  # type: ignore[operator]
        {"id": "U1", "sex": "male", "father": "F", "mother": "M", "affected": "unknown", "age": 1,
         "twin": "U2", "twin_type": "monozygotic"},
        {"id": "U2", "sex": "male", "father": "F", "mother": "M", "affected": "unknown", "age": 1},
    ]  # fmt: skip
    ped = read_family_data(rows)
    ids = [s.id for s in plan_testing(ped)]
    assert "U1" in ids and "U2" not in ids
    step = next(s for s in plan_testing(ped) if s.id == "U1")
    assert "also holds for the monozygotic twin U2" in step.reason


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"T": {"mother": None}}, "different parents"),
        ({"T": {"sex": "female"}}, "monozygotic twins of different sex"),
        ({"P": {"twin": "NOBODY"}}, "not another person"),
        ({"D2": {"twin": "D1", "twin_type": "monozygotic"}}, "two zygosities"),
        ({"AB": {"adopted": "maybe"}}, "adopted"),
        ({"AB": {"twin": "D1"}}, "twin of both"),
    ],
)
def test_impossible_twins_and_adoption_are_clear_errors(
    changes: dict[str, dict[str, object]], message: str
) -> None:
    with pytest.raises(InputError) as info:
        read_family_data(_family(changes))
    assert message in str(info.value)


def test_drawing_marks_twins_and_adoption() -> None:
    ped = read_family_data(TWINS)
    svg = draw_pedigree_svg(ped, compute_risks(ped))
    assert "stroke-dasharray='5,3'" in svg  # adopted in: dashed line of descent
    assert svg.count("<path d='M") >= 2  # the two brackets
    x = {}
    for person in ("P", "T", "D1", "D2"):  # twins sit side by side (the id line under each symbol)
        found = re.search(rf"<text x='([0-9.]+)'[^>]*fill='#444'[^>]*>{person}</text>", svg)
        assert found is not None
        x[person] = float(found.group(1))
    assert abs(x["P"] - x["T"]) < 100 and abs(x["D1"] - x["D2"]) < 100
    apex = (x["P"] + x["T"]) / 2
    assert f"x1='{apex:.1f}'" in svg  # both twins descend from one point


def test_family_json_round_trip_keeps_twins_and_adoption() -> None:
    ped = read_family_data(TWINS)
    written = family_json(ped, compute_risks(ped))
    again = read_family_data(json.loads(json.dumps(written)))
    assert again.get("T").twin_type is TwinType.MONOZYGOTIC and again.get("AB").adopted is Adoption.IN
    assert read_ped("F1 A 0 0 1 1\nF1 B 0 0 2 1\nF1 C A B 1 2\n").get("C").twin is None  # PED still works
