"""Run every criterion for each variant and combine the points into a class."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ipexpath.confirm.acmg.base import CriterionResult, applied, not_applied
from ipexpath.confirm.acmg.case_evidence import (
    evaluate_case_evidence,
    find_evidence,
    strength_from_de_novo_points,
)
from ipexpath.confirm.acmg.computational import evaluate_computational
from ipexpath.confirm.acmg.context import EvaluationContext
from ipexpath.confirm.acmg.curated_comparators import curated_comparators
from ipexpath.confirm.acmg.domains import evaluate_pm1
from ipexpath.confirm.acmg.family import evaluate_de_novo, evaluate_segregation
from ipexpath.confirm.acmg.known_variants import clinvar_same_variant, evaluate_known, exact_match
from ipexpath.confirm.acmg.not_automated import not_automated
from ipexpath.confirm.acmg.null_variant import evaluate_pm4, evaluate_pvs1, polya_signal_hit
from ipexpath.confirm.acmg.population import evaluate_frequency
from ipexpath.confirm.card import (
    CitedSource,
    ClinvarConflict,
    ClinvarView,
    VariantCard,
    clinvar_conflict,
    reclassification_path,
)
from ipexpath.confirm.classification import (
    AcmgClassification,
    Override,
    apply_overrides,
    classify_points,
    total_points,
    with_pm1_pp3_cap,
)
from ipexpath.confirm.evidence import EvidenceSet, VariantEvidence, load_evidence
from ipexpath.confirm.model import Variant, Zygosity
from ipexpath.confirm.panel import Gene
from ipexpath.confirm.phenotype import apply_pp4
from ipexpath.confirm.segregation import FamilyPerson, segregation_for_variant

ORDER = [
    "PVS1", "PS1", "PS2", "PS3", "PS4", "PM1", "PM2", "PM3", "PM4", "PM5", "PM6", "PP1", "PP2", "PP3", "PP4",
    "BA1", "BS1", "BS2", "BS3", "BS4", "BP1", "BP2", "BP3", "BP4", "BP5", "BP7",
]  # fmt: skip


@dataclass(frozen=True)
class VariantClassification:
    variant: Variant
    gene: Gene
    criteria: list[CriterionResult]
    points: int
    classification: AcmgClassification
    notes: list[str] = field(default_factory=list)
    inheritance_compatible: bool | None = None
    evidence: VariantEvidence | None = None  # the curated published evidence used (None = none curated)
    clinvar: tuple[ClinvarView, ...] = ()  # shown, never counted
    clinvar_conflict: ClinvarConflict | None = None  # computed class vs a >= 2-star ClinVar assertion
    card: VariantCard | None = None

    def to_dict(self) -> dict[str, Any]:
        v = self.variant
        applied = [c for c in self.criteria if c.applied]
        return {
            "gene": v.gene,
            "transcript": v.transcript,
            "hgvs_c": v.hgvs_c,
            "hgvs_p": v.hgvs_p,
            "consequence": v.consequence.value,
            "zygosity": v.zygosity.value,
            "location": v.location(),
            "in_par": v.in_par,
            "sample": v.sample,
            "depth": v.depth,
            "genotype_quality": v.genotype_quality,
            "call_filter": v.call_filter,
            "input_notes": list(v.input_notes),
            "population": v.population.to_dict(),
            "annotation_source": v.annotation_source,
            "inheritance": self.gene.inheritance,
            "mechanism": self.gene.mechanism,
            "disease": self.gene.diseases[0].name if self.gene.diseases else None,
            "disease_id": self.gene.diseases[0].id if self.gene.diseases else None,
            "inheritance_compatible": self.inheritance_compatible,
            "criteria": [c.to_dict() for c in self.criteria],
            "criteria_applied": [c.display_code for c in applied],
            "points": self.points,
            "classification": self.classification.label,
            "classification_code": self.classification.value,
            "notes": self.notes,
            "curated_evidence": self.evidence.hgvs_c if self.evidence else None,
            "clinvar": [c.to_dict() for c in self.clinvar],
            "clinvar_conflict": self.clinvar_conflict.to_dict() if self.clinvar_conflict else None,
            "card": self.card.to_dict() if self.card else None,
        }


def inheritance_compatible(variant: Variant, gene: Gene, sex: str | None) -> bool | None:
    """Whether the genotype alone could explain the disease (one variant considered)."""
    z = variant.zygosity
    if z == Zygosity.UNKNOWN:
        return None
    if gene.inheritance == "XLR":
        if sex == "female":
            return z == Zygosity.HOMOZYGOUS
        return z in (Zygosity.HEMIZYGOUS, Zygosity.HOMOZYGOUS)
    if gene.inheritance == "AR":
        return z == Zygosity.HOMOZYGOUS
    return z in (Zygosity.HETEROZYGOUS, Zygosity.HOMOZYGOUS, Zygosity.HEMIZYGOUS)


def classify_variant(
    variant: Variant,
    ctx: EvaluationContext,
    overrides: list[Override] | None = None,
    family_people: list[FamilyPerson] | None = None,
) -> VariantClassification:
    gene = ctx.panel.gene(variant.gene)
    if gene is None:
        raise ValueError(f"{variant.gene} is not a panel gene")
    if family_people:
        family = segregation_for_variant(
            family_people, variant.family_genotypes, variant.sample, variant.zygosity, variant.gene
        )
        ctx = replace(ctx, family=family)
    if ctx.evidence is None and ctx.use_bundled_evidence:
        ctx = replace(ctx, evidence=load_evidence())
    curated = find_evidence(variant, ctx.evidence)
    criteria: list[CriterionResult] = [evaluate_pvs1(variant, gene, ctx)]
    criteria += evaluate_known(variant, gene, ctx)
    criteria += evaluate_de_novo(variant, gene, ctx)
    criteria.append(evaluate_pm1(variant, gene, ctx))
    criteria += evaluate_frequency(variant, gene, ctx)
    criteria.append(evaluate_pm4(variant, gene, ctx))
    criteria += evaluate_segregation(variant, gene, ctx)
    criteria += evaluate_computational(variant, ctx)
    criteria.append(apply_pp4(ctx.phenotype, gene, ctx.criteria))
    criteria += evaluate_case_evidence(variant, gene, ctx, curated)
    criteria += not_automated(variant, gene)
    criteria = curated_comparators(variant, gene, ctx, criteria)
    criteria = combine_de_novo(criteria)
    criteria = _merge_sources(criteria)
    criteria = _ps4_not_with_frequency(criteria)
    criteria = with_pm1_pp3_cap(criteria, int(ctx.criteria["pp3_bp4"]["pm1_pp3_cap_points"]))
    location = f"{variant.chrom}-{variant.pos}-{variant.ref}-{variant.alt}" if variant.chrom else None
    mine = [o for o in overrides or [] if o.matches(variant.hgvs_c, variant.hgvs_p, location)]
    if mine:
        criteria = apply_overrides(criteria, mine)
    criteria.sort(key=lambda c: ORDER.index(c.code) if c.code in ORDER else len(ORDER))
    points = total_points(criteria)
    ba1 = any(c.code == "BA1" and c.applied for c in criteria)
    label = classify_points(points, ctx.criteria["classes"], stand_alone_benign=ba1)
    notes = _notes(variant, gene, ctx, criteria, ba1)
    views = _clinvar_views(variant, ctx, curated)
    conflict = clinvar_conflict(label, views)
    if conflict is not None:
        notes.insert(0, conflict.message)
    notes[:0] = list(variant.input_notes)  # first: what makes the input itself doubtful
    sex = ctx.proband_sex
    card = VariantCard(
        classification=label,
        points=points,
        applied=tuple(c for c in criteria if c.applied),
        not_applied=tuple(c for c in criteria if not c.applied and c.evaluated),
        not_evaluated=tuple(c for c in criteria if not c.applied and not c.evaluated),
        clinvar=views,
        conflict=conflict,
        sources=_sources(ctx.evidence, curated),
        reclassification=reclassification_path(points, ctx.criteria["classes"], ba1, tuple(criteria)),
        notes=tuple(notes),
    )
    return VariantClassification(
        variant,
        gene,
        criteria,
        points,
        label,
        notes,
        inheritance_compatible(variant, gene, sex),
        evidence=curated,
        clinvar=views,
        clinvar_conflict=conflict,
        card=card,
    )


def combine_de_novo(criteria: list[CriterionResult]) -> list[CriterionResult]:
    """The patient's own de novo observation and published ones are one count: their ClinGen SVI de novo
    points are summed (the recommendation sums points over all de novo probands) and the total sets the
    strength. Labelled PS2 when at least one observation has confirmed parentage, else PM6."""
    scored = [c for c in criteria if c.code in ("PS2", "PM6") and c.applied and c.rule_points]
    if len(scored) < 2:
        return criteria
    total = sum(c.rule_points or 0.0 for c in scored)
    strength = strength_from_de_novo_points(total)
    code = "PS2" if any(c.code == "PS2" for c in scored) else "PM6"
    other = "PM6" if code == "PS2" else "PS2"
    if strength is None:  # pragma: no cover - each scored result already has >= 0.5 points
        return criteria
    combined = replace(
        applied(
            code,
            strength,
            f"De novo points summed over the family and the literature: {total:g} point(s) "
            f"({' + '.join(f'{c.rule_points:g}' for c in scored)}). " + " ".join(c.evidence for c in scored),
            scored[0].source,
        ),
        rule_points=total,
    )
    out: list[CriterionResult] = []
    for c in criteria:
        if c.code == code and combined not in out:
            out.append(combined)
        elif c.code == other:
            out.append(not_applied(other, f"Counted under {code}.", c.source))
        elif c.code not in ("PS2", "PM6"):
            out.append(c)
    return out


def _merge_sources(criteria: list[CriterionResult]) -> list[CriterionResult]:
    """One result per code: when the patient's family and the literature both speak to a code (PS2/PM6,
    PP1, BS4, BS2), the stronger applied result is kept and the other's sentence is appended."""
    merged: dict[str, CriterionResult] = {}
    order: list[str] = []
    for c in criteria:
        if c.code not in merged:
            merged[c.code] = c
            order.append(c.code)
            continue
        old = merged[c.code]
        keep, other = (
            (c, old) if (abs(c.points), c.evaluated) > (abs(old.points), old.evaluated) else (old, c)
        )
        if (other.evaluated or not keep.evaluated) and other.evidence not in keep.evidence:
            keep = replace(keep, evidence=f"{keep.evidence} Also: {other.evidence}")
        merged[c.code] = keep
    return [merged[code] for code in order]


