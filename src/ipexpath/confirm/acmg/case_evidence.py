"""Criteria from curated, published case-level evidence (confirm/data/variant_evidence.yaml).

Why: automated ACMG/AMP without the literature under-calls by design. Each rule counts the primary
observations the evidence file records, with their sources, and states the threshold it used:
- PS4: unrelated affected probands (same_as-linked reports counted once): 1 -> Supporting, 2-3 ->
  Moderate, >= 4 -> Strong, only when BA1/BS1 are not met (ClinGen Antibody Deficiencies VCEP PIK3CD
  specification v1.0.0, 2025, an inborn-error-of-immunity panel; Richards 2015 PS4 note 2 for proband
  counts in rare disease).
- PS3/BS3: the strongest single assay; strength from its OddsPath when given (Brnich et al. 2020,
  Genome Med 12:3, PMID 31892348: > 350 Very strong, > 18.7 Strong, > 4.3 Moderate, > 2.1 Supporting;
  < 0.48 / < 0.23 / < 0.053 BS3 Supporting / Moderate / Strong), else the curator's reading of the
  same recommendation (assays without variant controls: no strength).
- PS2/PM6: ClinGen SVI de novo points per proband (criteria.yaml `de_novo`; published IPEX probands are
  counted as "phenotype consistent, not highly specific" because of IPEX-like locus heterogeneity).
- PP1/BS4: informative meioses summed across families (Jarvik & Browning 2016, PMID 27236918;
  criteria.yaml `pp1`); affected relatives without the variant -> BS4 (1 -> Supporting, > 1 -> Strong,
  PIK3CD VCEP).
- BS2: healthy adult hemizygous males (X-linked) or homozygotes (AR) from the literature, Supporting only
  (hypomorphic FOXP3 alleles exist; criteria.yaml `bs2`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ipexpath.confirm.acmg.base import CriterionResult, Strength, applied, not_applied
from ipexpath.confirm.acmg.context import EvaluationContext
from ipexpath.confirm.evidence import (
    EvidenceSet,
    FunctionalObservation,
    FunctionalResult,
    FunctionalStrength,
    VariantEvidence,
)
from ipexpath.confirm.model import Variant
from ipexpath.confirm.panel import Gene
from ipexpath.types import Zygosity

PS4_SOURCE = (
    "Proband counting: ClinGen Antibody Deficiencies VCEP PIK3CD specification v1.0.0 (2025-12-16), PS4 "
    "1 / 2-3 / >= 4 probands = Supporting / Moderate / Strong, not with BA1/BS1 [V2: third-party copy]; "
    "Richards 2015 (PMID 25741868) PS4 note 2"
)
PS3_SOURCE = "ClinGen SVI functional evidence, Brnich et al. 2020, Genome Med 12:3 (PMID 31892348)"
BS4_SOURCE = (
    "Richards 2015 BS4 (PMID 25741868); 1 affected relative without the variant = Supporting, > 1 = Strong "
    "(ClinGen Antibody Deficiencies VCEP PIK3CD v1.0.0 [V2])"
)

# Brnich 2020 Table: OddsPath -> evidence strength
_ODDSPATH_PATHOGENIC = ((350.0, Strength.VERY_STRONG), (18.7, Strength.STRONG), (4.3, Strength.MODERATE),
                        (2.1, Strength.SUPPORTING))  # fmt: skip
_ODDSPATH_BENIGN = ((0.053, Strength.STRONG), (0.23, Strength.MODERATE), (0.48, Strength.SUPPORTING))
_CURATOR_STRENGTH = {
    FunctionalStrength.PS3_VERY_STRONG: ("PS3", Strength.VERY_STRONG),
    FunctionalStrength.PS3: ("PS3", Strength.STRONG),
    FunctionalStrength.PS3_MODERATE: ("PS3", Strength.MODERATE),
    FunctionalStrength.PS3_SUPPORTING: ("PS3", Strength.SUPPORTING),
    FunctionalStrength.BS3: ("BS3", Strength.STRONG),
    FunctionalStrength.BS3_MODERATE: ("BS3", Strength.MODERATE),
    FunctionalStrength.BS3_SUPPORTING: ("BS3", Strength.SUPPORTING),
}
_ORDER = [Strength.SUPPORTING, Strength.MODERATE, Strength.STRONG, Strength.VERY_STRONG]


def _strip_ref(hgvs_c: str) -> str:
    return re.sub(r"(del|dup)[ACGTN]+$", r"\1", hgvs_c)


def find_evidence(variant: Variant, evidence: EvidenceSet | None) -> VariantEvidence | None:
    """The curated entry for this variant: by c. change (or a legacy name), else by genomic allele."""
    if evidence is None:
        return None
    if variant.hgvs_c:
        key = _strip_ref(variant.hgvs_c)
        for entry in evidence.for_gene(variant.gene):
            if _strip_ref(entry.hgvs_c) == key or variant.hgvs_c in entry.names:
                return entry
    if variant.build and variant.chrom and variant.pos and variant.ref and variant.alt:
        found = evidence.at(variant.build, variant.chrom, variant.pos, variant.ref, variant.alt)
        if found is not None and found.gene == variant.gene:
            return found
    if not variant.hgvs_c and variant.hgvs_p:
        for entry in evidence.for_gene(variant.gene):
            if entry.hgvs_p == variant.hgvs_p:
                return entry
    return None


def _cite(evidence: EvidenceSet, ids: tuple[str, ...]) -> str:
    names = []
    for ident in ids:
        citation = evidence.citations.get(ident)
        short = citation.citation.split(".")[0] if citation else ident
        names.append(f"{short} ({ident})" if citation else ident)
    return "; ".join(names)


def _disease_genotype(zygosity: Zygosity, gene: Gene) -> bool:
    if zygosity == Zygosity.UNKNOWN:
        return True
    if gene.inheritance == "XLR":
        return zygosity in (Zygosity.HEMIZYGOUS, Zygosity.HOMOZYGOUS)
    if gene.inheritance == "AR":
        return zygosity in (Zygosity.HOMOZYGOUS, Zygosity.HETEROZYGOUS)  # heterozygous = compound het rows
    return True


def _ps4(found: VariantEvidence, gene: Gene, evidence: EvidenceSet, rules: dict[str, Any]) -> CriterionResult:
    eligible = VariantEvidence(
        gene=found.gene,
        transcript=found.transcript,
        hgvs_c=found.hgvs_c,
        hgvs_p=found.hgvs_p,
        probands=tuple(p for p in found.probands if _disease_genotype(p.zygosity, gene)),
    )
    count = eligible.unrelated_probands()
    sources = tuple(dict.fromkeys(s for p in eligible.probands for s in p.sources))
    thresholds = (
        (int(rules["strong_probands"]), Strength.STRONG),
        (int(rules["moderate_probands"]), Strength.MODERATE),
        (int(rules["supporting_probands"]), Strength.SUPPORTING),
    )
    strength = next((s for n, s in thresholds if count >= n), None)
    if strength is None:
        return not_applied(
            "PS4",
            "No unrelated affected proband with this variant is curated; each published, unrelated proband "
            f"adds evidence ({rules['supporting_probands']} = Supporting, {rules['moderate_probands']} = "
            f"Moderate, {rules['strong_probands']} = Strong).",
            PS4_SOURCE,
        )
    nxt = next((n for n, _ in reversed(thresholds) if n > count), None)
    more = f"; {nxt - count} more would raise it" if nxt else ""
    return applied(
        "PS4",
        strength,
        f"{count} unrelated affected proband(s) with the disease genotype in the curated literature "
        f"({_cite(evidence, sources)}){more}. Reports linked as possibly the same family are counted once.",
        PS4_SOURCE,
    )


def _assay_call(obs: FunctionalObservation) -> tuple[str, Strength] | None:
    if obs.oddspath is not None:
        if obs.result == FunctionalResult.DAMAGING:
            for limit, strength in _ODDSPATH_PATHOGENIC:
                if obs.oddspath > limit:
                    return "PS3", strength
        if obs.result == FunctionalResult.NO_EFFECT:
            for limit, strength in _ODDSPATH_BENIGN:
                if obs.oddspath < limit:
                    return "BS3", strength
        return None
    call = _CURATOR_STRENGTH.get(obs.strength)
    if call is None:
        return None
    code = call[0]
    if (code == "PS3") != (obs.result == FunctionalResult.DAMAGING):
        return None  # strength and result disagree: not used
    return call


def _functional(found: VariantEvidence, evidence: EvidenceSet) -> list[CriterionResult]:
    best: dict[str, tuple[Strength, FunctionalObservation]] = {}
    unused: list[FunctionalObservation] = []
    for obs in found.functional:
        call = _assay_call(obs)
        if call is None:
            unused.append(obs)
            continue
        code, strength = call
        if code not in best or _ORDER.index(strength) > _ORDER.index(best[code][0]):
            best[code] = (strength, obs)
    results = []
    for code in ("PS3", "BS3"):
        if code in best:
            strength, obs = best[code]
            odds = f", OddsPath {obs.oddspath:g}" if obs.oddspath is not None else ""
            results.append(
                applied(
                    code,
                    strength,
                    f"{obs.assay}: {obs.result.value.replace('_', ' ')} (controls: {obs.controls}{odds}; "
                    f"{_cite(evidence, obs.sources)}). Strongest single assay counted; Brnich 2020 "
                    "requires validation controls for more than Supporting.",
                    PS3_SOURCE,
                )
            )
        else:
            wanted = "damaging" if code == "PS3" else "no_effect"
            seen = [o for o in unused if o.result.value == wanted]
            text = (
                "; ".join(
                    f"{o.assay} ({o.result.value.replace('_', ' ')}, no strength: {o.controls})" for o in seen
                )
                if seen
                else "no curated assay"
            )
            results.append(
                not_applied(
                    code,
                    f"{text}. Needed: a well-established assay with pathogenic and benign variant controls "
                    "(OddsPath; at least 11 controls for Moderate, Brnich 2020).",
                    PS3_SOURCE,
                    evaluated=bool(found.functional),
                )
            )
    return results


def strength_from_de_novo_points(points: float) -> Strength | None:
    """ClinGen SVI de novo points -> strength: 0.5 Supporting, 1 Moderate, 2 Strong, >= 4 Very strong."""
    if points >= 4:
        return Strength.VERY_STRONG
    if points >= 2:
        return Strength.STRONG
    if points >= 1:
        return Strength.MODERATE
    if points >= 0.5:
        return Strength.SUPPORTING
    return None


def _de_novo(found: VariantEvidence, evidence: EvidenceSet, rule: dict[str, Any]) -> list[CriterionResult]:
    source = rule["source"]
    rows = [d for d in found.de_novo if d.both_parents_tested]
    if not rows:
        text = "No published de novo observation with tested parents is curated."
        return [
            not_applied("PS2", text, source, evaluated=False),
            not_applied("PM6", text, source, evaluated=False),
        ]
    points = sum(
        float(rule["confirmed_consistent"] if d.parentage_confirmed else rule["assumed_consistent"])
        for d in rows
    )
    confirmed = any(d.parentage_confirmed for d in rows)
    strength = strength_from_de_novo_points(points)
    sources = tuple(dict.fromkeys(s for d in rows for s in d.sources))
    code, other = ("PS2", "PM6") if confirmed else ("PM6", "PS2")
    text = (
        f"{len(rows)} published de novo observation(s) ({sum(d.parentage_confirmed for d in rows)} with "
        f"confirmed parentage): {points:g} point(s) in the ClinGen SVI de novo table, phenotype counted as "
        f"consistent but not highly specific (IPEX-like locus heterogeneity) ({_cite(evidence, sources)})."
    )
    result = (
        replace(applied(code, strength, text, source), rule_points=points)
        if strength
        else not_applied(code, text, source)
    )
    return [result, not_applied(other, f"Counted under {code}.", source)]


def _segregation(
    found: VariantEvidence, evidence: EvidenceSet, rule: dict[str, Any]
) -> list[CriterionResult]:
    source = rule["source"]
    meioses = found.informative_meioses()
    lacking = sum(s.affected_without_variant for s in found.segregation)
    sources = tuple(dict.fromkeys(s for r in found.segregation for s in r.sources))
    if lacking:
        strength = Strength.STRONG if lacking > 1 else Strength.SUPPORTING
        return [
            not_applied("PP1", f"{lacking} affected relative(s) lack the variant in the literature.", source),
            applied(
                "BS4",
                strength,
                f"{lacking} affected relative(s) without the variant ({_cite(evidence, sources)}); check for "
                "phenocopies (IPEX-like disorders).",
                BS4_SOURCE,
            ),
        ]
    thresholds = (
        (int(rule["strong_meioses"]), Strength.STRONG),
        (int(rule["moderate_meioses"]), Strength.MODERATE),
        (int(rule["supporting_meioses"]), Strength.SUPPORTING),
    )
    pp1 = next((s for n, s in thresholds if meioses >= n), None)
    where = f" ({_cite(evidence, sources)})" if sources else ""
    bs4 = not_applied(
        "BS4",
        "No published affected relative lacks the variant.",
        BS4_SOURCE,
        evaluated=bool(found.segregation),
    )
    if pp1 is None:
        return [
            not_applied(
                "PP1",
                f"{meioses} informative meiosis/meioses in published families{where}; "
                f"{rule['supporting_meioses']} are needed for Supporting.",
                source,
                evaluated=bool(found.segregation),
            ),
            bs4,
        ]
    return [
        applied(
            "PP1",
            pp1,
            f"{meioses} informative meioses co-segregate in published families (chance "
            f"1/{2**meioses}){where}.",
            source,
        ),
        bs4,
    ]


def _bs2(found: VariantEvidence, gene: Gene, evidence: EvidenceSet, rule: dict[str, Any]) -> CriterionResult:
    source = rule["source"]
    if gene.inheritance == "AD":
        return not_applied(
            "BS2", f"{gene.symbol} disease has incomplete penetrance: healthy carriers are expected.", source
        )
    adults = [h for h in found.unaffected_hemizygotes if h.adult]
    if not adults:
        return not_applied(
            "BS2", "No healthy adult with the disease genotype is curated.", source, evaluated=False
        )
    count = sum(h.count for h in adults)
    sources = tuple(dict.fromkeys(s for h in adults for s in h.sources))
    return applied(
        "BS2",
        Strength.parse(rule["strength_single_observation"]),
        f"{count} healthy adult(s) with the disease genotype in the literature ({_cite(evidence, sources)}). "
        "Counted at Supporting only, because attenuated hypomorphic alleles are known.",
        source,
    )


def evaluate_case_evidence(
    variant: Variant, gene: Gene, ctx: EvaluationContext, found: VariantEvidence | None
) -> list[CriterionResult]:
    """PS4, PS3, BS3 and the literature side of PS2/PM6, PP1/BS4 and BS2 for one variant."""
    evidence = ctx.evidence
    if found is None or evidence is None:
        why = (
            "Not evaluated: no curated published evidence for this variant "
            "(confirm/data/variant_evidence.yaml); "
            "add case counts, assays or segregation with their sources, or use --override."
        )
        return [
            not_applied("PS4", why, PS4_SOURCE, evaluated=False),
            not_applied("PS3", why, PS3_SOURCE, evaluated=False),
            not_applied("BS3", why, PS3_SOURCE, evaluated=False),
        ]
    results = [_ps4(found, gene, evidence, ctx.criteria["ps4"])]
    results += _functional(found, evidence)
    results += _de_novo(found, evidence, ctx.criteria["de_novo"])
    results += _segregation(found, evidence, ctx.criteria["pp1"])
    results.append(_bs2(found, gene, evidence, ctx.criteria["bs2"]))
    return results
