"""X-linked recessive inheritance with new mutations, fitness, penetrance, phenocopies and tests.

Founder priors are Haldane's mutation–selection equilibrium (first order in the mutation rates):
with mu the rate per X in eggs, nu in sperm and f the fitness of affected males, the frequency of
variant X chromosomes passed on by mothers is x = (2 mu + nu) / (1 - f) (= the frequency of
hemizygous males at birth, q) and by fathers to daughters y = w + (1 - w) nu, where
w = f x / (1 - x + f x) is the frequency of hemizygous males among fathers. Then a founder
female has P(1 copy) = x(1-y) + y(1-x) ≈ h = 2[mu(1+f) + nu]/(1-f) and P(2) = x y.
Haldane JBS, J Genet 1935;31:317-326; formulas as in /work/shared/reference/family.md §1.1.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ipexpath.counsel.model import (
    FloatArray,
    GenotypeState,
    PenetranceCurve,
    StateSpace,
    cited,
    load_model_defaults_data,
)
from ipexpath.counsel.pedigree import Affection, Person, Sex, TestResult
from ipexpath.errors import InputError, KnowledgeError

_MALE = StateSpace((GenotypeState(Sex.MALE, 0), GenotypeState(Sex.MALE, 1)))
_MALE_MOSAIC = StateSpace((*_MALE.states, GenotypeState(Sex.MALE, 0, mosaic=True)))
_FEMALE = StateSpace(
    (GenotypeState(Sex.FEMALE, 0), GenotypeState(Sex.FEMALE, 1), GenotypeState(Sex.FEMALE, 2))
)
_FEMALE_MOSAIC = StateSpace((*_FEMALE.states, GenotypeState(Sex.FEMALE, 0, mosaic=True)))
_UNKNOWN = StateSpace((*_MALE.states, *_FEMALE.states))


@dataclass(frozen=True)
class XLinkedRecessive:
    """Parameters of the X-linked recessive model; build defaults with `XLinkedRecessive.defaults()`."""

    mutation_rate_egg: float
    mutation_rate_sperm: float
    fitness: float
    penetrance: PenetranceCurve
    penetrance_female_heterozygous: float = 0.0
    phenocopy_fraction: float = 0.0
    test_sensitivity: float = 1.0
    test_specificity: float = 1.0
    mosaicism_prior: float = 0.0
    mosaic_transmission: float = 0.5
    reproductive_age_limit: float = 50.0
    sources: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        checks = (
            ("mutation rate (eggs)", self.mutation_rate_egg, 0.0, 0.5),
            ("mutation rate (sperm)", self.mutation_rate_sperm, 0.0, 0.5),
            ("fitness", self.fitness, 0.0, 0.999999),
            ("female heterozygote penetrance", self.penetrance_female_heterozygous, 0.0, 1.0),
            ("phenocopy fraction", self.phenocopy_fraction, 0.0, 0.999999),
            ("test sensitivity", self.test_sensitivity, 1e-9, 1.0),
            ("test specificity", self.test_specificity, 1e-9, 1.0),
            ("germline mosaicism prior", self.mosaicism_prior, 0.0, 1.0),
            ("germline mosaic transmission", self.mosaic_transmission, 0.0, 1.0),
        )
        for name, value, low, high in checks:
            if not low <= value <= high:
                raise InputError(
                    f"The {name} must be between {low:g} and {high:g} (got {value:g}).",
                    "Fitness and phenocopy fraction must be below 1; probabilities are fractions, not %.",
                )
        if self.penetrance.lifetime <= 0.0:
            raise InputError("The male penetrance must be above 0 for an X-linked recessive disease.")

    @classmethod
    def defaults(cls) -> XLinkedRecessive:
        """The IPEX model with the cited values of `data/model_defaults.yaml`."""
        data = load_model_defaults_data()
        mu = cited(data, "mutation_rate_egg")
        ratio = cited(data, "sperm_to_egg_mutation_ratio")
        fitness = cited(data, "fitness")
        pen = data.get("penetrance_male")
        if not isinstance(pen, dict) or not isinstance(pen.get("curve"), list):
            raise KnowledgeError("model_defaults.yaml lacks penetrance_male.curve.")
        curve = PenetranceCurve(
            tuple(float(a) for a, _ in pen["curve"]),
            tuple(float(v) for _, v in pen["curve"]),
            str(pen.get("source", "")).strip(),
        )
        het = cited(data, "penetrance_female_heterozygous")
        phenocopy = cited(data, "phenocopy_fraction")
        sens = cited(data, "test_sensitivity")
        spec = cited(data, "test_specificity")
        mosaic = cited(data, "germline_mosaicism_prior")
        gamma = cited(data, "germline_mosaic_transmission")
        age_limit = cited(data, "reproductive_age_limit")
        named = {
            "mutation_rate_egg": mu,
            "sperm_to_egg_mutation_ratio": ratio,
            "fitness": fitness,
            "penetrance_female_heterozygous": het,
            "phenocopy_fraction": phenocopy,
            "test_sensitivity": sens,
            "test_specificity": spec,
            "germline_mosaicism_prior": mosaic,
            "germline_mosaic_transmission": gamma,
            "reproductive_age_limit": age_limit,
        }
        return cls(
            mutation_rate_egg=mu.value,
            mutation_rate_sperm=mu.value * ratio.value,
            fitness=fitness.value,
            penetrance=curve,
            penetrance_female_heterozygous=het.value,
            phenocopy_fraction=phenocopy.value,
            test_sensitivity=sens.value,
            test_specificity=spec.value,
            mosaicism_prior=mosaic.value,
            mosaic_transmission=gamma.value,
            reproductive_age_limit=age_limit.value,
            sources=tuple((k, v.source) for k, v in named.items()),
        )

    def with_overrides(self, **changes: Any) -> XLinkedRecessive:
        """A copy with some parameters replaced (sources of overridden values say 'user override')."""
        if not changes:
            return self
        overridden = {"mutation_rate_egg", "mutation_rate_sperm"} & changes.keys()
        keys = set(changes) | ({"sperm_to_egg_mutation_ratio"} if overridden else set())
        sources = tuple((k, "user override" if k in keys else s) for k, s in self.sources)
        return replace(self, sources=sources, **changes)

    # --- equilibrium quantities -------------------------------------------------------------------

    @property
    def maternal_variant_frequency(self) -> float:
        """x: frequency of variant X among X chromosomes passed on by mothers (= q, affected males)."""
        return min((2 * self.mutation_rate_egg + self.mutation_rate_sperm) / (1.0 - self.fitness), 1.0)

    @property
    def father_hemizygous_frequency(self) -> float:
        """w: frequency of hemizygous males among men who father children (fitness-weighted)."""
        x = self.maternal_variant_frequency
        return self.fitness * x / (1.0 - x + self.fitness * x)

    @property
    def phenocopy_rate(self) -> float:
        """P(IPEX-like phenotype | no familial variant), calibrated so that an isolated affected male
        from the population has P(no FOXP3 variant) = phenocopy_fraction (see docs/risk-model.md)."""
        c = self.phenocopy_fraction
        x = self.maternal_variant_frequency
        if x >= 1.0:
            return 0.0
        return min(c * x * self.penetrance.lifetime / ((1.0 - c) * (1.0 - x)), 1.0)

    # --- InheritanceModel -------------------------------------------------------------------------

    def state_space(self, sex: Sex, can_be_mosaic: bool) -> StateSpace:
        """Male {0, 1}, female {0, 1, 2} copies (+ germline mosaic), unknown sex = both."""
        mosaic = can_be_mosaic and self.mosaicism_prior > 0.0
        if sex is Sex.MALE:
            return _MALE_MOSAIC if mosaic else _MALE
        if sex is Sex.FEMALE:
            return _FEMALE_MOSAIC if mosaic else _FEMALE
        return _UNKNOWN

    def _split_mosaic(self, space: StateSpace, dist: FloatArray) -> FloatArray:
        """Move a fraction `mosaicism_prior` of the non-carrier mass to the germline-mosaic state."""
        if not any(s.mosaic for s in space.states):
            return dist
        out = dist.copy()
        for i, s in enumerate(space.states):
            if s.mosaic:
                zero = next(
                    j for j, t in enumerate(space.states) if t.sex is s.sex and t.copies == 0 and not t.mosaic
                )
                out[i] = dist[zero] * self.mosaicism_prior
                out[zero] = dist[zero] * (1.0 - self.mosaicism_prior)
        return out

    def _child_distribution(self, space: StateSpace, a: float, b: float) -> FloatArray:
        """P(child state) when the maternal X carries the variant with prob a, the paternal with b."""
        dist = np.zeros(len(space))
        n_sexes = len({s.sex for s in space.states if not s.mosaic})
        weight = 1.0 / n_sexes
        for i, s in enumerate(space.states):
            if s.mosaic:
                continue
            if s.sex is Sex.MALE:
                dist[i] = weight * (a if s.copies == 1 else 1.0 - a)
            elif s.copies == 0:
                dist[i] = weight * (1.0 - a) * (1.0 - b)
            elif s.copies == 1:
                dist[i] = weight * (a * (1.0 - b) + b * (1.0 - a))
            else:
                dist[i] = weight * a * b
        return self._split_mosaic(space, dist)

    def founder_prior(self, space: StateSpace, is_father: bool) -> FloatArray:
        """Haldane equilibrium: males x (fathers w), females from x (maternal) and y (paternal X)."""
        x = self.maternal_variant_frequency
        y = self.father_hemizygous_frequency
        y = y + (1.0 - y) * self.mutation_rate_sperm
        if is_father:
            # A founder father's own X came from his mother: hemizygous with the fitness-weighted frequency.
            w = self.father_hemizygous_frequency
            dist = np.array([1.0 - w if not s.mosaic else 0.0 for s in space.states])
            dist[[i for i, s in enumerate(space.states) if s.copies == 1]] = w
            return self._split_mosaic(space, dist)
        return self._child_distribution(space, x, y)

    def maternal_transmission(self, space: StateSpace) -> FloatArray:
        """Each normal X of the mother mutates with mu; a carrier passes the variant with 1/2."""
        mu = self.mutation_rate_egg
        out = np.empty(len(space))
        for i, s in enumerate(space.states):
            if s.mosaic:
                out[i] = self.mosaic_transmission + (1.0 - self.mosaic_transmission) * mu
            else:
                half = s.copies / 2.0
                out[i] = half + (1.0 - half) * mu
        return out

    def paternal_transmission_to_daughter(self, space: StateSpace) -> FloatArray:
        """A hemizygous father passes the variant to every daughter; otherwise a new mutation (nu)."""
        nu = self.mutation_rate_sperm
        out = np.empty(len(space))
        for i, s in enumerate(space.states):
            if s.mosaic:
                out[i] = self.mosaic_transmission + (1.0 - self.mosaic_transmission) * nu
            else:
                out[i] = 1.0 if s.copies >= 1 else nu
        return out

    def transmission(self, child: StateSpace, father: StateSpace, mother: StateSpace) -> FloatArray:
        """P(child | father, mother); sons get only the maternal X, daughters one X from each parent."""
        a = self.maternal_transmission(mother)
        b = self.paternal_transmission_to_daughter(father)
        table = np.empty((len(child), len(father), len(mother)))
        for j, bj in enumerate(b):
            for k, ak in enumerate(a):
                table[:, j, k] = self._child_distribution(child, float(ak), float(bj))
        return table

    def penetrance_of(self, state: GenotypeState, age: float | None) -> float:
        """P(affected by this age | state), before phenocopies."""
        if state.mosaic or state.copies == 0:
            return 0.0
        if state.sex is Sex.FEMALE and state.copies == 1:
            return self.penetrance_female_heterozygous
        return self.penetrance.at(age)

    def evidence_likelihood(self, person: Person, space: StateSpace) -> FloatArray:
        """P(phenotype | state) × P(test result | state) for one person."""
        like = np.ones(len(space))
        if person.affected is not Affection.UNKNOWN:
            phi = self.phenocopy_rate
            for i, s in enumerate(space.states):
                pen = self.penetrance_of(s, person.age_years)
                p_aff = pen + (1.0 - pen) * phi
                like[i] = p_aff if person.affected is Affection.AFFECTED else 1.0 - p_aff
        if person.test is not None:
            sens = person.test.sensitivity if person.test.sensitivity is not None else self.test_sensitivity
            spec = person.test.specificity if person.test.specificity is not None else self.test_specificity
            carrier = space.carrier_mask()
            if person.test.result is TestResult.FOUND:
                like *= carrier * sens + (1.0 - carrier) * (1.0 - spec)
            else:
                like *= carrier * (1.0 - sens) + (1.0 - carrier) * spec
        return like

    def to_dict(self) -> dict[str, Any]:
        """Parameters, derived equilibrium frequencies and sources."""
        return {
            "inheritance": "X-linked recessive",
            "gene": "FOXP3",
            "mutation_rate_egg": self.mutation_rate_egg,
            "mutation_rate_sperm": self.mutation_rate_sperm,
            "fitness": self.fitness,
            "penetrance_male": self.penetrance.to_dict(),
            "penetrance_female_heterozygous": self.penetrance_female_heterozygous,
            "phenocopy_fraction": self.phenocopy_fraction,
            "phenocopy_rate": self.phenocopy_rate,
            "test_sensitivity": self.test_sensitivity,
            "test_specificity": self.test_specificity,
            "germline_mosaicism_prior": self.mosaicism_prior,
            "germline_mosaic_transmission": self.mosaic_transmission,
            "reproductive_age_limit": self.reproductive_age_limit,
            "equilibrium": {
                "affected_male_frequency_q": self.maternal_variant_frequency,
                "carrier_female_frequency_h": float(
                    self.founder_prior(self.state_space(Sex.FEMALE, False), False)[1]
                ),
                "father_hemizygous_frequency": self.father_hemizygous_frequency,
            },
            "sources": dict(self.sources),
        }
