"""Criteria from the family: PS2/PM6 (de novo), PP1 (co-segregation), BS2 (healthy adult hemizygote), BS4.

Family members' genotypes come from the multi-sample VCF, joined to the pedigree by sample id = person id.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ipexpath.confirm.acmg.base import CriterionResult, Strength, applied, not_applied
from ipexpath.confirm.acmg.case_evidence import strength_from_de_novo_points
from ipexpath.confirm.acmg.context import EvaluationContext
from ipexpath.confirm.model import Variant, Zygosity
from ipexpath.confirm.panel import Gene
from ipexpath.confirm.phenotype import phenotype_specificity
from ipexpath.confirm.segregation import FamilySegregation

_NO_FAMILY = "Not evaluated: no family file (pedigree) with genotyped relatives was given."


def evaluate_de_novo(variant: Variant, gene: Gene, ctx: EvaluationContext) -> list[CriterionResult]:
    rule: dict[str, Any] = ctx.criteria["de_novo"]
    source = rule["source"]
    if not ctx.family:
        return [
            not_applied("PS2", _NO_FAMILY, source, evaluated=False),
            not_applied("PM6", _NO_FAMILY, source, evaluated=False),
        ]
    proband = next((p for p in ctx.family if p.is_proband), None)
    mother = next((p for p in ctx.family if p.is_mother_of_proband), None)
    father = next((p for p in ctx.family if p.is_father_of_proband), None)
    x_linked_son = gene.inheritance == "XLR" and proband is not None and proband.sex == "male"
    needed = [mother] if x_linked_son else [mother, father]
    if proband is None or not proband.carries:
        text = "The proband is not known to carry the variant."
        return [not_applied("PS2", text, source), not_applied("PM6", text, source)]
    if any(p is None or p.carries is None for p in needed):
        who = "the mother" if x_linked_son else "both parents"
        text = f"Not evaluated: {who} of the proband must be genotyped for this variant."
        return [
            not_applied("PS2", text, source, evaluated=False),
            not_applied("PM6", text, source, evaluated=False),
        ]
    carriers = [p for p in needed if p is not None and p.carries]
    if carriers:
        text = f"Inherited: {', '.join(p.person_id for p in carriers)} carries the variant."
        return [not_applied("PS2", text, source), not_applied("PM6", text, source)]
    specificity = phenotype_specificity(ctx.phenotype, gene, ctx.criteria)
    confirmed = ctx.parentage_confirmed
    if specificity == "specific":
        points = rule["confirmed_specific"] if confirmed else rule["assumed_specific"]
    elif specificity in ("consistent", "unknown"):
        points = rule["confirmed_consistent"] if confirmed else rule["assumed_consistent"]
    else:
        points = 0.0
    parents = "the mother (X-linked, male proband)" if x_linked_son else "both parents"
    pheno = {
        "specific": "highly specific for the gene",
        "consistent": "consistent with the gene",
        "unknown": "assumed consistent (no phenotype ranking given)",
        "not_consistent": "not consistent with the gene",
    }[specificity]
    strength = strength_from_de_novo_points(points)
    maternal_note = (
        " Maternal germline mosaicism remains possible for recurrence risk." if x_linked_son else ""
    )
    code, other = ("PS2", "PM6") if confirmed else ("PM6", "PS2")
    why_other = (
        "Parentage confirmed, so PS2 is used instead."
        if confirmed
        else "Maternity/paternity not confirmed (use --parentage-confirmed after checking relatedness)."
    )
    if strength is None:
        return [
            not_applied(
                code, f"De novo (absent in {parents}) but the phenotype is {pheno}: 0 points.", source
            ),
            not_applied(other, why_other, source),
        ]
    result = replace(
        applied(
            code,
            strength,
            f"De novo: absent in {parents}; phenotype {pheno}; {points:g} point(s) in the "
            f"ClinGen SVI de novo table.{maternal_note}",
            source,
        ),
        rule_points=float(points),
    )
    return (
        [result, not_applied(other, why_other, source)]
        if code == "PS2"
        else [not_applied(other, why_other, source), result]
    )


def _is_affected_carrier_genotype(person: FamilySegregation, gene: Gene) -> bool:
    if gene.inheritance == "XLR":
        return person.sex == "male" and person.genotype == Zygosity.HEMIZYGOUS
    if gene.inheritance == "AR":
        return person.genotype == Zygosity.HOMOZYGOUS
    return bool(person.carries)


def evaluate_segregation(variant: Variant, gene: Gene, ctx: EvaluationContext) -> list[CriterionResult]:
    pp1_rule = ctx.criteria["pp1"]
    bs2_rule = ctx.criteria["bs2"]
    if not ctx.family:
        return [
            not_applied("PP1", _NO_FAMILY, pp1_rule["source"], evaluated=False),
            not_applied("BS4", _NO_FAMILY, pp1_rule["source"], evaluated=False),
            not_applied("BS2", _NO_FAMILY, bs2_rule["source"], evaluated=False),
        ]
    relatives = [p for p in ctx.family if not p.is_proband and p.carries is not None]
    by_id = {p.person_id: p for p in ctx.family}
    informative: list[str] = []
    non_segregating: list[str] = []
    for person in relatives:
        if person.affected is True:
            if _is_affected_carrier_genotype(person, gene):
                informative.append(
                    f"{person.person_id} (affected, {person.genotype.value if person.genotype else ''})"
                )
            elif gene.inheritance != "XLR" or person.sex == "male":
                non_segregating.append(person.person_id)
        elif (
            person.affected is False
            and gene.inheritance == "XLR"
            and person.sex == "male"
            and not person.carries
        ):
            mother = by_id.get(person.mother or "")
            if mother is not None and mother.carries:
                informative.append(
                    f"{person.person_id} (unaffected, no variant, carrier mother {mother.person_id})"
                )
    results: list[CriterionResult] = []
    meioses = len(informative)
    thresholds = [
        (pp1_rule["strong_meioses"], Strength.STRONG),
        (pp1_rule["moderate_meioses"], Strength.MODERATE),
        (pp1_rule["supporting_meioses"], Strength.SUPPORTING),
    ]
    strength = next((s for n, s in thresholds if meioses >= n), None)
    listing = "; ".join(informative) if informative else "none"
    if non_segregating:
        results.append(
            not_applied(
                "PP1",
                f"The variant does not segregate: affected relative(s) {', '.join(non_segregating)} lack it.",
                pp1_rule["source"],
            )
        )
        results.append(
            applied(
                "BS4",
                Strength.STRONG,
                f"Lack of segregation: affected relative(s) "
                f"{', '.join(non_segregating)} do not carry the variant (check for phenocopies, e.g. "
                "IPEX-like disorders, before accepting).",
                pp1_rule["source"],
            )
        )
    elif strength is not None:
        results.append(
            applied(
                "PP1",
                strength,
                f"{meioses} informative meioses co-segregate (chance 1/{2**meioses}, "
                f"LOD {0.301 * meioses:.1f}): {listing}.",
                pp1_rule["source"],
            )
        )
        results.append(
            not_applied("BS4", "All genotyped affected relatives carry the variant.", pp1_rule["source"])
        )
    else:
        results.append(
            not_applied(
                "PP1",
                f"{meioses} informative meiosis/meioses ({listing}); at least "
                f"{pp1_rule['supporting_meioses']} are needed for Supporting.",
                pp1_rule["source"],
            )
        )
        results.append(
            not_applied("BS4", "No genotyped affected relative lacks the variant.", pp1_rule["source"])
        )
    results.append(_bs2(gene, relatives, bs2_rule))
    return results


def _bs2(gene: Gene, relatives: list[FamilySegregation], rule: dict[str, Any]) -> CriterionResult:
    source = rule["source"]
    adult = float(rule["adult_age_years"])
    if gene.inheritance == "AD":
        return not_applied(
            "BS2",
            f"{gene.symbol} disease has incomplete penetrance; a healthy heterozygous adult is "
            "expected and is not evidence against pathogenicity.",
            source,
        )
    healthy = [p for p in relatives if p.affected is False and _is_affected_carrier_genotype(p, gene)]
    if not healthy:
        return not_applied(
            "BS2",
            "No unaffected relative with the disease genotype "
            f"({'hemizygous male' if gene.inheritance == 'XLR' else 'homozygous'}).",
            source,
        )
    adults = [p for p in healthy if p.age_years is not None and p.age_years >= adult]
    if not adults:
        return not_applied(
            "BS2",
            f"Unaffected relative(s) {', '.join(p.person_id for p in healthy)} carry the disease "
            f"genotype but are not known to be adults (>= {adult:g} years).",
            source,
        )
    return applied(
        "BS2",
        Strength.parse(rule["strength_single_observation"]),
        f"Healthy adult relative(s) with the disease genotype: "
        f"{', '.join(f'{p.person_id} ({p.age_years:g} y)' for p in adults)}. Counted at Supporting only, "
        "because attenuated hypomorphic alleles are known.",
        source,
    )
