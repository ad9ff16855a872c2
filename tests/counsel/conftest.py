"""Shared helpers for the counsel tests: a textbook model (mu -> 0, full penetrance) and a family builder."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipexpath.counsel import Affection, GeneticTest, Pedigree, Person, Sex, TestResult, XLinkedRecessive
from ipexpath.counsel.model import PenetranceCurve
from ipexpath.types import Age

FIXTURES = Path(__file__).parent / "fixtures"


def textbook_model(mu: float = 1e-9, ratio: float = 1.0, **changes: object) -> XLinkedRecessive:
    """The textbook convention (family.md 1.1): tiny mu, full penetrance, no phenocopies, exact tests and
    no germline mosaicism (the shipped default derives it from Rahbari et al. 2016; tests set it)."""
    base = dict(
        mutation_rate_egg=mu,
        mutation_rate_sperm=mu * ratio,
        fitness=0.0,
        penetrance=PenetranceCurve.constant(1.0),
        phenocopy_fraction=0.0,
        test_sensitivity=1.0,
        test_specificity=1.0,
        mosaicism_prior=0.0,
    )
    base.update(changes)
    return XLinkedRecessive.defaults().with_overrides(**base)


def person(pid: str, sex: str, father: str | None = None, mother: str | None = None, **kw: object) -> Person:
    """Short constructor: sex 'm'/'f'/'u', affected=True/False, test='found'/'not-found'."""
    sexes = {"m": Sex.MALE, "f": Sex.FEMALE, "u": Sex.UNKNOWN}
    affected = kw.pop("affected", None)
    status = (
        Affection.UNKNOWN if affected is None else (Affection.AFFECTED if affected else Affection.UNAFFECTED)
    )
    test = kw.pop("test", None)
    sens = kw.pop("sensitivity", None)
    gtest = None if test is None else GeneticTest(TestResult(test), sens)  # type: ignore[arg-type]
    if kw.get("age") is not None:
        kw["age"] = Age.from_years(float(kw["age"]))  # type: ignore[arg-type]
    return Person(pid, sexes[sex], father, mother, status, test=gtest, **kw)  # type: ignore[arg-type]


def family(*persons: Person) -> Pedigree:
    """A pedigree from persons (not validated: tests build valid families)."""
    return Pedigree("TEST", tuple(persons), "test")


@pytest.fixture
def model() -> XLinkedRecessive:
    """Textbook model."""
    return textbook_model()
