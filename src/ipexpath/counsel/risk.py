"""Every relative's probability of carrying the familial variant, and risks for future pregnancies.

`compute_risks` turns a pedigree and an inheritance model into a Bayesian network (one genotype
variable per person; a hidden parent is added when only one parent is recorded; a hidden future
daughter for a woman whose partner is in the pedigree) and calls the exact engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ipexpath.counsel.elimination import (
    CliqueTree,
    Factor,
    FloatArray,
    ImpossibleEvidenceError,
    build_clique_tree,
    exact_marginals,
)
from ipexpath.counsel.model import InheritanceModel, StateSpace
from ipexpath.counsel.pedigree import Affection, Pedigree, Person, Sex
from ipexpath.counsel.xlinked import XLinkedRecessive
from ipexpath.errors import InputError


@dataclass(frozen=True)
class IndividualRisk:
    """Posterior genotype of one person."""

    id: str
    sex: Sex
    p_variant: float
    genotype: dict[str, float]
    prior_p_variant: float
    p_germline_mosaic: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        out: dict[str, Any] = {
            "id": self.id,
            "sex": self.sex.word,
            "p_variant": self.p_variant,
            "genotype": self.genotype,
            "prior_p_variant": self.prior_p_variant,
        }
        if self.p_germline_mosaic:
            out["p_germline_mosaic"] = self.p_germline_mosaic
        return out


@dataclass(frozen=True)
class PregnancyRisk:
    """Risks for a future child of a woman who could have children."""

    mother: str
    p_affected_son: float
    p_carrier_daughter: float
    p_variant_son: float
    partner: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "mother": self.mother,
            "p_affected_son": self.p_affected_son,
            "p_carrier_daughter": self.p_carrier_daughter,
            "p_variant_son": self.p_variant_son,
            "partner": self.partner,
        }


@dataclass(frozen=True)
class RiskResult:
    """Exact posterior risks for a pedigree under one model."""

    family_id: str
    model: dict[str, Any]
    individuals: tuple[IndividualRisk, ...]
    pregnancies: tuple[PregnancyRisk, ...]
    log_likelihood: float
    testing_plan: tuple[Any, ...] = field(default=())

    def with_testing_plan(self, plan: tuple[Any, ...]) -> RiskResult:
        """A copy carrying a testing plan (from `plan_testing`)."""
        return replace(self, testing_plan=tuple(plan))

    def by_id(self) -> dict[str, IndividualRisk]:
        """Risks keyed by person id."""
        return {r.id: r for r in self.individuals}

    def p_variant(self, person_id: str) -> float:
        """Shortcut: P(person carries the familial variant)."""
        return self.by_id()[person_id].p_variant

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `ipexpath family --json`."""
        return {
            "family": self.family_id,
            "model": self.model,
            "individuals": [r.to_dict() for r in self.individuals],
            "pregnancies": [p.to_dict() for p in self.pregnancies],
            "testing_plan": [s.to_dict() for s in self.testing_plan],
            "log_likelihood": self.log_likelihood,
        }


@dataclass(frozen=True)
class Network:
    """The Bayesian network of a pedigree: variables, state spaces and factors."""

    names: tuple[str, ...]  # person id, or '~…' for hidden helpers
    spaces: tuple[StateSpace, ...]
    factors: tuple[Factor, ...]
    person_var: dict[str, int]
    daughter_var: dict[str, int]  # woman id -> hidden future daughter variable
    partner_of: dict[str, str | None]


ADULT_YEARS = 18.0  # no future-pregnancy figures are computed for girls (children are not counselled so)


def may_have_children(person: Person, model: XLinkedRecessive) -> bool:
    """A living adult woman below the reproductive age limit (or of unknown age); never a girl."""
    if person.sex is not Sex.FEMALE or person.deceased:
        return False
    return person.age is None or ADULT_YEARS <= person.age.years <= model.reproductive_age_limit


def _partner(pedigree: Pedigree, woman: Person) -> str | None:
    fathers = {c.father for c in pedigree.children(woman.id)}
    if len(fathers) == 1:
        (only,) = fathers
        return only
    return None


