"""Criteria ipexpath does not automate, each with the reason (a curator can add them with --override)."""

from __future__ import annotations

from ipexpath.confirm.acmg.base import CriterionResult, not_applied
from ipexpath.confirm.model import Consequence, Variant
from ipexpath.confirm.panel import Gene

_SOURCE = "Richards 2015 (PMID 25741868); see docs/acmg-automation.md"


def not_automated(variant: Variant, gene: Gene) -> list[CriterionResult]:
    reasons = {
        "PM3": (
            "Phase of two variants in this autosomal-recessive gene is not determined "
            "automatically; add with "
            "--override if in trans with a P/LP variant."
            if gene.inheritance == "AR"
            else f"Not applicable: {gene.symbol} disease is not autosomal recessive."
        ),
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
