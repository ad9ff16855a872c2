"""BA1, BS1 and PM2: population allele frequency against a threshold computed for each gene.

The maximum credible population allele frequency follows Whiffin et al. 2017 (Genet Med 19:1151, PMID
28518168,
doi:10.1038/gim.2017.26) with the inputs recorded per gene in panel.yaml:
  X-linked recessive (affected males):  q = (2 x prevalence) x allelic x genetic / penetrance
      (all patients are male, so the prevalence among males is twice the population prevalence;
       a male carries one X, so the male allele frequency equals the male carrier frequency)
  autosomal dominant:                    q = prevalence x allelic x genetic / (2 x penetrance)
  autosomal recessive:                   q = sqrt(prevalence x genetic / penetrance) x allelic
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ipexpath.confirm.acmg.base import CriterionResult, Strength, applied, not_applied
from ipexpath.confirm.acmg.context import EvaluationContext
from ipexpath.confirm.model import Variant
from ipexpath.confirm.panel import Gene


@dataclass(frozen=True)
class FrequencyThreshold:
    max_credible_af: float
    computation: str


def max_credible_af(gene: Gene) -> FrequencyThreshold:
    f = gene.frequency
    if gene.inheritance == "XLR":
        value = 2 * f.prevalence * f.max_allelic_contribution * f.max_genetic_contribution / f.penetrance
        text = (
            f"(2 x prevalence {f.prevalence:g}) x max allelic contribution {f.max_allelic_contribution:g} x "
            f"genetic contribution {f.max_genetic_contribution:g} / penetrance {f.penetrance:g} = {value:.2g}"
        )
    elif gene.inheritance == "AD":
        value = f.prevalence * f.max_allelic_contribution * f.max_genetic_contribution / (2 * f.penetrance)
        text = (
            f"prevalence {f.prevalence:g} x allelic {f.max_allelic_contribution:g} x genetic "
            f"{f.max_genetic_contribution:g} / (2 x penetrance {f.penetrance:g}) = {value:.2g}"
        )
    else:
        value = (
            math.sqrt(f.prevalence * f.max_genetic_contribution / f.penetrance) * f.max_allelic_contribution
        )
        text = (
            f"sqrt(prevalence {f.prevalence:g} x genetic {f.max_genetic_contribution:g} / penetrance "
            f"{f.penetrance:g}) x allelic {f.max_allelic_contribution:g} = {value:.2g}"
        )
    return FrequencyThreshold(value, f"Whiffin 2017 maximum credible AF for {gene.inheritance}: {text}")


def evaluate_frequency(variant: Variant, gene: Gene, ctx: EvaluationContext) -> list[CriterionResult]:
    rules = ctx.criteria["frequency"]
    pop = variant.population
    threshold = max_credible_af(gene)
    ba1_af = float(rules["ba1_af"])
    if not pop.af_checked and pop.af is None:
        reason = (
            "Not evaluated: no population allele frequency (gnomAD) in the input; "
            "annotate with VEP --af_gnomade."
        )
        return [
            not_applied("BA1", reason, rules["ba1_source"], evaluated=False),
            not_applied("BS1", reason, rules["bs1_source"], evaluated=False),
            not_applied("PM2", reason, rules["pm2_source"], evaluated=False),
        ]
    af = pop.af or 0.0
    where = f"{pop.af_source}" if pop.af_source else "population AF"
    hemi = f"; {pop.hemizygotes} hemizygous males" if pop.hemizygotes is not None else ""
    if af > ba1_af:
        return [
            applied(
                "BA1",
                Strength.STAND_ALONE,
                f"{where} = {af:.4g} is above the BA1 cut-off of {ba1_af:g} (5%).",
                rules["ba1_source"],
            ),
            not_applied("BS1", "Superseded by BA1.", rules["bs1_source"]),
            not_applied("PM2", f"Common variant ({where} = {af:.4g}).", rules["pm2_source"]),
        ]
    shown = f"{where} = {af:.4g}" if af else f"absent from the population data ({where}: no allele observed)"
    ba1 = not_applied("BA1", f"{shown[0].upper()}{shown[1:]}: not above {ba1_af:g}.", rules["ba1_source"])
    if af > threshold.max_credible_af:
        return [
            ba1,
            applied(
                "BS1",
                Strength.STRONG,
                f"{where} = {af:.4g}{hemi} is higher than the maximum credible allele frequency for "
                f"{gene.symbol}-related disease ({threshold.computation}).",
                rules["bs1_source"],
            ),
            not_applied(
                "PM2", "Frequency is above the maximum credible allele frequency.", rules["pm2_source"]
            ),
        ]
    bs1 = not_applied(
        "BS1",
        f"{shown[0].upper()}{shown[1:]}: does not exceed the maximum credible allele frequency "
        f"({threshold.computation}).",
        rules["bs1_source"],
    )
    if af == 0:
        text = (
            f"Absent from the population database ({where}: no allele observed){hemi}; "
            "applied at Supporting strength (ClinGen SVI)."
        )
    else:
        text = (
            f"Rare: {where} = {af:.4g}{hemi}, below the maximum credible allele frequency "
            f"{threshold.max_credible_af:.2g}; applied at Supporting strength (ClinGen SVI)."
        )
    return [ba1, bs1, applied("PM2", Strength.SUPPORTING, text, rules["pm2_source"])]