def mosaic_candidates(pedigree: Pedigree) -> frozenset[str]:
    """Parents who get a germline-mosaic state: those on a line of descent to someone with evidence
    (affected, or with a test result). Elsewhere the state's prior (order 1e-7, model_defaults.yaml) changes
    no figure visibly but would enlarge every table of the exact engine by a third."""
    informative = [p.id for p in pedigree if p.affected is Affection.AFFECTED or p.test is not None]
    lines = set(informative).union(*(pedigree.ancestors(pid) for pid in informative))
    return frozenset(
        parent for p in pedigree if p.id in lines for parent in (p.father, p.mother) if parent is not None
    )


def build_network(pedigree: Pedigree, model: XLinkedRecessive, future_daughters: bool = True) -> Network:
    """One variable per person, hidden parents where one is missing, transmission and evidence factors.

    Genetic links only: a person adopted in is a founder (`Pedigree.biological`). Monozygotic twins share one
    genotype variable: the second twin adds only the evidence of their phenotype and test to it.
    """
    pedigree = pedigree.biological()
    same_as = pedigree.monozygotic_twin_of()
    parents = pedigree.parents_of_anyone()
    names: list[str] = []
    spaces: list[StateSpace] = []
    person_var: dict[str, int] = {}
    partner_of: dict[str, str | None] = {}
    women = [p for p in pedigree if may_have_children(p, model)]
    for w in women:
        partner_of[w.id] = _partner(pedigree, w)
    can_be_mosaic = mosaic_candidates(pedigree)
    can_be_mosaic |= {same_as[pid] for pid in can_be_mosaic if pid in same_as}
    for person in pedigree:
        if person.id in same_as:
            continue
        person_var[person.id] = len(names)
        names.append(person.id)
        spaces.append(model.state_space(person.sex, person.id in can_be_mosaic))
    for twin, first in same_as.items():
        person_var[twin] = person_var[first]
    factors: list[Factor] = []

    def hidden(label: str, sex: Sex) -> int:
        names.append(label)
        spaces.append(model.state_space(sex, True))
        var = len(names) - 1
        factors.append(Factor((var,), model.founder_prior(spaces[var], is_father=sex is Sex.MALE)))
        return var

    for person in pedigree:
        v = person_var[person.id]
        evidence = model.evidence_likelihood(person, spaces[v])
        if person.id in same_as:  # the co-twin's variable already has its parents: add this twin's evidence
            factors.append(Factor((v,), evidence))
            continue
        if person.is_founder:
            prior = model.founder_prior(spaces[v], is_father=person.sex is Sex.MALE and person.id in parents)
            factors.append(Factor((v,), prior * evidence))
            continue
        f = person_var[person.father] if person.father else hidden(f"~father-of-{person.id}", Sex.MALE)
        m = person_var[person.mother] if person.mother else hidden(f"~mother-of-{person.id}", Sex.FEMALE)
        table = model.transmission(spaces[v], spaces[f], spaces[m]) * evidence[:, None, None]
        factors.append(Factor((v, f, m), table))
    daughter_var: dict[str, int] = {}
    for w in women:
        partner = partner_of[w.id]
        if partner is None or not future_daughters:
            continue
        var = len(names)
        names.append(f"~future-daughter-of-{w.id}")
        spaces.append(model.state_space(Sex.FEMALE, False))
        f, m = person_var[partner], person_var[w.id]
        factors.append(Factor((var, f, m), model.transmission(spaces[var], spaces[f], spaces[m])))
        daughter_var[w.id] = var
    return Network(tuple(names), tuple(spaces), tuple(factors), person_var, daughter_var, partner_of)


def _impossible(pedigree: Pedigree, model: XLinkedRecessive) -> InputError:
    hints = []
    if model.fitness == 0.0 and any(
        p.sex is Sex.MALE and p.affected is Affection.AFFECTED and pedigree.children(p.id) for p in pedigree
    ):
        hints.append("an affected man has children while the fitness is 0: use --fitness above 0")
    if model.phenocopy_fraction == 0.0:
        hints.append("affected people without the variant need a phenocopy fraction above 0")
    hints.append("check test results that contradict each other or a sensitivity/specificity of exactly 1")
    return InputError(
        f"The evidence in family '{pedigree.family_id}' is impossible under the model (probability 0).",
        "; ".join(hints) + ".",
    )


