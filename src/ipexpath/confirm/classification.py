"""Points to class (Tavtigian et al. 2020) and clinician overrides."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from ipexpath.confirm.acmg.base import DEFAULT_STRENGTH, CriterionResult, Strength
from ipexpath.errors import InputError


class AcmgClassification(StrEnum):
    """Named like the GA4GH Phenopackets v2 AcmgPathogenicityClassification enum."""

    PATHOGENIC = "PATHOGENIC"
    LIKELY_PATHOGENIC = "LIKELY_PATHOGENIC"
    UNCERTAIN_SIGNIFICANCE = "UNCERTAIN_SIGNIFICANCE"
    LIKELY_BENIGN = "LIKELY_BENIGN"
    BENIGN = "BENIGN"

    @property
    def label(self) -> str:
        return {
            "PATHOGENIC": "Pathogenic",
            "LIKELY_PATHOGENIC": "Likely pathogenic",
            "UNCERTAIN_SIGNIFICANCE": "Uncertain significance",
            "LIKELY_BENIGN": "Likely benign",
            "BENIGN": "Benign",
        }[self.value]

    @property
    def is_pathogenic_or_likely(self) -> bool:
        return self in (AcmgClassification.PATHOGENIC, AcmgClassification.LIKELY_PATHOGENIC)


def classify_points(
    points: int, thresholds: dict[str, Any], stand_alone_benign: bool = False
) -> AcmgClassification:
    """Tavtigian 2020 Table 3: P >= 10, LP 6..9, VUS 0..5, LB -1..-6, B <= -7; BA1 is stand-alone Benign."""
    if stand_alone_benign:
        return AcmgClassification.BENIGN
    if points >= thresholds["pathogenic_min"]:
        return AcmgClassification.PATHOGENIC
    if points >= thresholds["likely_pathogenic_min"]:
        return AcmgClassification.LIKELY_PATHOGENIC
    if points <= thresholds["benign_max"]:
        return AcmgClassification.BENIGN
    if points <= thresholds["likely_benign_max"]:
        return AcmgClassification.LIKELY_BENIGN
    return AcmgClassification.UNCERTAIN_SIGNIFICANCE


@dataclass(frozen=True)
class Override:
    code: str
    strength: Strength | None  # None = switched off
    reason: str
    target: str | None = None  # 'c.1150G>A', 'p.Ala384Thr' or 'X-49251480-C-T'; None = every variant

    def matches(self, hgvs_c: str | None, hgvs_p: str | None, location: str | None) -> bool:
        if self.target is None:
            return True
        target = self.target.strip()
        return target in {hgvs_c, hgvs_p, location} or (hgvs_c is not None and target.endswith(":" + hgvs_c))


_OVERRIDE_RE = re.compile(r"^\s*([PB](?:VS|S|M|P|A|B)?\d)\s*=\s*([A-Za-z_ -]+?)\s*:\s*(.+?)\s*$")


def parse_override(text: str) -> Override:
    """'PS3=strong:Treg suppression assay, PMID ...' or 'PM2=off:seen in 3 healthy hemizygotes'.

    Prefix 'VARIANT@' to limit the override to one variant: 'c.1150G>A@PS3=moderate:...' (c., p. or
    CHROM-POS-REF-ALT).
    """
    target = None
    head, sep, tail = text.partition("@")
    if sep and "=" not in head:
        target, text = head.strip(), tail
    match = _OVERRIDE_RE.match(text)
    example = (
        "--override 'PS3=moderate:Treg suppression assay, PMID 12345678' or --override 'PM2=off:<reason>'"
    )
    if not match:
        raise InputError(
            f"The override '{text}' is not in the form CODE=STRENGTH:reason.", f"Example: {example}."
        )
    code, level, reason = match.group(1).upper(), match.group(2).strip().lower(), match.group(3)
    if code not in DEFAULT_STRENGTH and code != "PP5":
        raise InputError(
            f"'{code}' is not an ACMG/AMP criterion code that ipexpath knows.",
            f"Use one of: {', '.join(DEFAULT_STRENGTH)}.",
        )
    if code in ("PP5", "BP6"):
        raise InputError(
            f"{code} was retired by ClinGen SVI (Biesecker & Harrison 2018) and is not used.",
            "Add the underlying evidence (e.g. PS3, PS4) instead.",
        )
    if not reason.strip():
        raise InputError(f"The override '{text}' has no reason.", f"Example: {example}.")
    if level in ("off", "none", "remove", "no"):
        return Override(code, None, reason, target)
    try:
        strength = Strength.parse(level)
    except ValueError as exc:
        raise InputError(
            f"Unknown strength '{level}' in override '{text}'.",
            "Use very_strong, strong, moderate, supporting (or off).",
        ) from exc
    if code == "BA1" and strength != Strength.STAND_ALONE:
        strength = Strength.STAND_ALONE
    return Override(code, strength, reason, target)


def apply_overrides(criteria: list[CriterionResult], overrides: list[Override]) -> list[CriterionResult]:
    result = list(criteria)
    for override in overrides:
        index = next((i for i, c in enumerate(result) if c.code == override.code), None)
        before = result[index] if index is not None else None
        was = (
            f"was {before.display_code} ({'applied' if before.applied else 'not applied'}: {before.evidence})"
            if before
            else "was not evaluated"
        )
        new = CriterionResult(
            code=override.code,
            applied=override.strength is not None,
            strength=override.strength,
            evidence=f"Clinician override: {override.reason} ({was})",
            source="clinician override",
            overridden=True,
            override_reason=override.reason,
        )
        if index is None:
            result.append(new)
        else:
            result[index] = new
    return result


def total_points(criteria: list[CriterionResult]) -> int:
    return sum(c.points for c in criteria)


def with_pm1_pp3_cap(criteria: list[CriterionResult], cap: int) -> list[CriterionResult]:
    """Pejaver 2022: PM1 + PP3 together at most Strong (4 points); PM1 is reduced when the sum exceeds it."""
    pm1 = next((c for c in criteria if c.code == "PM1" and c.applied and not c.overridden), None)
    pp3 = next((c for c in criteria if c.code == "PP3" and c.applied and not c.overridden), None)
    if pm1 is None or pp3 is None or pm1.points + pp3.points <= cap:
        return criteria
    allowed = cap - pp3.points
    strength = {2: Strength.MODERATE, 1: Strength.SUPPORTING}.get(allowed)
    capped = replace(
        pm1,
        applied=strength is not None,
        strength=strength,
        evidence=pm1.evidence
        + f" Reduced so that PM1 + PP3 do not exceed Strong ({cap} points; Pejaver 2022).",
    )
    return [capped if c is pm1 else c for c in criteria]
