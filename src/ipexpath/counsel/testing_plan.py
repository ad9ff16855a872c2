"""Cascade-testing plan: whom to test for the familial variant, in which order, and why.

Each candidate's targeted test is scored by the expected reduction of the summed uncertainty
(binary entropy, in bits) of every living relative's carrier probability, computed exactly by
re-running the risk engine with the test result set to 'found' and to 'not found'. The order is
greedy: the next test is the one with the largest expected gain *given the earlier tests' results*
(averaged over the outcomes of the last two chosen; only the six best single tests are re-scored;
above 60 people the single-test gains alone give the order, for speed),
so a sister's test ranks lower once the mother's result
already tells most of what the sister's would.

Who is tested first is decided by a clinical order before the information measure, which only breaks
ties inside a group (`TestingPriority`): an at-risk boy under 2 years first (GeneReviews NBK1118: clarify
at-risk males right after birth), then the mother of an isolated case (inherited or de novo decides
everyone else's risk), then parents and adults, then at-risk boys (a result changes their care now: IPEX
begins in infancy), and last girls, whose carrier testing is deferred until they can decide for themselves
(Botkin et al. 2015, ASHG points to consider, Am J Hum Genet 97:6-21, PMID 26140447). This is a decision
aid, not a substitute for genetic counselling; who is offered testing first is also a personal decision.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum
from itertools import product
from typing import Any

from ipexpath.counsel.elimination import CliqueTree
from ipexpath.counsel.pedigree import Affection, GeneticTest, Pedigree, Person, Sex, TestResult, TwinType
from ipexpath.counsel.risk import RiskResult, clique_tree_for, compute_risks
from ipexpath.counsel.xlinked import XLinkedRecessive
from ipexpath.errors import InputError
from ipexpath.numbers import percent

MIN_RISK_TO_OFFER = 1e-3  # below this carrier probability a test is not proposed (documented choice)
NEAR_CERTAIN = 0.999  # above this a carrier is treated as obligate: testing confirms, informs little
MAX_CONDITIONAL_DEPTH = 2  # earlier tests whose outcomes are enumerated when ordering later ones
LARGE_PEDIGREE = 60  # above this many people later steps use single-test gains only (speed)
RESCORED = 6  # after the first step only this many best single-test candidates are re-scored (speed)
NEAR_TIE = 0.95  # tests within 5% of the best gain are ordered by closeness to the index case (cascade)


@dataclass(frozen=True)
class TestOutcome:
    """One possible result of a proposed test and the risks it would leave every relative at."""

    __test__ = False  # not a pytest test class

    result: TestResult
    probability: float
    risks: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"result": self.result.value, "probability": self.probability, "p_variant_after": self.risks}


class TestingPriority(IntEnum):
    """The clinical order of targeted tests (lower first); expected information breaks ties within one."""

    INFANT_BOY = -1
    MOTHER_OF_ISOLATED_CASE = 0
    PARENT_OR_ADULT = 1
    BOY_CARE_NOW = 2
    GIRL_DEFERRED = 3

    @property
    def reason(self) -> str:
        """Why this group comes where it does."""
        return {
            -1: "At-risk boy under 2 years: test him now, directly. IPEX typically begins in the first year "
            "and most affected boys die within one to two years without treatment; GeneReviews NBK1118 "
            "advises clarifying at-risk males right after birth so that care (HSCT) can start before organ "
            "damage.",
            0: "Mother of an isolated case: her result tells whether the variant was inherited or arose de "
            "novo, which sets every other relative's risk.",
            1: "Parent or adult: can decide about testing for themselves.",
            2: "At-risk boy: a result changes his care now (IPEX begins in infancy; early monitoring or "
            "treatment).",
            3: "Carrier testing of a girl is deferred until she can decide for herself, unless "
            "it would change "
            "her care now (Botkin et al. 2015, PMID 26140447).",
        }[int(self)]


ADULT_YEARS = 18.0  # age of majority for consent to predictive or carrier testing (Botkin et al. 2015)
# An at-risk boy younger than this is tested first (ipexpath choice from GeneReviews NBK1118: IPEX typically
# begins in the first year, most affected males die within the first 1-2 years without treatment, and at-risk
# males are to be clarified right after birth so that treatment can start early).
INFANT_BOY_YEARS = 2.0


def testing_priority(pedigree: Pedigree, person: Person) -> TestingPriority:
    """The clinical group of a candidate (unknown age counts as adult)."""
    minor = person.age is not None and person.age.years < ADULT_YEARS
    probands = pedigree.probands()
    affected_others = [p for p in pedigree if p.affected is Affection.AFFECTED and not p.proband]
    if (
        person.sex is Sex.MALE
        and person.affected is not Affection.AFFECTED
        and person.age is not None
        and person.age.years < INFANT_BOY_YEARS
    ):
        return TestingPriority.INFANT_BOY
    if any(person.id == pb.mother for pb in probands) and not affected_others:
        return TestingPriority.MOTHER_OF_ISOLATED_CASE
    if not minor or pedigree.children(person.id):
        return TestingPriority.PARENT_OR_ADULT
    return TestingPriority.GIRL_DEFERRED if person.sex is Sex.FEMALE else TestingPriority.BOY_CARE_NOW


@dataclass(frozen=True)
class TestingStep:
    """A proposed targeted test, its rank and the reason for it."""

    __test__ = False  # not a pytest test class

    order: int
    id: str
    p_variant: float
    expected_information_bits: float
    reason: str
    outcomes: tuple[TestOutcome, ...]
    most_affected: tuple[str, ...]
    priority: TestingPriority = TestingPriority.PARENT_OR_ADULT

    @property
    def deferred(self) -> bool:
        """Carrier testing of a minor girl: listed, but deferred until she can decide for herself."""
        return self.priority is TestingPriority.GIRL_DEFERRED

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "order": self.order,
            "id": self.id,
            "p_variant": self.p_variant,
            "expected_information_bits": self.expected_information_bits,
            "priority": self.priority.name.lower(),
            "deferred": self.deferred,
            "reason": self.reason,
            "most_affected": list(self.most_affected),
            "outcomes": [o.to_dict() for o in self.outcomes],
        }


def _entropy(p: float) -> float:
    if p <= 0.0 or p >= 1.0:
        return 0.0
    return -(p * math.log2(p) + (1.0 - p) * math.log2(1.0 - p))


def _uncertainty(result: RiskResult, living: frozenset[str]) -> float:
    return sum(_entropy(r.p_variant) for r in result.individuals if r.id in living)


def _with_tests(pedigree: Pedigree, tests: dict[str, GeneticTest]) -> Pedigree:
    from dataclasses import replace

    return pedigree.with_persons(tuple(replace(p, test=tests.get(p.id, p.test)) for p in pedigree.persons))


def _p_positive(person_id: str, result: RiskResult, model: XLinkedRecessive) -> float:
    p = result.p_variant(person_id)
    return p * model.test_sensitivity + (1.0 - p) * (1.0 - model.test_specificity)


def _safe_risks(
    pedigree: Pedigree, model: XLinkedRecessive, tree: CliqueTree | None = None
) -> RiskResult | None:
    try:
        return compute_risks(pedigree, model, tree)
    except InputError:
        return None


def _mz_twin(pedigree: Pedigree, person: Person) -> Person | None:
    """The person's monozygotic co-twin, if recorded."""
    if person.twin is None or person.twin_type is not TwinType.MONOZYGOTIC or person.twin not in pedigree:
        return None
    return pedigree.get(person.twin)


