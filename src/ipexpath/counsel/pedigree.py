"""The family tree as domain objects: people, their sex, evidence (phenotype, age, test) and parents.

Sex is stored as an explicit enum and converted at every file boundary, because PED (1 = male,
2 = female) and the Phenopacket `Sex` enum (FEMALE = 1, MALE = 2) number it the other way round
(phenopacket-schema issues #391/#438); for an X-linked risk a swapped sex silently gives wrong answers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum

from ipexpath.types import Age, Sex

__all__ = [
    "Adoption",
    "Affection",
    "Age",
    "GeneticTest",
    "Pedigree",
    "Person",
    "Sex",
    "TestResult",
    "TwinType",
]


class Affection(Enum):
    """Whether the person has the IPEX phenotype (PED phenotype column: 1, 2, 0)."""

    UNAFFECTED = "unaffected"
    AFFECTED = "affected"
    UNKNOWN = "unknown"


class Adoption(Enum):
    """Adoption as drawn by Bennett et al. 2008 (brackets): `IN` — the recorded parents are adoptive, so the
    person is not their blood relative; `OUT` — a biological child raised by another family."""

    IN = "in"
    OUT = "out"


class TwinType(Enum):
    """Zygosity of a twin pair: monozygotic twins share their genotype; dizygotic twins are siblings."""

    MONOZYGOTIC = "monozygotic"
    DIZYGOTIC = "dizygotic"
    UNKNOWN = "unknown"


class TestResult(Enum):
    """Result of a targeted test for the familial FOXP3 variant."""

    FOUND = "found"
    NOT_FOUND = "not-found"


TestResult.__test__ = False  # type: ignore[attr-defined]  # tell pytest this is not a test class


@dataclass(frozen=True)
class GeneticTest:
    """A test for the familial variant; `sensitivity`/`specificity` None means 'use the model default'."""

    result: TestResult
    sensitivity: float | None = None
    specificity: float | None = None


@dataclass(frozen=True)
class Person:
    """One member of the pedigree with the evidence that bears on their genotype.

    `age` is the current age, or the age at death when `deceased` is true.
    """

    id: str
    sex: Sex
    father: str | None = None
    mother: str | None = None
    affected: Affection = Affection.UNKNOWN
    age: Age | None = None
    deceased: bool = False
    proband: bool = False
    test: GeneticTest | None = None
    name: str | None = None
    adopted: Adoption | None = None
    twin: str | None = None  # id of the co-twin (same parents)
    twin_type: TwinType | None = None  # with `twin`; UNKNOWN when not stated

    @property
    def age_years(self) -> float | None:
        """The age in years (penetrance curves and age limits are in years), or None."""
        return None if self.age is None else self.age.years

    @property
    def is_founder(self) -> bool:
        """True when neither parent is recorded in the pedigree."""
        return self.father is None and self.mother is None

    @property
    def adopted_in(self) -> bool:
        """The recorded parents are adoptive: no genetic link to them (nor to their relatives)."""
        return self.adopted is Adoption.IN


@dataclass(frozen=True)
class Pedigree:
    """A validated family: people in file order, with fast lookup of parents and children."""

    family_id: str
    persons: tuple[Person, ...]
    source: str = ""
    _index: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    _children: Mapping[str, tuple[Person, ...]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {p.id: i for i, p in enumerate(self.persons)})
        kids: dict[str, list[Person]] = {}
        for p in self.persons:  # one pass, so children() is O(1) even for 10,000 people
            for parent in dict.fromkeys((p.father, p.mother)):
                if parent is not None:
                    kids.setdefault(parent, []).append(p)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in kids.items()})

    def __len__(self) -> int:
        return len(self.persons)

    def __iter__(self) -> Iterator[Person]:
        return iter(self.persons)

    def __contains__(self, person_id: object) -> bool:
        return person_id in self._index

    def get(self, person_id: str) -> Person:
        """The person with this id (KeyError if absent)."""
        return self.persons[self._index[person_id]]

    def index(self, person_id: str) -> int:
        """Position of the person in file order."""
        return self._index[person_id]

    def children(self, person_id: str) -> tuple[Person, ...]:
        """Children of a person, in file order."""
        return self._children.get(person_id, ())

    def parents_of_anyone(self) -> frozenset[str]:
        """Ids of everyone who is recorded as a parent."""
        return frozenset(x for p in self.persons for x in (p.father, p.mother) if x is not None)

    def probands(self) -> tuple[Person, ...]:
        """People flagged as proband."""
        return tuple(p for p in self.persons if p.proband)

    def ancestors(self, person_id: str) -> frozenset[str]:
        """All recorded ancestors of a person (not including the person)."""
        seen: set[str] = set()
        stack = [person_id]
        while stack:
            person = self.get(stack.pop())
            for parent in (person.father, person.mother):
                if parent is not None and parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return frozenset(seen)

    def with_test(self, person_id: str, test: GeneticTest | None) -> Pedigree:
        """A copy of the pedigree where one person has (or no longer has) a test result."""
        persons = tuple(replace(p, test=test) if p.id == person_id else p for p in self.persons)
        return Pedigree(self.family_id, persons, self.source)

    def biological(self) -> Pedigree:
        """The pedigree of genetic links only: a person adopted in keeps no parents (a founder for the
        engine), so no risk passes from or to the adoptive family. The drawing keeps the adoptive links."""
        if not any(p.adopted_in for p in self.persons):
            return self
        persons = tuple(replace(p, father=None, mother=None) if p.adopted_in else p for p in self.persons)
        return Pedigree(self.family_id, persons, self.source)

    def monozygotic_twin_of(self) -> dict[str, str]:
        """Each later monozygotic twin mapped to the first of the pair in file order (same genotype)."""
        out: dict[str, str] = {}
        for p in self.persons:
            if p.twin is None or p.twin_type is not TwinType.MONOZYGOTIC or p.twin not in self._index:
                continue
            first, second = sorted((p.id, p.twin), key=self.index)
            out[second] = out.get(first, first)
        return out

    def with_persons(self, persons: tuple[Person, ...]) -> Pedigree:
        """A copy with another list of persons (same family id and source)."""
        return Pedigree(self.family_id, persons, self.source)
