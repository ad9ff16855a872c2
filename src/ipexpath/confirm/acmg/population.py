"""BA1, BS1 and PM2 for a rare (X-linked recessive) disease: filtering allele frequency, minimum allele count,
QC-failed sites ignored, hemizygotes reported separately.

The maximum credible population allele frequency follows Whiffin et al. 2017 (Genet Med 19:1151, PMID
28518168, doi:10.1038/gim.2017.26) with the inputs recorded per gene in panel.yaml (prevalence, allelic and
genetic heterogeneity, penetrance, each with its source):
  X-linked recessive (affected males):  q = (2 x prevalence) x allelic x genetic / penetrance
      (all patients are male, so the prevalence among males is twice the population prevalence;
       a male carries one X, so the male allele frequency equals the male carrier frequency)
  autosomal dominant:                    q = prevalence x allelic x genetic / (2 x penetrance)
  autosomal recessive:                   q = sqrt(prevalence x genetic / penetrance) x allelic

The frequency compared with q for BS1/BA1 is the filtering allele frequency (FAF95): gnomAD's own faf95 when
the annotation carries it, else computed from the allele count (AC) and number (AN) as the lower bound of the
one-sided 95 % Poisson confidence interval (the gnomAD convention; Whiffin 2017 compares this lower
bound with q). BS1 also needs AC >= criteria.yaml `bs1_min_allele_count`; BA1 needs AN >= 2,000 (ClinGen SVI,
Ghosh et al. 2018). A site that failed the population database's QC is not used. PM2 uses the point estimate;
for an X-linked recessive gene it is withheld when the population data hold hemizygous males (an affected
genotype), whatever the frequency.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ipexpath.confirm.acmg.base import CriterionResult, Strength, applied, not_applied
from ipexpath.confirm.acmg.context import EvaluationContext
from ipexpath.confirm.model import PopulationData, Variant
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


def filtering_af(ac: int, an: int, confidence: float = 0.95) -> float:
    """Lower bound of the one-sided Poisson confidence interval of AC / AN (gnomAD 'faf95'); 0 when AC = 0."""
    if ac <= 0 or an <= 0:
        return 0.0
    from scipy.stats import chi2

    return float(chi2.ppf(1 - confidence, 2 * ac) / 2) / an


@dataclass(frozen=True)
class FrequencyEstimate:
    """The frequency used for BA1/BS1 (filtering AF when possible) and for PM2 (point estimate)."""

    filtering: float
    point: float
    text: str


def estimate(pop: PopulationData) -> FrequencyEstimate:
    where = pop.af_source or "population database"
    if pop.ac is not None and pop.an:
        point = pop.ac / pop.an
        faf = pop.faf95 if pop.faf95 is not None else filtering_af(pop.ac, pop.an)
        how = "given" if pop.faf95 is not None else "computed, 95% Poisson lower bound"
        text = f"{where}: AC {pop.ac} / AN {pop.an:,} (AF {point:.3g}; filtering AF {faf:.3g}, {how})"
        return FrequencyEstimate(faf, point, text)
    point = pop.af or 0.0
    if pop.faf95 is not None:
        return FrequencyEstimate(pop.faf95, point, f"{where}: AF {point:.3g}, filtering AF {pop.faf95:.3g}")
    return FrequencyEstimate(
        point,
        point,
        f"{where}: AF {point:.3g} (no AC/AN in the input: the point estimate stands in for the FAF)",
    )


def _hemizygotes(pop: PopulationData, gene: Gene) -> str:
    if pop.hemizygotes is None or gene.inheritance != "XLR":
        return ""
    return (
        f" {pop.hemizygotes} hemizygous male(s) in the population data: reported here but weighed separately "
        "(BS2 counts healthy adult hemizygotes from the family and the curated literature; population "
        "participants' health and age are unknown)."
    )


def evaluate_frequency(variant: Variant, gene: Gene, ctx: EvaluationContext) -> list[CriterionResult]:
    rules = ctx.criteria["frequency"]
    pop = variant.population
    threshold = max_credible_af(gene)
    ba1_af = float(rules["ba1_af"])
    ba1_min_an = int(rules["ba1_min_an"])
    min_ac = int(rules["bs1_min_allele_count"])
    sources = (rules["ba1_source"], rules["bs1_source"], rules["pm2_source"])
    if not pop.af_checked and pop.af is None and pop.ac is None:
        reason = (
            "Not evaluated: no population allele frequency (gnomAD) in the input; "
            "annotate with VEP --af_gnomade (or give --af / --ac --an)."
        )
        return [
            not_applied(c, reason, s, evaluated=False)
            for c, s in zip(("BA1", "BS1", "PM2"), sources, strict=True)
        ]
    if pop.qc_failed:
        reason = (
            "Not evaluated: the site failed the population database's quality control "
            f"({pop.af_source or 'QC flag'}); its frequency is not used."
        )
        return [
            not_applied(c, reason, s, evaluated=False)
            for c, s in zip(("BA1", "BS1", "PM2"), sources, strict=True)
        ]
    est = estimate(pop)
    hemi = _hemizygotes(pop, gene)
    absent = est.point == 0 and est.filtering == 0
    if est.filtering > ba1_af:
        if pop.an is not None and pop.an < ba1_min_an:
            ba1 = not_applied(
                "BA1",
                f"{est.text} is above {ba1_af:g} but AN {pop.an} < {ba1_min_an} alleles.",
                rules["ba1_source"],
            )
        else:
            return [
                applied(
                    "BA1",
                    Strength.STAND_ALONE,
                    f"{est.text} is above the BA1 cut-off of {ba1_af:g} (5%).",
                    rules["ba1_source"],
                ),
                not_applied("BS1", "Superseded by BA1.", rules["bs1_source"]),
                not_applied("PM2", f"Common variant ({est.text}).", rules["pm2_source"]),
            ]
    else:
        ba1 = not_applied("BA1", f"{est.text}: not above {ba1_af:g}.", rules["ba1_source"])
    q = threshold.max_credible_af
    if est.filtering > q:
        if pop.ac is not None and pop.ac < min_ac:
            bs1 = not_applied(
                "BS1",
                f"{est.text} exceeds the maximum credible AF {q:.2g}, but only {pop.ac} allele(s) were "
                "observed "
                f"(at least {min_ac} are required before BS1 applies).{hemi}",
                rules["bs1_source"],
            )
        else:
            return [
                ba1,
                applied(
                    "BS1",
                    Strength.STRONG,
                    f"{est.text} is higher than the maximum credible allele frequency for "
                    f"{gene.symbol}-related "
                    f"disease ({threshold.computation}).{hemi}",
                    rules["bs1_source"],
                ),
                not_applied(
                    "PM2", "Frequency is above the maximum credible allele frequency.", rules["pm2_source"]
                ),
            ]
    else:
        bs1 = not_applied(
            "BS1",
            f"{est.text}: does not exceed the maximum credible allele frequency "
            f"({threshold.computation}).{hemi}",
            rules["bs1_source"],
        )
    if gene.inheritance == "XLR" and pop.hemizygotes:
        # X-linked recessive: only a hemizygous male has the disease genotype, so "absent from controls" is
        # judged on the male (hemizygote) count; heterozygous women are expected healthy carriers
        # (criteria.yaml pm2_xlr_source). A male in the population data is not healthy *evidence* (BS2)
        # either: his age and health are unknown, and hypomorphic FOXP3 alleles exist.
        return [
            ba1,
            bs1,
            not_applied(
                "PM2",
                f"{est.text}: {pop.hemizygotes} hemizygous male(s) carry it in the population data, so it is "
                "not absent from controls for an X-linked recessive disease (PM2 is judged on hemizygous "
                "males; not used as BS2: their age and health are unknown).",
                rules["pm2_xlr_source"],
            ),
        ]
    if absent:
        text = (
            f"Absent from the population database ({pop.af_source or 'no allele observed'}); applied at "
            f"Supporting strength (ClinGen SVI).{hemi}"
        )
        return [ba1, bs1, applied("PM2", Strength.SUPPORTING, text, rules["pm2_source"])]
    if est.point <= q:
        text = (
            f"Rare: {est.text}; the point AF is below the maximum credible AF {q:.2g}; applied at Supporting "
            f"strength (ClinGen SVI).{hemi}"
        )
        return [ba1, bs1, applied("PM2", Strength.SUPPORTING, text, rules["pm2_source"])]
    return [
        ba1,
        bs1,
        not_applied(
            "PM2", f"{est.text}: the point AF is above the maximum credible AF {q:.2g}.", rules["pm2_source"]
        ),
    ]
