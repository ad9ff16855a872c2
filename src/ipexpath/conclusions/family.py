"""Counsel inside the pathway: family risks and what the family is offered, given the variant's class.

Predictive and carrier testing of relatives is offered only for a (likely) pathogenic familial variant: a
variant of uncertain significance should not be used in clinical decision making (Richards et al. 2015,
ACMG/AMP, PMID 25741868). With a VUS the plan becomes tests that help classify it — the variant in affected
relatives (co-segregation, PP1/BS4), in the parents (de novo, PS2/PM6) and a phenotype review — and the
relatives' chances are not calculated (the engine would read each affected relative as a carrier of it).
"""

from __future__ import annotations

from typing import Any

from ipexpath.case import Case
from ipexpath.conclusions.model import (
    FamilyConclusions,
    FamilyVariantStatus,
    Genetics,
    IpexStatus,
    VariantRole,
)
from ipexpath.conclusions.status import foxp3_finding
from ipexpath.counsel import (
    NO_FAMILIAL_VARIANT,
    Affection,
    GeneticTest,
    Pedigree,
    TestResult,
    compute_risks,
    draw_pedigree_svg,
    familial_variant_known,
    person_entry,
    plan_testing,
)
from ipexpath.errors import InputError
from ipexpath.knowledge.ipex import IpexKnowledge
from ipexpath.types import Sex

LABELS = {
    FamilyVariantStatus.PATHOGENIC: "chance of carrying the family's FOXP3 variant",
    FamilyVariantStatus.UNCERTAIN: (
        "chance of carrying this variant: not calculated while its effect is not known"
    ),
    FamilyVariantStatus.NOT_FOUND: (
        "chance of carrying a FOXP3 variant that causes IPEX (none was found in the tested child)"
    ),
    FamilyVariantStatus.NOT_TESTED: (
        "chance of carrying the family's FOXP3 variant (test results as recorded)"
    ),
}


VUS_NOT_CALCULATED = (
    "Relatives' chances are not calculated for a variant of uncertain significance: the risk model would "
    "count every affected relative as carrying it and every unaffected man as not, which is what testing "
    "the family must first show (co-segregation, ACMG PP1/BS4). Inheritance itself is Mendelian: a woman "
    "who carries it passes it to each child with chance 1 in 2, a man to all his daughters and none of his "
    "sons."
)


def proband_id(pedigree: Pedigree, case: Case) -> str:
    """The family member who is the case: the person with the case id, or the one flagged proband."""
    ids = [p.id for p in pedigree]
    if case.id in ids:
        return case.id
    probands = pedigree.probands()
    if len(probands) == 1:
        return str(probands[0].id)
    raise InputError(
        "The family file must mark exactly one person as the proband (the case being assessed), "
        f"or one person's id must be the case id '{case.id}'.",
        "Add `proband: true` to the affected child in a YAML family file, or give the case the child's id "
        "from the family file (a PED file cannot mark a proband).",
    )


def classification_plan(pedigree: Pedigree, proband: str, variant_label: str) -> tuple[str, ...]:
    """With a VUS: the tests that would help classify it, in the order they help most."""
    person = pedigree.get(proband)
    steps: list[str] = []
    affected = [p for p in pedigree if p.affected is Affection.AFFECTED and p.id != proband]
    for p in affected:
        dna = " (stored DNA or tissue, since deceased)" if p.deceased else ""
        steps.append(
            f"Test {variant_label} in {p.name or 'affected relative'} {p.id}{dna}: whether it "
            "segregates with "
            "IPEX in the family (co-segregation, ACMG PP1; not found in an affected relative argues against, "
            "BS4)."
        )
    parents = [x for x in (person.mother, person.father) if x is not None]
    if parents:
        steps.append(
            f"Test the parents ({', '.join(parents)}) for {variant_label}: a de novo variant with confirmed "
            "parentage supports pathogenicity (ACMG PS2; PM6 when parentage is assumed); in the mother it "
            "also tells whether it was inherited."
        )
    else:
        steps.append(
            f"Test the mother of the proband for {variant_label} (de novo or inherited; ACMG PS2/PM6)."
        )
    steps.append(
        "Review the phenotype: FOXP3 protein and regulatory T cells by flow cytometry, TSDR demethylation, "
        "histology; re-classify the variant with the new evidence."
    )
    steps.append(
        "No predictive or carrier testing of relatives until the variant is classified pathogenic or likely "
        "pathogenic (ACMG/AMP, Richards et al. 2015)."
    )
    return tuple(steps)