def _answered_by_twin(pedigree: Pedigree, person: Person) -> bool:
    """Both monozygotic twins untested: one test answers for both, so only the first twin is listed. (A twin
    whose co-twin was tested stays listed: his own result confirms what the recorded zygosity implies.)"""
    twin = _mz_twin(pedigree, person)
    if twin is None or twin.test is not None or twin.deceased:
        return False
    return pedigree.index(twin.id) < pedigree.index(person.id)


def _candidates(pedigree: Pedigree, result: RiskResult, max_candidates: int) -> list[Person]:
    risks = result.by_id()
    pool = [
        p
        for p in pedigree
        if not p.deceased
        and p.test is None
        and risks[p.id].p_variant >= MIN_RISK_TO_OFFER
        and not _answered_by_twin(pedigree, p)
    ]
    pool.sort(key=lambda p: (-_entropy(min(risks[p.id].p_variant, 0.5)), pedigree.index(p.id)))
    return pool[:max_candidates]


def _branches(
    pedigree: Pedigree, model: XLinkedRecessive, chosen: list[str], base: RiskResult, tree: CliqueTree
) -> list[tuple[float, Pedigree, RiskResult]]:
    """All outcome combinations of the already chosen tests (up to the depth limit) with their weight."""
    enumerated = chosen[-MAX_CONDITIONAL_DEPTH:]
    out = []
    for outcome in product((TestResult.FOUND, TestResult.NOT_FOUND), repeat=len(enumerated)):
        tests = {pid: GeneticTest(res) for pid, res in zip(enumerated, outcome, strict=True)}
        ped = _with_tests(pedigree, tests)
        res = _safe_risks(ped, model, tree)
        if res is None:
            continue
        weight = math.exp(res.log_likelihood - base.log_likelihood)
        if weight > 1e-9:
            out.append((weight, ped, res))
    total = sum(w for w, _, _ in out) or 1.0
    return [(w / total, p, r) for w, p, r in out]