def compute_risks(
    pedigree: Pedigree, model: XLinkedRecessive | None = None, tree: CliqueTree | None = None
) -> RiskResult:
    """Exact posterior risks (variable elimination) for everyone, plus future-pregnancy risks.

    `tree` (from `clique_tree_for`) may be passed to reuse the elimination structure when only the
    evidence changes (same people, parents and sexes), as the testing plan does.
    """
    model = model if model is not None else XLinkedRecessive.defaults()
    net = build_network(pedigree, model)
    cards = [len(s) for s in net.spaces]
    try:
        marginals, log_z = exact_marginals(cards, net.factors, tree)
    except ImpossibleEvidenceError as exc:
        raise _impossible(pedigree, model) from exc
    return summarise(pedigree, model, net, marginals, log_z)


def clique_tree_for(pedigree: Pedigree, model: XLinkedRecessive) -> CliqueTree:
    """The elimination structure of a pedigree (depends on people, parents and sexes, not on evidence)."""
    net = build_network(pedigree, model)
    return build_clique_tree(
        len(net.spaces), [len(s) for s in net.spaces], [f.variables for f in net.factors]
    )


def summarise(
    pedigree: Pedigree,
    model: XLinkedRecessive,
    net: Network,
    marginals: list[FloatArray],
    log_z: float,
) -> RiskResult:
    """Turn variable marginals into per-person risks and pregnancy risks."""
    parents = pedigree.parents_of_anyone()
    individuals = []
    for person in pedigree:
        v = net.person_var[person.id]
        space = net.spaces[v]
        post = marginals[v]
        genotype: dict[str, float] = {}
        for s, p in zip(space.states, post, strict=True):
            key = s.label if person.sex is not Sex.UNKNOWN else f"{s.sex.word}-{s.label}"
            genotype[key] = genotype.get(key, 0.0) + float(p)
        prior_space = model.state_space(person.sex, False)
        prior = model.founder_prior(prior_space, is_father=person.sex is Sex.MALE and person.id in parents)
        individuals.append(
            IndividualRisk(
                id=person.id,
                sex=person.sex,
                p_variant=_clip(float(post @ space.carrier_mask())),
                genotype=genotype,
                prior_p_variant=float(prior @ prior_space.carrier_mask()),
                p_germline_mosaic=_clip(float(post @ space.mosaic_mask())),
            )
        )
    pregnancies = []
    for woman_id, partner in net.partner_of.items():
        v = net.person_var[woman_id]
        a = _clip(float(marginals[v] @ model.maternal_transmission(net.spaces[v])))
        if woman_id in net.daughter_var:
            d = net.daughter_var[woman_id]
            p_daughter = float(marginals[d] @ net.spaces[d].carrier_mask())
        else:
            father_space = model.state_space(Sex.MALE, False)
            b = float(
                model.founder_prior(father_space, True)
                @ model.paternal_transmission_to_daughter(father_space)
            )
            p_daughter = 1.0 - (1.0 - a) * (1.0 - b)
        pregnancies.append(
            PregnancyRisk(
                mother=woman_id,
                p_affected_son=_clip(a * model.penetrance.lifetime),
                p_carrier_daughter=_clip(p_daughter),
                p_variant_son=a,
                partner=partner,
            )
        )
    return RiskResult(
        family_id=pedigree.family_id,
        model=model.to_dict(),
        individuals=tuple(individuals),
        pregnancies=tuple(pregnancies),
        log_likelihood=log_z,
    )


def _clip(p: float) -> float:
    return float(np.clip(p, 0.0, 1.0))


def model_protocol_check(model: XLinkedRecessive) -> InheritanceModel:
    """Static check that the X-linked model satisfies the engine's `InheritanceModel` protocol."""
    return model
