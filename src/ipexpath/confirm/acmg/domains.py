"""PM1: variant in a critical, well-established functional domain (panel.yaml domains marked critical)."""

from __future__ import annotations

from ipexpath.confirm.acmg.base import CriterionResult, Strength, applied, not_applied
from ipexpath.confirm.acmg.context import EvaluationContext
from ipexpath.confirm.model import Consequence, Variant
from ipexpath.confirm.panel import Gene

SOURCE = "Richards 2015 PM1 (PMID 25741868); domain coordinates and strengths in panel.yaml"


def evaluate_pm1(variant: Variant, gene: Gene, ctx: EvaluationContext) -> CriterionResult:
    if variant.consequence not in (
        Consequence.MISSENSE,
        Consequence.INFRAME_DELETION,
        Consequence.INFRAME_INSERTION,
    ):
        return not_applied(
            "PM1",
            f"PM1 is for missense or small in-frame changes; this is {variant.consequence.value}.",
            SOURCE,
        )
    codon = variant.codon
    if codon is None:
        return not_applied(
            "PM1",
            "Not evaluated: the protein position is unknown (give the p. change).",
            SOURCE,
            evaluated=False,
        )
    domain = gene.domain_at(codon)
    if not gene.domains:
        return not_applied(
            "PM1", f"No curated critical domains for {gene.symbol} in the panel.", SOURCE, evaluated=False
        )
    if domain is None:
        return not_applied("PM1", f"Codon {codon} is outside the curated {gene.symbol} domains.", SOURCE)
    if not domain.critical or not domain.pm1_strength:
        return not_applied(
            "PM1",
            f"Codon {codon} is in the {domain.name} ({domain.start}-{domain.end}), which is not "
            "curated as a mutational hotspot/critical domain for PM1.",
            SOURCE,
        )
    strength = Strength.parse(domain.pm1_strength)
    return applied(
        "PM1",
        strength,
        f"Codon {codon} lies in the {gene.symbol} {domain.name} (residues "
        f"{domain.start}-{domain.end}; {domain.source}).",
        SOURCE,
    )