def _expected_gain(
    pedigree: Pedigree,
    model: XLinkedRecessive,
    person_id: str,
    before: RiskResult,
    living: frozenset[str],
    tree: CliqueTree,
) -> tuple[float, list[TestOutcome]]:
    now = _uncertainty(before, living)
    p_pos = _p_positive(person_id, before, model)
    gain = 0.0
    outcomes = []
    for res, prob in ((TestResult.FOUND, p_pos), (TestResult.NOT_FOUND, 1.0 - p_pos)):
        if prob <= 1e-12:
            continue
        after = _safe_risks(pedigree.with_test(person_id, GeneticTest(res)), model, tree)
        if after is None:
            continue
        gain += prob * (now - _uncertainty(after, living))
        outcomes.append(TestOutcome(res, prob, {r.id: r.p_variant for r in after.individuals}))
    return gain, outcomes


NO_FAMILIAL_VARIANT = (
    "No testing plan yet: targeted testing of relatives needs the family's FOXP3 variant, and nobody in the "
    "family file has tested positive. Test an affected family member first (the proband, or stored DNA of "
    "an affected relative who has died); GeneReviews NBK1118: once the FOXP3 pathogenic variant is known in "
    "an affected family member, carrier testing of female relatives and prenatal testing are possible."
)


def familial_variant_known(pedigree: Pedigree) -> bool:
    """Someone in the family has tested positive, so targeted tests of relatives are possible."""
    return any(p.test is not None and p.test.result is TestResult.FOUND for p in pedigree)


def plan_testing(
    pedigree: Pedigree,
    model: XLinkedRecessive | None = None,
    result: RiskResult | None = None,
    max_steps: int = 8,
    max_candidates: int = 12,
) -> tuple[TestingStep, ...]:
    """Ordered targeted tests for living, untested relatives at risk, each with its reason and outcomes."""
    model = model if model is not None else XLinkedRecessive.defaults()
    base = result if result is not None else compute_risks(pedigree, model)
    living = frozenset(p.id for p in pedigree if not p.deceased)
    candidates = _candidates(pedigree, base, max_candidates)
    tree = clique_tree_for(pedigree, model)
    single = {}
    for person in candidates:
        single[person.id] = _expected_gain(pedigree, model, person.id, base, living, tree)
    distance = _distance_to_index_cases(pedigree)
    priority = {p.id: testing_priority(pedigree, p) for p in candidates}
    chosen: list[str] = []
    steps: list[TestingStep] = []
    remaining = [p.id for p in candidates]
    while remaining and len(steps) < max_steps:
        if chosen and len(pedigree) <= LARGE_PEDIGREE:
            branches = _branches(pedigree, model, chosen, base, tree)
            rescored = sorted(remaining, key=lambda pid: -single[pid][0])[:RESCORED]
            scores = {
                pid: sum(
                    w * _expected_gain(ped, model, pid, res, living, tree)[0] for w, ped, res in branches
                )
                if pid in rescored
                else 0.0
                for pid in remaining
            }
        else:
            scores = {pid: single[pid][0] for pid in remaining}
        group = min(priority[pid] for pid in remaining)
        in_group = [pid for pid in remaining if priority[pid] == group]
        top = max(scores[pid] for pid in in_group)
        close = [pid for pid in in_group if scores[pid] >= NEAR_TIE * top]
        best = min(close, key=lambda pid: (distance.get(pid, 99), -scores[pid], pedigree.index(pid)))
        remaining.remove(best)
        chosen.append(best)
        gain_now, outcomes = single[best]
        steps.append(
            TestingStep(
                order=len(steps) + 1,
                id=best,
                p_variant=base.p_variant(best),
                expected_information_bits=scores[best],
                reason=priority[best].reason
                + " "
                + _reason(pedigree, model, best, base, outcomes, len(steps) == 0, scores[best], gain_now),
                outcomes=tuple(outcomes),
                most_affected=_most_affected(best, base, outcomes),
                priority=priority[best],
            )
        )
    return tuple(steps)


