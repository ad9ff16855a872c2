"""The package's one Sex, Age, Zygosity and Inheritance types: parsing, boundaries and meaning."""

from __future__ import annotations

import math

import pytest

from ipexpath.errors import InputError
from ipexpath.types import DAYS_PER_YEAR, Age, Inheritance, Sex, Zygosity


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("male", Sex.MALE),
        ("M", Sex.MALE),
        ("MALE", Sex.MALE),
        ("girl", Sex.FEMALE),
        ("FEMALE", Sex.FEMALE),
        (None, Sex.UNKNOWN),
        ("UNKNOWN_SEX", Sex.UNKNOWN),
        ("other", Sex.OTHER),
    ],
)
def test_sex_parses_every_spelling_into_one_type(text: str | None, sex: Sex) -> None:
    assert Sex.parse(text) is sex


def test_sex_values_are_phenopacket_names_and_words_are_lower_case() -> None:
    assert [s.value for s in Sex] == ["MALE", "FEMALE", "UNKNOWN_SEX", "OTHER_SEX"]
    assert Sex.FEMALE.word == "female" and Sex.FEMALE.pronoun("possessive") == "her"
    assert Sex.UNKNOWN.pronoun() == "they" and Sex.MALE.child_word() == "boy"


def test_sex_refuses_numbers_and_nonsense() -> None:
    for bad in ("1", "2", "yes"):
        with pytest.raises(InputError):
            Sex.parse(bad)


def test_age_constructors_agree_in_days() -> None:
    assert Age.from_iso8601("P1Y").days == pytest.approx(DAYS_PER_YEAR)
    assert Age.parse("3 months").days == pytest.approx(Age.from_iso8601("P3M").days)
    assert Age.parse(2).years == pytest.approx(2.0)
    assert Age.from_days(10).iso8601 == "P10D" and Age.from_years(1.5).iso8601 == "P1Y6M"
    assert Age.from_days(14).describe() == "14 days"


@pytest.mark.parametrize("bad", [math.nan, math.inf, 131 * DAYS_PER_YEAR, -300.0])
def test_age_refuses_impossible_values(bad: float) -> None:
    with pytest.raises(InputError):
        Age.from_days(bad)


def test_age_boundaries_are_inclusive() -> None:
    assert Age.from_years(130).years == pytest.approx(130)
    assert Age.from_days(-280).days == -280


def test_minor_means_under_eighteen() -> None:
    assert Age.from_years(17.9).is_minor and not Age.from_years(18).is_minor


def test_heterozygous_female_does_not_explain_an_x_linked_recessive_disease() -> None:
    xlr = Inheritance.XLR
    assert xlr.explains([Zygosity.HETEROZYGOUS], Sex.FEMALE, 1) is False
    assert xlr.explains([Zygosity.HEMIZYGOUS], Sex.MALE, 1) is True
    assert xlr.explains([Zygosity.HOMOZYGOUS], Sex.FEMALE, 1) is True
    assert xlr.explains([Zygosity.UNKNOWN], Sex.MALE, 1) is None
    assert Inheritance.AR.explains([Zygosity.HETEROZYGOUS], Sex.MALE, 1) is False
    assert Inheritance.AR.explains([Zygosity.HETEROZYGOUS] * 2, Sex.MALE, 2) is True
    assert Inheritance.AD.explains([Zygosity.HETEROZYGOUS], Sex.FEMALE, 1) is True
