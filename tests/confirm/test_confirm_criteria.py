"""ACMG/AMP criteria, points and classes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipexpath.confirm import (
    AcmgClassification,
    EvaluationContext,
    FamilyPerson,
    PhenotypeEvidence,
    PopulationData,
    Variant,
    Zygosity,
    classify_points,
    classify_variant,
    load_panel,
    max_credible_af,
    parse_hgvs_variant,
    parse_override,
)
from ipexpath.errors import InputError


@pytest.fixture(scope="module")
def panel():  # type: ignore[no-untyped-def]
    return load_panel()


def _crit(result, code):  # type: ignore[no-untyped-def]
    return next(c for c in result.criteria if c.code == code)


def _foxp3(panel, text: str, **changes) -> Variant:  # type: ignore[no-untyped-def]
    return replace(parse_hgvs_variant(text, panel), **changes)


# ----------------------------------------------------------------------------------------------- points
@pytest.mark.parametrize(("points", "expected"), [
    (10, AcmgClassification.PATHOGENIC), (9, AcmgClassification.LIKELY_PATHOGENIC),
    (6, AcmgClassification.LIKELY_PATHOGENIC), (5, AcmgClassification.UNCERTAIN_SIGNIFICANCE),
    (0, AcmgClassification.UNCERTAIN_SIGNIFICANCE), (-1, AcmgClassification.LIKELY_BENIGN),
    (-6, AcmgClassification.LIKELY_BENIGN), (-7, AcmgClassification.BENIGN),
])  # fmt: skip
def test_tavtigian_2020_thresholds(panel, points: int, expected: AcmgClassification) -> None:  # type: ignore[no-untyped-def]
    assert classify_points(points, panel.criteria["classes"]) == expected


@given(st.integers(-30, 30))
def test_classes_monotonic(points: int) -> None:
    classes = load_panel().criteria["classes"]
    order = list(AcmgClassification)
    assert order.index(classify_points(points, classes)) <= order.index(classify_points(points - 1, classes))


# ----------------------------------------------------------------------------------------------- PVS1
def test_pvs1_nonsense_nmd_by_exon(panel) -> None:  # type: ignore[no-untyped-def]
    v = _foxp3(panel, "NM_014009.4:c.136C>T p.(Gln46Ter)", exon="3/12")
    assert _crit(classify_variant(v, EvaluationContext(panel)), "PVS1").display_code == "PVS1"


def test_pvs1_last_exon_critical_region_strong(panel) -> None:  # type: ignore[no-untyped-def]
    v = _foxp3(panel, "NM_014009.4:c.1201G>T p.(Glu401Ter)", exon="12/12")
    c = _crit(classify_variant(v, EvaluationContext(panel)), "PVS1")
    assert c.display_code == "PVS1_Strong" and "forkhead" in c.evidence.lower()


def test_pvs1_after_critical_region_small_truncation(panel) -> None:  # type: ignore[no-untyped-def]
    v = _foxp3(panel, "NM_014009.4:c.1272T>A p.(Cys424Ter)", exon="12/12")
    assert _crit(classify_variant(v, EvaluationContext(panel)), "PVS1").display_code == "PVS1_Moderate"


def test_pvs1_frameshift_new_stop_from_structure(panel) -> None:  # type: ignore[no-untyped-def]
    # p.Leu76GlnfsTer53: new stop at codon 128 (exon 4/12), far upstream of the last junction -> NMD
    result = classify_variant(_foxp3(panel, "NM_014009.4:c.227del"), EvaluationContext(panel))
    c = _crit(result, "PVS1")
    assert c.display_code == "PVS1" and "exon 4/12" in c.evidence and "NMD predicted" in c.evidence


def test_pvs1_not_for_gof_gene(panel) -> None:  # type: ignore[no-untyped-def]
    v = parse_hgvs_variant("NM_007315.4:c.22C>T p.(Gln8Ter)", panel)
    c = _crit(classify_variant(v, EvaluationContext(panel)), "PVS1")
    assert not c.applied and "GOF" in c.evidence


def test_pvs1_noncoding_splice_not_applied(panel) -> None:  # type: ignore[no-untyped-def]
    v = _foxp3(panel, "NM_014009.4:c.-23+1G>A")
    assert not _crit(classify_variant(v, EvaluationContext(panel)), "PVS1").applied


def test_null_variant_absent_from_gnomad_is_likely_pathogenic(panel) -> None:  # type: ignore[no-untyped-def]
    v = _foxp3(
        panel, "NM_014009.4:c.136C>T p.(Gln46Ter)", exon="3/12", population=PopulationData(af_checked=True)
    )
    result = classify_variant(v, EvaluationContext(panel))
    assert result.points == 9 and result.classification == AcmgClassification.LIKELY_PATHOGENIC


# ----------------------------------------------------------------------------------------------- frequency
def test_max_credible_af_xlr(panel) -> None:  # type: ignore[no-untyped-def]
    t = max_credible_af(panel.gene("FOXP3"))
    assert t.max_credible_af == pytest.approx(2 * 1e-6 * 0.5 * 1.0 / 0.5)
    assert "Whiffin" in t.computation


@pytest.mark.parametrize(("af", "codes"), [
    (0.2, {"BA1"}), (0.001, {"BS1"}), (1e-6, {"PM2"}), (None, {"PM2"}),
])  # fmt: skip
def test_frequency_criteria(panel, af: float | None, codes: set[str]) -> None:  # type: ignore[no-untyped-def]
    v = _foxp3(
        panel, "NM_014009.4:c.1150G>A", population=PopulationData(af=af, af_checked=True, af_source="MAX_AF")
    )
    result = classify_variant(v, EvaluationContext(panel))
    applied = {c.code for c in result.criteria if c.applied and c.code in ("BA1", "BS1", "PM2")}
    assert applied == codes
    if "BA1" in codes:
        assert result.classification == AcmgClassification.BENIGN


def test_frequency_not_evaluated_without_data(panel) -> None:  # type: ignore[no-untyped-def]
    result = classify_variant(_foxp3(panel, "NM_014009.4:c.1150G>A"), EvaluationContext(panel))
    assert not _crit(result, "PM2").evaluated


# ----------------------------------------------------------------------------------------------- PP3/BP4, PM1
@pytest.mark.parametrize(("revel", "label"), [
    (0.95, "PP3_Strong"), (0.932, "PP3_Strong"), (0.80, "PP3_Moderate"), (0.644, "PP3"),
    (0.5, None), (0.29, "BP4"), (0.1, "BP4_Moderate"), (0.01, "BP4_Strong"), (0.002, "BP4_VeryStrong"),
])  # fmt: skip
def test_revel_calibrated(panel, revel: float, label: str | None) -> None:  # type: ignore[no-untyped-def]
    v = _foxp3(panel, "NM_014009.4:c.497C>T p.(Ala166Val)", population=PopulationData(revel=revel))
    result = classify_variant(v, EvaluationContext(panel))
    applied = [c.display_code for c in result.criteria if c.applied and c.code in ("PP3", "BP4")]
    assert applied == ([label] if label else [])


def test_spliceai_for_synonymous(panel) -> None:  # type: ignore[no-untyped-def]
    v = _foxp3(panel, "NM_014009.4:c.1152C>T p.(Ala384=)", population=PopulationData(spliceai=0.5))
    assert _crit(classify_variant(v, EvaluationContext(panel)), "PP3").applied
    v = replace(v, population=PopulationData(spliceai=0.05))
    assert _crit(classify_variant(v, EvaluationContext(panel)), "BP4").applied


def test_pm1_and_cap_with_pp3(panel) -> None:  # type: ignore[no-untyped-def]
    v = _foxp3(panel, "NM_014009.4:c.1150G>A", population=PopulationData(revel=0.95))
    result = classify_variant(v, EvaluationContext(panel))
    pm1, pp3 = _crit(result, "PM1"), _crit(result, "PP3")
    assert pp3.points == 4 and not pm1.applied and "Pejaver" in pm1.evidence
    v = _foxp3(panel, "NM_014009.4:c.1150G>A", population=PopulationData(revel=0.7))
    result = classify_variant(v, EvaluationContext(panel))
    assert _crit(result, "PM1").points == 2 and _crit(result, "PP3").points == 1


def test_pm1_leucine_zipper_supporting(panel) -> None:  # type: ignore[no-untyped-def]
    v = _foxp3(panel, "NM_014009.4:c.743T>C p.(Leu248Pro)")
    assert _crit(classify_variant(v, EvaluationContext(panel)), "PM1").display_code == "PM1_Supporting"


# ----------------------------------------------------------------------------------------------- PS1/PM5
def test_ps1_same_amino_acid_other_nucleotide(panel) -> None:  # type: ignore[no-untyped-def]
    v = _foxp3(panel, "NM_014009.4:c.972C>G p.(Phe324Leu)")  # TTC -> TTG: Leu as c.970T>C (CTC)
    c = _crit(classify_variant(v, EvaluationContext(panel)), "PS1")
    assert c.applied and c.display_code == "PS1_Moderate" and "c.970T>C" in c.evidence  # comparator P/LP


def test_pm5_other_missense_same_codon(panel) -> None:  # type: ignore[no-untyped-def]
    v = _foxp3(panel, "NM_014009.4:c.1189C>G p.(Arg397Gly)")
    c = _crit(classify_variant(v, EvaluationContext(panel)), "PM5")
    assert c.applied and c.display_code == "PM5"


def test_exact_known_variant_is_not_ps1(panel) -> None:  # type: ignore[no-untyped-def]
    result = classify_variant(parse_hgvs_variant("NM_014009.4:c.1189C>T", panel), EvaluationContext(panel))
    assert not _crit(result, "PS1").applied
    assert _crit(result, "PM5").applied  # R397Q is another pathogenic change at codon 397
    assert any("Reported variant" in n for n in result.notes)


# ----------------------------------------------------------------------------------------------- PP4
def test_pp4_rules(panel) -> None:  # type: ignore[no-untyped-def]
    v = parse_hgvs_variant("NM_014009.4:c.1150G>A", panel)
    specific = [PhenotypeEvidence("OMIM:304790", "FOXP3", 0.9, 3.0, 1)]
    vague = [
        PhenotypeEvidence("OMIM:606367", "IL2RA", 0.5, 2.0, 1),
        PhenotypeEvidence("OMIM:304790", "FOXP3", 0.4, 2.0, 2),
    ]
    assert _crit(classify_variant(v, EvaluationContext(panel, phenotype=specific)), "PP4").applied
    c = _crit(classify_variant(v, EvaluationContext(panel, phenotype=vague)), "PP4")
    assert not c.applied and "rank 2" in c.evidence
    assert not _crit(classify_variant(v, EvaluationContext(panel)), "PP4").evaluated


# ----------------------------------------------------------------------------------------------- family
def _people(**extra) -> list[FamilyPerson]:  # type: ignore[no-untyped-def]
    people = [
        FamilyPerson("PROBAND", "male", True, 0.5, "MOTHER", "FATHER", True),
        FamilyPerson("MOTHER", "female", False, 30, "GM", None, False),
        FamilyPerson("FATHER", "male", False, 32, None, None, False),
        FamilyPerson("GM", "female", False, 60, None, None, False),
        FamilyPerson("UNCLE1", "male", True, 2, "GM", None, False),
        FamilyPerson("UNCLE2", "male", True, 1, "GM", None, False),
        FamilyPerson("UNCLE3", "male", False, 40, "GM", None, False),
    ]
    return people


def _with_genotypes(panel, genotypes: dict[str, Zygosity]) -> Variant:  # type: ignore[no-untyped-def]
    return _foxp3(panel, "NM_014009.4:c.1150G>A", zygosity=Zygosity.HEMIZYGOUS, sample="PROBAND",
                  family_genotypes=genotypes)  # fmt: skip


def test_de_novo_pm6_and_ps2(panel) -> None:  # type: ignore[no-untyped-def]
    v = _with_genotypes(panel, {"MOTHER": Zygosity.REFERENCE, "FATHER": Zygosity.REFERENCE})
    result = classify_variant(v, EvaluationContext(panel), family_people=_people())
    assert _crit(result, "PM6").display_code == "PM6_Supporting"
    specific = [PhenotypeEvidence("OMIM:304790", "FOXP3", 0.9, 3.0, 1)]
    ctx = EvaluationContext(panel, phenotype=specific, parentage_confirmed=True)
    result = classify_variant(v, ctx, family_people=_people())
    assert _crit(result, "PS2").display_code == "PS2" and not _crit(result, "PM6").applied


def test_inherited_not_de_novo(panel) -> None:  # type: ignore[no-untyped-def]
    v = _with_genotypes(panel, {"MOTHER": Zygosity.HETEROZYGOUS})
    result = classify_variant(v, EvaluationContext(panel), family_people=_people())
    assert "Inherited" in _crit(result, "PM6").evidence


def test_pp1_cosegregation_and_bs2(panel) -> None:  # type: ignore[no-untyped-def]
    genotypes = {"MOTHER": Zygosity.HETEROZYGOUS, "GM": Zygosity.HETEROZYGOUS, "UNCLE1": Zygosity.HOMOZYGOUS,
                 "UNCLE2": Zygosity.HEMIZYGOUS, "UNCLE3": Zygosity.REFERENCE}  # fmt: skip
    result = classify_variant(
        _with_genotypes(panel, genotypes), EvaluationContext(panel), family_people=_people()
    )
    pp1 = _crit(result, "PP1")
    assert pp1.applied and pp1.display_code == "PP1" and "3 informative meioses" in pp1.evidence
    genotypes["UNCLE3"] = Zygosity.HEMIZYGOUS
    result = classify_variant(
        _with_genotypes(panel, genotypes), EvaluationContext(panel), family_people=_people()
    )
    assert _crit(result, "BS2").display_code == "BS2_Supporting"


def test_bs4_affected_relative_without_variant(panel) -> None:  # type: ignore[no-untyped-def]
    result = classify_variant(
        _with_genotypes(panel, {"UNCLE1": Zygosity.REFERENCE}),
        EvaluationContext(panel),
        family_people=_people(),
    )
    assert _crit(result, "BS4").applied and not _crit(result, "PP1").applied


# ----------------------------------------------------------------------------------------------- overrides
def test_override_recomputes_class(panel) -> None:  # type: ignore[no-untyped-def]
    v = _foxp3(panel, "NM_014009.4:c.1150G>A", population=PopulationData(af_checked=True))
    base = classify_variant(v, EvaluationContext(panel, use_bundled_evidence=False))
    assert base.points == 3
    overrides = [parse_override("PS3=strong:Treg suppression assay (hypothetical)"),
                 parse_override("c.1150G>A@PP4=supporting:CD4+CD25+FOXP3+ cells absent")]  # fmt: skip
    result = classify_variant(v, EvaluationContext(panel, use_bundled_evidence=False), overrides)
    assert result.points == 8 and result.classification == AcmgClassification.LIKELY_PATHOGENIC
    assert _crit(result, "PS3").overridden and "Treg" in _crit(result, "PS3").evidence
    off = classify_variant(
        v, EvaluationContext(panel, use_bundled_evidence=False), [parse_override("PM1=off:domain disputed")]
    )
    assert off.points == 1 and not _crit(off, "PM1").applied
    other = classify_variant(
        v, EvaluationContext(panel, use_bundled_evidence=False), [parse_override("c.1A>G@PS3=strong:x")]
    )
    assert other.points == 3


@pytest.mark.parametrize("text", ["PS3", "PS3=strong", "XX9=strong:x", "PS3=huge:x", "PP5=strong:x"])
def test_bad_override(text: str) -> None:
    with pytest.raises(InputError):
        parse_override(text)


def test_every_result_explains_itself(panel) -> None:  # type: ignore[no-untyped-def]
    result = classify_variant(parse_hgvs_variant("NM_014009.4:c.1150G>A", panel), EvaluationContext(panel))
    codes = [c.code for c in result.criteria]
    assert len(codes) == len(set(codes)) >= 26
    assert all(c.evidence and c.source for c in result.criteria)