def assess_family(
    knowledge: IpexKnowledge,
    pedigree: Pedigree,
    case: Case,
    status: IpexStatus,
    genetics: Genetics | None,
    sex: Sex,
) -> FamilyConclusions:
    """Risks, plan and drawing, with the proband's result taken from the classification."""
    proband = proband_id(pedigree, case)
    notes: list[str] = []
    variant = foxp3_finding(genetics)
    if genetics is None:
        variant_status = FamilyVariantStatus.NOT_TESTED
    elif variant is not None and variant.is_pathogenic:
        variant_status = FamilyVariantStatus.PATHOGENIC
        pedigree = pedigree.with_test(proband, GeneticTest(TestResult.FOUND))
        what = "carrier finding" if variant.role is VariantRole.CARRIER else "familial variant found"
        notes.append(f"{proband}: {what} ({variant.label}, {variant.class_label}); used in the risk model.")
    elif variant is not None:
        variant_status = FamilyVariantStatus.UNCERTAIN
        notes.append(
            f"{proband}: FOXP3 variant of uncertain significance ({variant.label}); not used for predictive "
            "or carrier testing of relatives (Richards et al. 2015)."
        )
    elif genetics.test.covers("FOXP3"):
        variant_status = FamilyVariantStatus.NOT_FOUND
        pedigree = pedigree.with_test(
            proband, GeneticTest(TestResult.NOT_FOUND, sensitivity=genetics.test.sensitivity)
        )
        notes.append(
            f"{proband}: no FOXP3 variant of pathogenic or uncertain class; the risk model treats it as not "
            f"found with the test's sensitivity ({genetics.test.sensitivity:g})."
        )
    else:
        variant_status = FamilyVariantStatus.NOT_TESTED
        notes.append(f"{proband}: FOXP3 was not covered by the test; the recorded result is kept.")
    risk = compute_risks(pedigree)
    # targeted (predictive/carrier) tests need a P/LP familial variant that someone has tested positive for
    predictive = variant_status is FamilyVariantStatus.PATHOGENIC or (
        variant_status is FamilyVariantStatus.NOT_TESTED and familial_variant_known(pedigree)
    )
    if not predictive and variant_status is not FamilyVariantStatus.UNCERTAIN:
        notes.append(NO_FAMILIAL_VARIANT)
    plan = plan_testing(pedigree, result=risk) if predictive else ()
    vus_plan = (
        classification_plan(pedigree, proband, variant.label)
        if variant_status is FamilyVariantStatus.UNCERTAIN and variant is not None
        else ()
    )
    # A VUS is drawn without carrier probabilities, so nobody reads the drawing as a carrier map.
    svg = draw_pedigree_svg(pedigree, risk if variant_status is not FamilyVariantStatus.UNCERTAIN else None)
    # the rows are `individuals` (entry + risk); the risks keep the model, pregnancies and likelihood
    risks = {k: v for k, v in risk.to_dict().items() if k != "individuals"}
    uncertain = variant_status is FamilyVariantStatus.UNCERTAIN
    if uncertain:
        # The X-linked engine reads "affected" as "carries the family's disease variant", so with a VUS it
        # would give an affected uncle >99.99% "chance of carrying this variant" and an unaffected brother
        # ~0% — the very segregation the classification plan asks to test. No figures until it is classified.
        risks = {"not_calculated": VUS_NOT_CALCULATED}
        notes.append(VUS_NOT_CALCULATED)
    if variant_status is FamilyVariantStatus.PATHOGENIC:
        mosaic = [r for r in risk.individuals if r.p_germline_mosaic > 1e-3]
        for r in mosaic:
            notes.append(
                f"{r.id}: germline mosaicism {r.p_germline_mosaic:.1%} included in her future pregnancy risk "
                "(Rahbari et al. 2016: 1.3% of de novo mutations are shared by siblings)."
            )
    p_by_id = {} if uncertain else {r.id: r.p_variant for r in risk.individuals}
    mosaic_by_id = {} if uncertain else {r.id: r.p_germline_mosaic for r in risk.individuals}
    # the family-file entry of each person (`counsel.person_entry`, the schema `family --json` writes too)
    individuals: tuple[dict[str, Any], ...] = tuple(
        {
            **person_entry(p),
            "proband": p.id == proband,
            "minor": p.age is not None and p.age.is_minor,
            "p_variant": p_by_id.get(p.id),
            # a woman whose blood is negative may still carry it in her egg cells (Rahbari et al. 2016)
            "p_germline_mosaic": mosaic_by_id.get(p.id) or None,
        }
        for p in pedigree
    )
    return FamilyConclusions(
        family_id=str(pedigree.family_id),
        proband=proband,
        variant_status=variant_status,
        probability_label=(
            LABELS[variant_status]
            if predictive or variant_status is not FamilyVariantStatus.NOT_TESTED
            else "chance of carrying a FOXP3 variant that causes IPEX (none is known in the family yet)"
        ),
        individuals=individuals,
        risks=risks,
        testing_plan=tuple(s.to_dict() for s in plan),
        classification_plan=vus_plan,
        pedigree_svg=svg,
        notes=tuple(notes),
        targeted_testing=predictive,
    )