def _ps4_not_with_frequency(criteria: list[CriterionResult]) -> list[CriterionResult]:
    """PS4 is not used when BA1 or BS1 is met (ClinGen Antibody Deficiencies VCEP PIK3CD v1.0.0)."""
    if not any(c.code in ("BA1", "BS1") and c.applied for c in criteria):
        return criteria
    return [
        not_applied("PS4", f"Not used because BA1/BS1 is met ({c.evidence})", c.source)
        if c.code == "PS4" and c.applied
        else c
        for c in criteria
    ]


def _clinvar_views(
    variant: Variant, ctx: EvaluationContext, curated: VariantEvidence | None
) -> tuple[ClinvarView, ...]:
    views = [
        ClinvarView(
            a.accession, a.classification, a.review_status, a.stars, a.date, a.url, "curated evidence file"
        )
        for a in (curated.clinvar if curated else ())
    ]
    if ctx.clinvar is not None and variant.chrom is not None and variant.pos is not None:
        for entry in ctx.clinvar.at(variant.chrom, variant.pos):
            if entry.ref == variant.ref and entry.alt == variant.alt:
                number = entry.variation_id if entry.variation_id.isdigit() else "0"
                views.append(
                    ClinvarView(
                        f"VCV{number.zfill(9)}",
                        entry.significance.replace("_", " "),
                        entry.review_status.replace("_", " "),
                        entry.stars,
                        None,
                        f"https://www.ncbi.nlm.nih.gov/clinvar/variation/{number}/",
                        "your ClinVar file",
                    )
                )
    return tuple(views)


