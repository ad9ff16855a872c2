"""Criteria from curated published evidence (PS4, PS3/BS3, PS2/PM6, PP1/BS4, BS2), ClinVar shown but not
counted, the conflict flag and the variant card; curated rows are built here so the answers are known."""

from __future__ import annotations

import pytest

from ipexpath.confirm import (
    EvaluationContext,
    PopulationData,
    classify_variant,
    load_panel,
    parse_hgvs_variant,
)
from ipexpath.confirm.classification import AcmgClassification
from ipexpath.confirm.evidence import parse_evidence

_SOURCES = {
    "PMID:1": {"citation": "Author A. Paper one. J 2001"},
    "PMID:2": {"citation": "Author B. Two. J 2002"},
}


def _evidence(**rows):  # type: ignore[no-untyped-def]
    variant = {"gene": "FOXP3", "transcript": "NM_014009.4", "hgvs_c": "c.1150G>A", "hgvs_p": "p.Ala384Thr"}
    variant.update(rows)
    return parse_evidence({"version": "t", "sources": _SOURCES, "variants": [variant]}, "test.yaml")


@pytest.fixture(scope="module")
def panel():  # type: ignore[no-untyped-def]
    return load_panel()


def _crit(result, code: str):  # type: ignore[no-untyped-def]
    return next(c for c in result.criteria if c.code == code)


def _classify(panel, evidence, text="NM_014009.4:c.1150G>A", population=None):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    variant = parse_hgvs_variant(text, panel)
    if population is not None:
        variant = replace(variant, population=population)
    return classify_variant(variant, EvaluationContext(panel, evidence=evidence))


def _probands(n: int, linked: bool = False) -> list[dict]:  # type: ignore[type-arg]
    rows = [{"patient": f"p{i}", "zygosity": "hemizygous", "sources": ["PMID:1"]} for i in range(n)]
    if linked and n > 1:
        rows[1]["same_as"] = ["p0"]
    return rows


@pytest.mark.parametrize(
    ("n", "linked", "label"),
    [(1, False, "PS4_Supporting"), (2, False, "PS4_Moderate"), (3, False, "PS4_Moderate"), (4, False, "PS4"),
     (2, True, "PS4_Supporting")],
)  # fmt: skip
def test_ps4_counts_unrelated_probands(panel, n: int, linked: bool, label: str) -> None:  # type: ignore[no-untyped-def]
    result = _classify(panel, _evidence(probands=_probands(n, linked)))
    ps4 = _crit(result, "PS4")
    assert ps4.applied and ps4.display_code == label
    assert "PMID:1" in ps4.evidence


def test_ps4_not_with_bs1(panel) -> None:  # type: ignore[no-untyped-def]
    common = PopulationData(af=0.001, af_checked=True, af_source="gnomAD")
    result = _classify(panel, _evidence(probands=_probands(4)), population=common)
    assert _crit(result, "BS1").applied and not _crit(result, "PS4").applied


@pytest.mark.parametrize(
    ("oddspath", "result", "code", "label"),
    [(400.0, "damaging", "PS3", "PS3_VeryStrong"), (20.0, "damaging", "PS3", "PS3"),
     (5.0, "damaging", "PS3", "PS3_Moderate"), (2.5, "damaging", "PS3", "PS3_Supporting"),
     (0.2, "no_effect", "BS3", "BS3_Moderate"), (0.04, "no_effect", "BS3", "BS3")],
)  # fmt: skip
def test_functional_strength_from_oddspath(panel, oddspath, result, code, label) -> None:  # type: ignore[no-untyped-def]
    assay = {"assay": "Treg suppression", "result": result, "controls": "11 variant controls",
             "strength": "none", "oddspath": oddspath, "sources": ["PMID:2"]}  # fmt: skip
    found = _crit(_classify(panel, _evidence(functional=[assay])), code)
    assert found.applied and found.display_code == label


def test_assay_without_controls_gives_no_strength(panel) -> None:  # type: ignore[no-untyped-def]
    assay = {"assay": "reporter", "result": "damaging", "controls": "wild type only", "strength": "none",
             "sources": ["PMID:2"]}  # fmt: skip
    ps3 = _crit(_classify(panel, _evidence(functional=[assay])), "PS3")
    assert not ps3.applied and "controls" in ps3.evidence


def test_de_novo_and_segregation_and_bs2(panel) -> None:  # type: ignore[no-untyped-def]
    evidence = _evidence(
        de_novo=[{"patient": "p0", "parentage_confirmed": True, "sources": ["PMID:1"]},
                 {"patient": "p1", "parentage_confirmed": True, "sources": ["PMID:1"]}],
        segregation=[{"family": "f", "informative_meioses": 5, "sources": ["PMID:2"]}],
        unaffected_hemizygotes=[{"count": 2, "adult": True, "description": "healthy uncles",
                                 "sources": ["PMID:2"]}],
    )  # fmt: skip
    result = _classify(panel, evidence)
    assert _crit(result, "PS2").display_code == "PS2"  # 2 x 1 point (confirmed, consistent) = Strong
    assert _crit(result, "PP1").display_code == "PP1_Moderate"  # 5 meioses
    assert _crit(result, "BS2").display_code == "BS2_Supporting"


def test_non_segregation_is_bs4(panel) -> None:  # type: ignore[no-untyped-def]
    evidence = _evidence(segregation=[{"family": "f", "affected_without_variant": 1, "sources": ["PMID:2"]}])
    result = _classify(panel, evidence)
    assert _crit(result, "BS4").display_code == "BS4_Supporting" and not _crit(result, "PP1").applied