def _distance_to_index_cases(pedigree: Pedigree) -> dict[str, int]:
    """Parent-child steps from the nearest proband or relative who tested positive (cascade order)."""
    neighbours: dict[str, set[str]] = {p.id: set() for p in pedigree}
    for p in pedigree:
        for parent in (p.father, p.mother):
            if parent is not None:
                neighbours[p.id].add(parent)
                neighbours[parent].add(p.id)
    start = [
        p.id for p in pedigree if p.proband or (p.test is not None and p.test.result is TestResult.FOUND)
    ]
    dist = dict.fromkeys(start, 0)
    frontier = list(start)
    while frontier:
        nxt = []
        for pid in frontier:
            for other in neighbours[pid]:
                if other not in dist:
                    dist[other] = dist[pid] + 1
                    nxt.append(other)
        frontier = nxt
    return dist


def _most_affected(
    person_id: str, base: RiskResult, outcomes: list[TestOutcome], limit: int = 4
) -> tuple[str, ...]:
    before = {r.id: r.p_variant for r in base.individuals}
    change = {
        pid: max(abs(o.risks[pid] - p) for o in outcomes) if outcomes else 0.0
        for pid, p in before.items()
        if pid != person_id
    }
    ranked = sorted((pid for pid, c in change.items() if c > 0.01), key=lambda pid: -change[pid])
    return tuple(ranked[:limit])


def _reason(
    pedigree: Pedigree,
    model: XLinkedRecessive,
    person_id: str,
    base: RiskResult,
    outcomes: list[TestOutcome],
    first: bool,
    conditional_gain: float,
    gain_now: float,
) -> str:
    person = pedigree.get(person_id)
    p = base.p_variant(person_id)
    parts = [f"{person_id} carries the familial variant with probability {percent(p)}."]
    twin = _mz_twin(pedigree, person)
    if twin is not None and twin.test is not None:
        parts.append(
            f"The monozygotic twin {twin.id} was tested: as recorded, the twins share one genotype; a "
            "test of their own confirms it."
        )
    elif twin is not None:
        parts.append(f"The result also holds for the monozygotic twin {twin.id} (one genotype).")
    if p >= NEAR_CERTAIN and person.sex is Sex.MALE:
        parts.append("Near-certain: the test confirms it.")
    elif p >= NEAR_CERTAIN:
        parts.append(
            "Near-certain (obligate) carrier: the test confirms it for her own decisions but changes "
            "relatives' risks little."
        )
    if person.sex is Sex.MALE and person.age is not None and person.affected is Affection.UNAFFECTED:
        shown = model.penetrance.at(person.age.years) * 100
        parts.append(
            f"Unaffected so far at {person.age.years:.2g} y, an age by which {shown:.0f}% of hemizygous boys "
            "have shown IPEX features; a result now allows early monitoring or treatment."
        )
    affected = _most_affected(person_id, base, outcomes) if p < NEAR_CERTAIN else ()
    if affected:
        for outcome in outcomes:
            label = "If found" if outcome.result is TestResult.FOUND else "If not found"
            changes = ", ".join(
                f"{pid} {percent(base.p_variant(pid))} → {percent(outcome.risks[pid])}" for pid in affected
            )
            parts.append(f"{label} (chance {percent(outcome.probability)}): {changes}.")
    if first:
        parts.append(
            "Among the relatives of this group, no other single test tells more about the family (expected "
            "information, the tie-break)."
        )
    elif conditional_gain < 0.5 * gain_now:
        parts.append("Earlier tests in this plan already answer much of what this test would.")
    return " ".join(x for x in parts if x)
