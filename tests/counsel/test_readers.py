"""Reading PED, YAML/JSON family files and Phenopacket v2 Family; every bad input is a clear InputError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES
from ipexpath.counsel import Affection, Sex, TestResult, load_family
from ipexpath.counsel.readers import parse_age, read_family_data, read_ped
from ipexpath.errors import InputError

DATA = Path(__file__).parents[2] / "src" / "ipexpath" / "counsel" / "data"


def test_ped_sex_codes_and_phenotype():
    ped = load_family(FIXTURES / "ok_trio.ped")
    assert ped.get("A").sex is Sex.MALE and ped.get("B").sex is Sex.FEMALE
    assert ped.get("C").affected is Affection.AFFECTED and ped.get("C").father == "A"


def test_phenopacket_family_uses_phenopacket_sex_numbers():
    """Phenopacket Sex enum: FEMALE = 1, MALE = 2 — the reverse of PED (phenopacket-schema #391/#438)."""
    ped = load_family(FIXTURES / "phenopacket_family.json")
    assert ped.get("grandmother").sex is Sex.FEMALE  # given as 1
    assert ped.get("grandfather").sex is Sex.MALE  # given as 2
    son = ped.get("son")
    assert son.proband and son.test is not None and son.test.result is TestResult.FOUND
    assert son.age_years == pytest.approx(4 / 12)
    uncle = ped.get("uncle")
    assert uncle.deceased and uncle.age_years == pytest.approx(8 / 12)


def test_example_family_yaml_and_ped_agree_on_structure():
    yaml_ped = load_family(DATA / "example_family.yaml")
    ped_ped = load_family(DATA / "example_family.ped")
    assert [(p.id, p.sex, p.father, p.mother, p.affected) for p in yaml_ped] == [
        (p.id, p.sex, p.father, p.mother, p.affected) for p in ped_ped
    ]
    assert yaml_ped.probands()[0].id == "III-1"


@pytest.mark.parametrize(
    ("fixture", "words"),
    [
        ("cycle.ped", ["own ancestor", "A"]),
        ("own_parent.ped", ["own father", "C"]),
        ("female_father.ped", ["father of 'C'", "female"]),
        ("duplicate.ped", ["duplicate id 'A'", "line 3", "line 1"]),
        ("missing_parent.ped", ["mother 'B'", "not in the file"]),
        ("bad_sex.ped", ["sex code 'F'", "line 2"]),
        ("own_ancestor.yaml", ["own ancestor"]),
    ],
)
def test_bad_pedigrees_are_clear_input_errors(fixture, words):
    with pytest.raises(InputError) as err:
        load_family(FIXTURES / fixture)
    text = str(err.value)
    for word in words:
        assert word in text


def test_yaml_errors_name_the_person():
    with pytest.raises(InputError, match=r"individual 'K'.*sex"):
        read_family_data({"individuals": [{"id": "K", "sex": "x"}]}, "fam.yaml")
    with pytest.raises(InputError, match="duplicate id 'K'"):
        read_family_data({"individuals": [{"id": "K", "sex": "m"}, {"id": "K", "sex": "f"}]}, "fam.yaml")
    with pytest.raises(InputError, match="unknown field"):
        read_family_data({"individuals": [{"id": "K", "sex": "m", "colour": 1}]}, "fam.yaml")
    with pytest.raises(InputError, match="sensitivity"):
        read_family_data(
            {"individuals": [{"id": "K", "sex": "m", "test": {"result": "found", "sensitivity": 95}}]},
            "f.yaml",
        )


def test_ped_with_two_families_and_short_lines():
    with pytest.raises(InputError, match="2 families"):
        read_ped("F1 A 0 0 1 1\nF2 B 0 0 2 1\n")
    with pytest.raises(InputError, match="line 1: expected 6 columns"):
        read_ped("F1 A 0 0 1\n")


def test_invalid_phenopacket_field_is_reported(tmp_path):
    data = json.loads((FIXTURES / "phenopacket_family.json").read_text())
    data["pedigree"]["persons"][0]["sexx"] = "MALE"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(InputError, match="Phenopacket"):
        load_family(bad)


@pytest.mark.parametrize(
    ("text", "years"),
    [(2, 2.0), ("4 mo", 4 / 12), ("P1Y6M", 1.5), ("10 d", 10 / 365.25), ("3y", 3.0), (None, None)],
)
def test_parse_age(text, years):
    age = parse_age(text, "x")
    assert (None if age is None else age.years) == (pytest.approx(years) if years is not None else None)


def test_bad_age_and_unknown_suffix(tmp_path):
    with pytest.raises(InputError, match="age"):
        parse_age("soon", "x")
    other = tmp_path / "family.xlsx"
    other.write_text("x")
    with pytest.raises(InputError, match="unknown family-file type"):
        load_family(other)
