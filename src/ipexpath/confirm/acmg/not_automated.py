"""Criteria ipexpath does not automate, each with the reason (a curator can add them with --override)."""

from __future__ import annotations

from ipexpath.confirm.acmg.base import CriterionResult, not_applied
from ipexpath.confirm.model import Consequence, Variant
from ipexpath.confirm.panel import Gene

_SOURCE = "Richards 2015 (PMID 25741868); see docs/acmg-automation.md"


def _pm3(gene: Gene) -> str:
    """PM3 counts a second allele in trans: a recessive two-allele rule (ClinGen SVI PM3 v1.0 [K])."""
    if gene.inheritance == "AR":
        return (
            "Phase of two variants in this autosomal-recessive gene is not determined automatically; add "
            "with --override if in trans with a P/LP variant (ClinGen SVI PM3 v1.0 points)."
        )
    if gene.inheritance == "XLR":
        return (
            f"Not applicable: {gene.symbol} disease is X-linked; an affected male is hemizygous and has one "
            "allele, so there is no second allele in trans to count (PM3 is the in-trans rule for "
            "autosomal-recessive disease). Affected males are counted under PS4 instead."
        )
    return f"Not applicable: {gene.symbol} disease is autosomal dominant (PM3 is for recessive disease)."


def not_automated(variant: Variant, gene: Gene) -> list[CriterionResult]:
    reasons = {
        "PM3": _pm3(gene),
        "PP2": "Gene-level missense constraint is not bundled (gnomAD constraint not verified for "
        "this gene).",
        "BP1": "Gene-level truncating/missense ratio is not bundled.",
        "BP2": "Phase with another pathogenic variant is not determined automatically.",
        "BP3": "No repeat-region annotation is bundled.",
        "BP5": "An alternate molecular diagnosis must be judged by the clinician; add with --override.",
        "BP7": (
            "Synonymous: conservation is not bundled, so BP7 is not applied (SpliceAI is used under BP4)."
            if variant.consequence == Consequence.SYNONYMOUS
            else "Not a synonymous or deep-intronic variant."
        ),
    }
    return [not_applied(code, text, _SOURCE, evaluated=False) for code, text in reasons.items()]