def test_clinvar_shown_not_counted_and_conflict_flagged(panel) -> None:  # type: ignore[no-untyped-def]
    clinvar = [{"variation_id": 11410, "classification": "Pathogenic", "review_status": "multiple submitters",
                "stars": 2, "date": "2026-10-03", "retrieved_from": "test"}]  # fmt: skip
    with_cv = _classify(panel, _evidence(clinvar=clinvar))
    without = _classify(panel, _evidence())
    assert with_cv.points == without.points  # PP5 retired: ClinVar adds nothing
    assert with_cv.clinvar and with_cv.clinvar[0].accession == "VCV000011410"
    assert with_cv.clinvar_conflict is not None and with_cv.notes[0].startswith("REVIEW")
    benign = _classify(
        panel, _evidence(clinvar=clinvar), population=PopulationData(af=0.001, af_checked=True)
    )
    assert benign.classification in (AcmgClassification.LIKELY_BENIGN, AcmgClassification.BENIGN)
    assert benign.clinvar_conflict is not None and benign.clinvar_conflict.opposite


def test_card_lists_applied_missing_and_path(panel) -> None:  # type: ignore[no-untyped-def]
    result = _classify(panel, _evidence(probands=_probands(1)))
    card = result.card
    assert card is not None
    assert any(c.code == "PS4" for c in card.applied)
    assert any(c.code == "PP3" for c in card.not_evaluated)  # no REVEL given: says what is needed
    assert card.sources and card.sources[0].url == "https://pubmed.ncbi.nlm.nih.gov/1/"
    assert any("Likely pathogenic needs" in step for step in card.reclassification)
    missing = card.reclassification[-1]
    # PS4_Supporting (1 point) can still gain 3 (Strong = 4); no REVEL given, no gnomAD data given
    assert "PS4 (up to +3)" in missing and "PP3 (up to +4)" in missing and "PM2 (up to +1)" in missing
    assert "PM3" not in missing  # not applicable to an X-linked hemizygote
    assert result.to_dict()["card"]["path_to_reclassification"]


def test_bundled_example_variant_uses_curated_evidence(panel) -> None:  # type: ignore[no-untyped-def]
    result = classify_variant(parse_hgvs_variant("NM_014009.4:c.1150G>A", panel), EvaluationContext(panel))
    assert result.evidence is not None and result.evidence.hgvs_c == "c.1150G>A"
    assert _crit(result, "PS4").applied


def test_de_novo_points_summed_over_family_and_literature() -> None:
    from dataclasses import replace as with_points

    from ipexpath.confirm.acmg.base import Strength, applied, not_applied
    from ipexpath.confirm.engine import combine_de_novo

    family = with_points(applied("PM6", Strength.SUPPORTING, "patient", "SVI"), rule_points=0.5)
    literature = with_points(applied("PS2", Strength.MODERATE, "paper", "SVI"), rule_points=1.0)
    combined = combine_de_novo(
        [family, not_applied("PS2", "x", "SVI"), literature, not_applied("PM6", "y", "SVI")]
    )
    ps2 = [c for c in combined if c.code == "PS2" and c.applied]
    # 0.5 + 1 = 1.5 points -> Moderate (ClinGen SVI: 1 Moderate, 2 Strong); PS2 since one is confirmed
    assert len(ps2) == 1 and ps2[0].strength == Strength.MODERATE and ps2[0].rule_points == 1.5
    more = with_points(applied("PS2", Strength.MODERATE, "paper 2", "SVI"), rule_points=1.0)
    strong = [c for c in combine_de_novo([family, literature, more]) if c.applied]
    assert strong[0].strength == Strength.STRONG and "2.5 point(s)" in strong[0].evidence
    assert combine_de_novo([family]) == [family]  # one source: unchanged


def test_card_json_refers_to_criteria_by_code(panel) -> None:  # type: ignore[no-untyped-def]
    data = _classify(panel, _evidence(probands=_probands(2))).to_dict()
    assert "PS4_Moderate" in data["card"]["applied"] and "PP3" in data["card"]["not_evaluated"]
    assert {c["code"] for c in data["criteria"]} >= set(data["card"]["not_evaluated"])


def test_curated_comparator_gives_pm5_and_ps1(panel) -> None:  # type: ignore[no-untyped-def]
    # A curated FOXP3 missense at codon 376 (no panel-list variant there) with 4 unrelated probands (PS4 = 4)
    # and a validated assay (OddsPath 20: PS3 = 4) plus PM1 (forkhead, 2): Pathogenic (10 points) on its own.
    comparator = {
        "gene": "FOXP3", "transcript": "NM_014009.4", "hgvs_c": "c.1128T>A", "hgvs_p": "p.Asn376Lys",
        "probands": _probands(4),
        "functional": [{"assay": "Treg suppression", "result": "damaging", "controls": "11 variant controls",
                        "strength": "none", "oddspath": 20.0, "sources": ["PMID:2"]}],
    }  # fmt: skip
    evidence = parse_evidence({"version": "t", "sources": _SOURCES, "variants": [comparator]}, "test.yaml")
    alone = _classify(panel, evidence, "NM_014009.4:c.1128T>A p.Asn376Lys")
    assert alone.classification == AcmgClassification.PATHOGENIC
    other = _classify(panel, evidence, "NM_014009.4:c.1127A>G p.Asn376Ser")  # AAY -> AGY
    pm5 = _crit(other, "PM5")
    assert pm5.display_code == "PM5" and "c.1128T>A" in pm5.evidence
    same_aa = _classify(panel, evidence, "NM_014009.4:c.1128T>G p.Asn376Lys")  # AAT -> AAG, also Lys
    assert _crit(same_aa, "PS1").display_code == "PS1" and not _crit(same_aa, "PM5").applied
    nothing = _classify(panel, None, "NM_014009.4:c.1127A>G p.Asn376Ser")
    assert not _crit(nothing, "PM5").applied
