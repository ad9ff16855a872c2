"""Test oracle and pedigree generators: brute-force enumeration of all genotype combinations.

Exponential in the number of people, so only for small pedigrees; it shares the model's factor
tables with the exact engine but none of its elimination order, clique tree or message passing.
The generators make random pedigrees (with loops and consanguinity) for the property tests and
benchmarks; they take a seeded `numpy.random.Generator`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ipexpath.counsel.elimination import FloatArray
from ipexpath.counsel.model import PenetranceCurve
from ipexpath.counsel.pedigree import Affection, Age, GeneticTest, Pedigree, Person, Sex, TestResult
from ipexpath.counsel.risk import build_network
from ipexpath.counsel.xlinked import XLinkedRecessive

MAX_JOINT_SIZE = 5_000_000


@dataclass(frozen=True)
class BruteForceResult:
    """Marginal p_variant per person and pregnancy risks from full enumeration."""

    p_variant: dict[str, float]
    p_carrier_daughter: dict[str, float]
    p_variant_son: dict[str, float]
    log_likelihood: float


def brute_force_risks(pedigree: Pedigree, model: XLinkedRecessive) -> BruteForceResult:
    """Enumerate the joint distribution of all genotypes (refuses more than MAX_JOINT_SIZE states)."""
    net = build_network(pedigree, model, future_daughters=False)
    cards = [len(s) for s in net.spaces]
    if int(np.prod(cards, dtype=np.float64)) > MAX_JOINT_SIZE:
        raise ValueError(f"joint of {int(np.prod(cards, dtype=np.float64))} states is too large to enumerate")
    joint: FloatArray = np.ones(cards)
    n = len(cards)
    for factor in net.factors:
        axes = np.argsort(factor.variables)
        table = np.transpose(factor.table, axes)
        shape = [1] * n
        for var in factor.variables:
            shape[var] = cards[var]
        joint = joint * table.reshape(shape)
    total = float(joint.sum())
    p_variant = {}
    for person in pedigree:
        v = net.person_var[person.id]
        marg = joint.sum(axis=tuple(i for i in range(n) if i != v)) / total
        p_variant[person.id] = float(marg @ net.spaces[v].carrier_mask())
    daughters: dict[str, float] = {}
    sons: dict[str, float] = {}
    father_space = model.state_space(Sex.MALE, False)
    b_population = float(
        model.founder_prior(father_space, True) @ model.paternal_transmission_to_daughter(father_space)
    )
    for woman_id, partner in net.partner_of.items():
        m = net.person_var[woman_id]
        a = model.maternal_transmission(net.spaces[m])
        marg_m = joint.sum(axis=tuple(i for i in range(n) if i != m)) / total
        sons[woman_id] = float(marg_m @ a)
        if partner is None:
            daughters[woman_id] = 1.0 - (1.0 - sons[woman_id]) * (1.0 - b_population)
            continue
        f = net.person_var[partner]
        b = model.paternal_transmission_to_daughter(net.spaces[f])
        pair = joint.sum(axis=tuple(i for i in range(n) if i not in (m, f))) / total
        pair = pair if m < f else pair.T  # axes (mother, father)
        daughters[woman_id] = float(np.sum(pair * (1.0 - np.outer(1.0 - a, 1.0 - b))))
    return BruteForceResult(p_variant, daughters, sons, float(np.log(total)))


def random_model(rng: np.random.Generator) -> XLinkedRecessive:
    """A model with random parameters in wide ranges (so that every term matters numerically)."""
    mu = float(10 ** rng.uniform(-4, -2))
    if rng.random() < 0.5:
        penetrance = PenetranceCurve.constant(float(rng.uniform(0.3, 1.0)))
    else:
        penetrance = PenetranceCurve(
            (0.0, 0.5, 2.0), (0.0, float(rng.uniform(0.2, 0.7)), float(rng.uniform(0.7, 1)))
        )
    mosaic = float(rng.uniform(0.0, 0.2)) if rng.random() < 0.3 else 0.0
    return XLinkedRecessive(
        mutation_rate_egg=mu,
        mutation_rate_sperm=mu * float(rng.uniform(0.2, 5.0)),
        fitness=float(rng.uniform(0.0, 0.9)),
        penetrance=penetrance,
        penetrance_female_heterozygous=float(rng.uniform(0.0, 0.3)) if rng.random() < 0.3 else 0.0,
        phenocopy_fraction=float(rng.uniform(0.0, 0.5)),
        test_sensitivity=float(rng.uniform(0.6, 0.999)),
        test_specificity=float(rng.uniform(0.9, 0.999)),
        mosaicism_prior=mosaic,
        mosaic_transmission=float(rng.uniform(0.05, 0.5)),
    )


def _random_evidence(
    rng: np.random.Generator, pid: str, sex: Sex, father: str | None, mother: str | None
) -> Person:
    statuses = (Affection.UNKNOWN, Affection.UNAFFECTED, Affection.AFFECTED)
    affected = statuses[int(rng.choice(3, p=[0.3, 0.5, 0.2]))]
    age = None if rng.random() < 0.3 else Age.from_years(float(rng.uniform(0.0, 60.0)))
    test = None
    if rng.random() < 0.25:
        result = TestResult.FOUND if rng.random() < 0.5 else TestResult.NOT_FOUND
        sens = float(rng.uniform(0.5, 0.99)) if rng.random() < 0.5 else None
        test = GeneticTest(result, sens, float(rng.uniform(0.9, 0.999)) if rng.random() < 0.3 else None)
    return Person(pid, sex, father, mother, affected, age, deceased=bool(rng.random() < 0.1), test=test)


def random_small_pedigree(rng: np.random.Generator, max_people: int = 12) -> Pedigree:
    """Random pedigree: parents drawn among everyone already present, so loops, inbreeding and
    parent-child matings occur; a few people have only one recorded parent or unknown sex."""
    n = int(rng.integers(1, max_people + 1))
    persons: list[Person] = []
    for i in range(n):
        pid = f"P{i}"
        males = [p.id for p in persons if p.sex is Sex.MALE]
        females = [p.id for p in persons if p.sex is Sex.FEMALE]
        father = str(rng.choice(males)) if males and rng.random() < 0.7 else None
        mother = str(rng.choice(females)) if females and rng.random() < 0.7 else None
        if father is not None and mother is None and rng.random() < 0.7:
            father = None
        sex = Sex.MALE if rng.random() < 0.5 else Sex.FEMALE
        persons.append(_random_evidence(rng, pid, sex, father, mother))
    parents = {x for p in persons for x in (p.father, p.mother) if x}
    final = []
    for p in persons:
        if p.id not in parents and rng.random() < 0.08:
            p = Person(
                p.id, Sex.UNKNOWN, p.father, p.mother, p.affected, p.age, p.deceased, p.proband, p.test
            )
        final.append(p)
    return Pedigree("RANDOM", tuple(final), "random")


def random_large_pedigree(rng: np.random.Generator, n_people: int, loops: int = 0) -> Pedigree:
    """A multi-generation family of about `n_people` (1-4 children per couple, most children marry in),
    with up to `loops` cousin marriages (each closes a loop through the shared grandparents)."""
    persons: list[Person] = []
    counter = [0]

    def add(sex: Sex, father: str | None, mother: str | None) -> str:
        counter[0] += 1
        pid = f"ID{counter[0]}"
        persons.append(_random_evidence(rng, pid, sex, father, mother))
        return pid

    generation = [(add(Sex.MALE, None, None), add(Sex.FEMALE, None, None))]
    loops_left = loops
    while len(persons) < n_people:
        next_children: list[tuple[str, Sex]] = []
        wanted = [int(rng.integers(1, 5)) for _ in generation]
        for round_ in range(max(wanted)):  # round-robin so every couple gets a child first
            for (father, mother), n_kids in zip(generation, wanted, strict=True):
                if round_ < n_kids and len(persons) < n_people:
                    sex = Sex.MALE if rng.random() < 0.5 else Sex.FEMALE
                    next_children.append((add(sex, father, mother), sex))
        if not next_children:
            break
        rng.shuffle(next_children)
        couples: list[tuple[str, str]] = []
        singles = list(next_children)
        parents_of = {p.id: (p.father, p.mother) for p in persons}
        if loops_left > 0:
            # cousin marriage (different parents, shared ancestors) -> a loop in the pedigree
            pairs = [
                (m, f)
                for m in singles
                for f in singles
                if m[1] is Sex.MALE and f[1] is Sex.FEMALE and parents_of[m[0]] != parents_of[f[0]]
            ]
            if pairs:
                m, f = pairs[0]
                couples.append((m[0], f[0]))
                singles.remove(m)
                singles.remove(f)
                loops_left -= 1
        for pid, sex in singles:
            if len(persons) >= n_people - len(couples) - 1 or (couples and rng.random() < 0.3):
                continue
            spouse = add(Sex.FEMALE if sex is Sex.MALE else Sex.MALE, None, None)
            couples.append((pid, spouse) if sex is Sex.MALE else (spouse, pid))
        if not couples:
            break
        generation = couples
    has_children = {x for p in persons for x in (p.father, p.mother) if x}
    kept = tuple(p for p in persons if not p.is_founder or p.id in has_children)
    return Pedigree("LARGE", kept, "generated")
