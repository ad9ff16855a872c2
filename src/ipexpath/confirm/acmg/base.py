"""Criterion results: code, strength, points, applied or not, and the sentence that says why."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Strength(StrEnum):
    STAND_ALONE = "stand_alone"
    VERY_STRONG = "very_strong"
    STRONG = "strong"
    MODERATE = "moderate"
    SUPPORTING = "supporting"

    @property
    def label(self) -> str:
        return {
            "stand_alone": "Stand-alone",
            "very_strong": "Very strong",
            "strong": "Strong",
            "moderate": "Moderate",
            "supporting": "Supporting",
        }[self.value]

    @classmethod
    def parse(cls, text: str) -> Strength:
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        aliases = {
            "vs": "very_strong", "verystrong": "very_strong", "very_strong": "very_strong",
            "s": "strong", "strong": "strong", "m": "moderate", "moderate": "moderate",
            "p": "supporting", "sup": "supporting", "supporting": "supporting",
            "stand_alone": "stand_alone", "standalone": "stand_alone", "a": "stand_alone",
        }  # fmt: skip
        if key not in aliases:
            raise ValueError(text)
        return cls(aliases[key])


# Tavtigian et al. 2020 (PMID 32720330) points per strength; BA1 is handled as stand-alone benign.
POINTS = {
    Strength.SUPPORTING: 1,
    Strength.MODERATE: 2,
    Strength.STRONG: 4,
    Strength.VERY_STRONG: 8,
    Strength.STAND_ALONE: 8,
}


def is_benign_code(code: str) -> bool:
    return code.startswith("B")


def points_for(code: str, strength: Strength) -> int:
    value = POINTS[strength]
    return -value if is_benign_code(code) else value


@dataclass(frozen=True)
class CriterionResult:
    """One ACMG/AMP criterion evaluated for one variant."""

    code: str
    applied: bool
    strength: Strength | None
    evidence: str
    source: str
    overridden: bool = False
    override_reason: str | None = None
    evaluated: bool = True  # False when the data needed were not available
    rule_points: float | None = None  # points in the criterion's own scheme (ClinGen SVI de novo points)

    @property
    def points(self) -> int:
        if not self.applied or self.strength is None:
            return 0
        return points_for(self.code, self.strength)

    @property
    def display_code(self) -> str:
        """'PVS1_Strong', 'PM2_Supporting', 'PS1' (default strength printed without suffix)."""
        if self.strength is None:
            return self.code
        default = DEFAULT_STRENGTH.get(self.code)
        if default == self.strength:
            return self.code
        suffix = {"very_strong": "VeryStrong", "stand_alone": "StandAlone"}.get(
            self.strength.value, self.strength.label
        )
        return f"{self.code}_{suffix}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.display_code,
            "applied": self.applied,
            "strength": self.strength.value if self.strength else None,
            "points": self.points,
            "evidence": self.evidence,
            "source": self.source,
            "evaluated": self.evaluated,
            "overridden": self.overridden,
            "override_reason": self.override_reason,
        }


DEFAULT_STRENGTH = {
    "PVS1": Strength.VERY_STRONG,
    "PS1": Strength.STRONG,
    "PS2": Strength.STRONG,
    "PS3": Strength.STRONG,
    "PS4": Strength.STRONG,
    "PM1": Strength.MODERATE,
    "PM2": Strength.MODERATE,
    "PM3": Strength.MODERATE,
    "PM4": Strength.MODERATE,
    "PM5": Strength.MODERATE,
    "PM6": Strength.MODERATE,
    "PP1": Strength.SUPPORTING,
    "PP2": Strength.SUPPORTING,
    "PP3": Strength.SUPPORTING,
    "PP4": Strength.SUPPORTING,
    "BA1": Strength.STAND_ALONE,
    "BS1": Strength.STRONG,
    "BS2": Strength.STRONG,
    "BS3": Strength.STRONG,
    "BS4": Strength.STRONG,
    "BP1": Strength.SUPPORTING,
    "BP2": Strength.SUPPORTING,
    "BP3": Strength.SUPPORTING,
    "BP4": Strength.SUPPORTING,
    "BP5": Strength.SUPPORTING,
    "BP7": Strength.SUPPORTING,
}


def applied(code: str, strength: Strength, evidence: str, source: str) -> CriterionResult:
    return CriterionResult(code=code, applied=True, strength=strength, evidence=evidence, source=source)


def not_applied(code: str, evidence: str, source: str, evaluated: bool = True) -> CriterionResult:
    return CriterionResult(
        code=code, applied=False, strength=None, evidence=evidence, source=source, evaluated=evaluated
    )
