"""What a variant card shows: criteria applied / not applied / not evaluated (with what is needed), the
ClinVar assertions (context only), a flagged conflict, the sources, and the path to reclassification.

Why: the report's variant card (documents helper) renders this typed object; the reasoning stays here.
ClinVar is shown, never counted (PP5/BP6 retired, Biesecker & Harrison 2018, PMID 29543229); a
disagreement between the computed class and a ClinVar assertion of >= 2 review stars is flagged for review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ipexpath.confirm.acmg.base import CriterionResult
from ipexpath.confirm.classification import AcmgClassification


@dataclass(frozen=True)
class ClinvarView:
    """One ClinVar assertion as shown on the card."""

    accession: str  # VCV000011410
    classification: str
    review_status: str
    stars: int | None
    date: str | None
    url: str
    where: str  # "curated evidence file" or "your ClinVar file"

    @property
    def group(self) -> str | None:
        """'P_LP', 'B_LB', 'VUS' or None (conflicting / other)."""
        text = self.classification.lower()
        if "conflicting" in text:
            return None
        if "pathogenic" in text and "benign" not in text:
            return "P_LP"
        if "benign" in text and "pathogenic" not in text:
            return "B_LB"
        if "uncertain" in text:
            return "VUS"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "accession": self.accession,
            "classification": self.classification,
            "review_status": self.review_status,
            "stars": self.stars,
            "date": self.date,
            "url": self.url,
            "where": self.where,
        }


@dataclass(frozen=True)
class ClinvarConflict:
    """The computed class disagrees with a ClinVar assertion of >= 2 stars."""

    assertion: ClinvarView
    computed: AcmgClassification
    opposite: bool  # P/LP against LB/B (or the reverse): the most serious kind
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"assertion": self.assertion.to_dict(), "opposite": self.opposite, "message": self.message}


@dataclass(frozen=True)
class CitedSource:
    id: str
    citation: str
    url: str


@dataclass(frozen=True)
class VariantCard:
    """Everything the card needs, ready to render."""

    classification: AcmgClassification
    points: int
    applied: tuple[CriterionResult, ...]
    not_applied: tuple[CriterionResult, ...]
    not_evaluated: tuple[CriterionResult, ...]  # each .evidence says what is needed
    clinvar: tuple[ClinvarView, ...]
    conflict: ClinvarConflict | None
    sources: tuple[CitedSource, ...]
    reclassification: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "classification": self.classification.label,
            "points": self.points,
            # criteria by code: their sentences and sources are in the variant's "criteria" list (once)
            "applied": [c.display_code for c in self.applied],
            "not_applied": [c.code for c in self.not_applied],
            "not_evaluated": [c.code for c in self.not_evaluated],
            "clinvar": [c.to_dict() for c in self.clinvar],
            "clinvar_conflict": self.conflict.to_dict() if self.conflict else None,
            "sources": [{"id": s.id, "citation": s.citation, "url": s.url} for s in self.sources],
            "path_to_reclassification": list(self.reclassification),
        }


_GROUP = {
    AcmgClassification.PATHOGENIC: "P_LP",
    AcmgClassification.LIKELY_PATHOGENIC: "P_LP",
    AcmgClassification.UNCERTAIN_SIGNIFICANCE: "VUS",
    AcmgClassification.LIKELY_BENIGN: "B_LB",
    AcmgClassification.BENIGN: "B_LB",
}


def clinvar_conflict(
    computed: AcmgClassification, assertions: tuple[ClinvarView, ...], min_stars: int = 2
) -> ClinvarConflict | None:
    """The first >= 2-star assertion whose class group differs from the computed one (opposite first)."""
    mine = _GROUP[computed]
    found: list[ClinvarConflict] = []
    for view in assertions:
        if view.stars is None or view.stars < min_stars or view.group is None or view.group == mine:
            continue
        opposite = {view.group, mine} == {"P_LP", "B_LB"}
        message = (
            f"REVIEW: ipexpath computes {computed.label}, but ClinVar {view.accession} "
            f"({view.stars} stars, {view.review_status}) says {view.classification}. "
            + ("The two point in opposite directions; " if opposite else "The classes differ; ")
            + "check the population data (QC, hemizygotes), the curated evidence and the ClinVar submissions "
            "before reporting. ClinVar is shown for context only and is not counted as evidence."
        )
        found.append(ClinvarConflict(view, computed, opposite, message))
    found.sort(key=lambda c: not c.opposite)
    return found[0] if found else None


# What each pathogenic criterion would need, and the most it can add (Tavtigian 2020 points); a criterion
# already applied is listed only when a stronger level exists (its sentence says what would raise it).
_NEEDED: dict[str, tuple[str, int]] = {
    "PS4": ("more unrelated affected probands in the literature (1 / 2-3 / >= 4 = +1 / +2 / +4)", 4),
    "PS3": ("a well-established functional assay with variant controls (Brnich 2020; OddsPath)", 4),
    "PS2": ("de novo observations with the parents (the mother, for an X-linked son) tested (PS2/PM6)", 4),
    "PP1": ("co-segregation in 3 / 5 / 7 informative meioses (+1 / +2 / +4)", 4),
    "PM2": ("gnomAD data for the site (absent or below the maximum credible AF: PM2_Supporting)", 1),
    "PP3": (
        "a REVEL score (>= 0.644, Pejaver 2022; PM1 + PP3 capped at +4) or SpliceAI >= 0.2 (Walker 2023)",
        4,
    ),
    "PP4": ("the phenotype ranking of the patient (ipexpath rank)", 1),
}


def reclassification_path(
    points: int, thresholds: dict[str, Any], ba1: bool, criteria: tuple[CriterionResult, ...] = ()
) -> tuple[str, ...]:
    """How many points would move the class up or down (Tavtigian 2020 thresholds), and which evidence for
    this variant is still missing and could add them."""
    steps = list(_thresholds(points, thresholds, ba1))
    if ba1 or points >= int(thresholds["pathogenic_min"]):
        return tuple(steps)
    by_code = {c.code: c for c in criteria}
    missing = []
    for code, (what, most) in _NEEDED.items():
        c = by_code.get(code)
        if code == "PS2" and c is not None and not c.applied and by_code.get("PM6") is not None:
            c = by_code["PM6"] if by_code["PM6"].applied else c
        if c is None or (c.applied and c.points >= most):
            continue
        if not c.applied and "Not applicable" in c.evidence:
            continue
        gain = most - max(c.points, 0)
        missing.append(f"{code} (up to +{gain}): {what}")
    if missing:
        steps.append("Evidence still missing for this variant: " + "; ".join(missing) + ".")
    return tuple(steps)


def _thresholds(points: int, thresholds: dict[str, Any], ba1: bool) -> tuple[str, ...]:
    """How many points would move the class up or down (Tavtigian 2020 thresholds)."""
    if ba1:
        return ("Benign by BA1 (stand-alone): only a review of the frequency source can change it.",)
    lp, p = int(thresholds["likely_pathogenic_min"]), int(thresholds["pathogenic_min"])
    lb, b = int(thresholds["likely_benign_max"]), int(thresholds["benign_max"])
    steps = []
    if points < lp:
        steps.append(
            f"Likely pathogenic needs >= {lp} points: {lp - points} more (e.g. Moderate = 2: PS4_Moderate "
            "for "
            "2-3 unrelated published probands, PS3_Moderate for a validated assay, PP1_Moderate for 5 "
            "informative meioses)."
        )
    if points < p:
        steps.append(f"Pathogenic needs >= {p} points: {p - points} more.")
    if points > lb:
        steps.append(f"Likely benign needs <= {lb} points: {points - lb} fewer (benign evidence or review).")
    if points > b and points <= lb:
        steps.append(f"Benign needs <= {b} points: {points - b} fewer.")
    return tuple(steps)