def _sources(evidence: EvidenceSet | None, curated: VariantEvidence | None) -> tuple[CitedSource, ...]:
    if evidence is None or curated is None:
        return ()
    found = []
    for ident in curated.sources():
        citation = evidence.citations.get(ident)
        if citation is not None:
            found.append(CitedSource(ident, citation.citation, citation.url))
    return tuple(found)


def _notes(
    variant: Variant, gene: Gene, ctx: EvaluationContext, criteria: list[CriterionResult], ba1: bool
) -> list[str]:
    notes = []
    known = exact_match(variant, gene)
    if known:
        curated = find_evidence(variant, ctx.evidence)
        notes.append(
            f"Reported variant: {known.classification} ({known.source}). "
            + (
                "Its curated published evidence (probands, assays, segregation) is scored above."
                if curated
                else "No published case or functional evidence is curated for it yet (PS3/PS4 not scored); "
                "add them to the evidence file or with --override after review."
            )
        )
    clinvar = clinvar_same_variant(variant, ctx)
    if clinvar:
        notes.append(f"Same variant in ClinVar: {clinvar} (context only; PP5 is retired).")
    pathogenic = sum(c.points for c in criteria if c.points > 0)
    benign = sum(c.points for c in criteria if c.points < 0)
    if pathogenic and benign:
        notes.append(
            f"Conflicting evidence: +{pathogenic} pathogenic and {benign} benign points were summed."
        )
    if ba1 and pathogenic:
        notes.append(
            "BA1 (stand-alone) decides the class despite pathogenic criteria; review the frequency source."
        )
    if polya_signal_hit(variant, gene):
        notes.append(
            f"Polyadenylation-signal variant: reported pathogenic in IPEX ({gene.polya_source}); "
            "RNA/expression "
            "studies decide (see PVS1)."
        )
    if variant.in_par:
        notes.append("The variant lies in a pseudoautosomal region: diploid in males.")
    if variant.zygosity == Zygosity.HETEROZYGOUS and gene.inheritance == "XLR" and ctx.proband_sex == "male":
        notes.append(
            "Heterozygous call on chrX outside PAR in a male: check for mosaicism, a sample mix-up or a "
            "mapping artefact."
        )
    if not gene.known_variants and gene.symbol != "FOXP3":
        notes.append(
            f"{gene.symbol}: the transcript is the MANE Select one, but the population-frequency inputs "
            "(prevalence, allelic contribution, penetrance) are conservative defaults, not figures for this "
            "gene, and no reported variants are curated: BS1/PM2 are approximate; have the call reviewed."
        )
    return notes


def classify_variants(
    variants: list[Variant],
    ctx: EvaluationContext,
    overrides: list[Override] | None = None,
    family_people: list[FamilyPerson] | None = None,
) -> list[VariantClassification]:
    """Classify each variant; results are ordered pathogenic first, then by gene and position."""
    results = [classify_variant(v, ctx, overrides, family_people) for v in variants]
    order = list(AcmgClassification)
    return sorted(
        results, key=lambda r: (order.index(r.classification), -r.points, r.variant.gene, r.variant.pos or 0)
    )
