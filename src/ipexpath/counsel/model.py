"""What an inheritance model must provide to the exact inference engine, and the cited IPEX defaults.

The engine only sees state spaces, founder priors, transmission tables and evidence likelihoods,
so an autosomal dominant or recessive model can be added by implementing `InheritanceModel`
(states {0, 1, 2} copies for both sexes) without touching the inference code.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol

import numpy as np
import yaml

from ipexpath.counsel.pedigree import Person, Sex
from ipexpath.errors import InputError, KnowledgeError

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True)
class GenotypeState:
    """One genotype state of one person: sex, copies of the variant, and germline-mosaic flag."""

    sex: Sex
    copies: int
    mosaic: bool = False

    @property
    def label(self) -> str:
        """Short human-readable label (e.g. 'hemizygous', 'heterozygous')."""
        if self.mosaic:
            return "germline-mosaic"
        if self.copies == 0:
            return "non-carrier"
        if self.sex is Sex.MALE:
            return "hemizygous"
        return "heterozygous" if self.copies == 1 else "homozygous"


@dataclass(frozen=True)
class StateSpace:
    """The ordered genotype states a person's variable can take."""

    states: tuple[GenotypeState, ...]

    def __len__(self) -> int:
        return len(self.states)

    def carrier_mask(self) -> FloatArray:
        """1.0 for states with at least one constitutional copy of the variant, else 0.0."""
        return np.array([1.0 if s.copies > 0 and not s.mosaic else 0.0 for s in self.states])

    def mosaic_mask(self) -> FloatArray:
        """1.0 for germline-mosaic states."""
        return np.array([1.0 if s.mosaic else 0.0 for s in self.states])


@dataclass(frozen=True)
class PenetranceCurve:
    """Cumulative probability of having shown the disease by a given age (piecewise linear)."""

    ages: tuple[float, ...]
    values: tuple[float, ...]
    source: str = ""

    @classmethod
    def constant(cls, value: float, source: str = "user override") -> PenetranceCurve:
        """A penetrance that does not depend on age (a plain number overrides the curve)."""
        return cls((0.0,), (float(value),), source)

    def __post_init__(self) -> None:
        if len(self.ages) != len(self.values) or not self.ages:
            raise InputError("A penetrance curve needs as many ages as values (at least one).")
        if any(b < a for a, b in zip(self.ages, self.ages[1:], strict=False)):
            raise InputError("Penetrance curve ages must increase.")
        if any(not 0.0 <= v <= 1.0 for v in self.values):
            raise InputError("Penetrance values must lie between 0 and 1.")

    def at(self, age: float | None) -> float:
        """Penetrance by `age` years; the lifetime value when the age is unknown."""
        if age is None:
            return self.values[-1]
        return float(np.interp(age, self.ages, self.values))

    @property
    def lifetime(self) -> float:
        """The plateau value after the last age point."""
        return self.values[-1]

    def to_dict(self) -> dict[str, Any]:
        """JSON form: list of [age, value] points with the source."""
        return {"curve": [[a, v] for a, v in zip(self.ages, self.values, strict=True)], "source": self.source}


class InheritanceModel(Protocol):
    """The interface the exact engine needs; one implementation per mode of inheritance."""

    def state_space(self, sex: Sex, can_be_mosaic: bool) -> StateSpace:
        """States of a person of this sex (with a germline-mosaic state if they have children)."""
        ...

    def founder_prior(self, space: StateSpace, is_father: bool) -> FloatArray:
        """Prior over states for someone whose parents are not in the pedigree."""
        ...

    def transmission(self, child: StateSpace, father: StateSpace, mother: StateSpace) -> FloatArray:
        """P(child state | father state, mother state) as an array [child, father, mother]."""
        ...

    def evidence_likelihood(self, person: Person, space: StateSpace) -> FloatArray:
        """P(phenotype and test result of the person | each state)."""
        ...

    def maternal_transmission(self, space: StateSpace) -> FloatArray:
        """P(a child receives a variant allele from this mother | her state)."""
        ...

    def paternal_transmission_to_daughter(self, space: StateSpace) -> FloatArray:
        """P(a daughter receives a variant allele from this father | his state)."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """Parameters and their sources, for the JSON output."""
        ...


@dataclass(frozen=True)
class CitedValue:
    """A numeric default with the text of its source."""

    value: float
    source: str


def load_model_defaults_data() -> dict[str, Any]:
    """The parsed `data/model_defaults.yaml` (each clinical constant with its source)."""
    try:
        text = resources.files("ipexpath.counsel").joinpath("data/model_defaults.yaml").read_text("utf-8")
        data = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"The counsel model defaults could not be read: {exc}.") from exc
    if not isinstance(data, dict):
        raise KnowledgeError("The counsel model defaults file is not a mapping.")
    return data


def cited(data: dict[str, Any], key: str) -> CitedValue:
    """Read one `{value, source}` entry of the defaults file."""
    entry = data.get(key)
    if not isinstance(entry, dict) or "value" not in entry:
        raise KnowledgeError(f"model_defaults.yaml lacks '{key}: {{value, source}}'.")
    return CitedValue(float(entry["value"]), str(entry.get("source", "")).strip())
