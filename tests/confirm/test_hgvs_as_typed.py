"""HGVS as laboratory scientists type it: protein only, lower case, another transcript version, g. input.

Answers known in advance: FOXP3 c.1150G>A p.(Ala384Thr) is a reported variant of the panel list (so PS1,
which needs a *different* nucleotide change giving the same amino acid, never applies to it or to an input
that may be it); NC_000023.11:g.49251480C>T is the same allele on GRCh38.
"""

from __future__ import annotations

import pytest

from ipexpath.confirm import classify_variants, load_panel, parse_hgvs_variant
from ipexpath.confirm.acmg.context import EvaluationContext
from ipexpath.confirm.engine import VariantClassification
from ipexpath.errors import InputError


@pytest.fixture(scope="module")
def panel():  # type: ignore[no-untyped-def]
    return load_panel()


def _classify(panel, text: str) -> VariantClassification:  # type: ignore[no-untyped-def]
    (c,) = classify_variants([parse_hgvs_variant(text, panel)], EvaluationContext(panel, proband_sex="male"))
    return c


def _ps1(c: VariantClassification):  # type: ignore[no-untyped-def]
    return next(x for x in c.criteria if x.code == "PS1")


def test_protein_only_input_never_gets_ps1_from_the_variant_it_may_be(panel) -> None:  # type: ignore[no-untyped-def]
    protein = _classify(panel, "NP_054728.2:p.Ala384Thr")
    ps1 = _ps1(protein)
    assert not ps1.applied and not ps1.evaluated and "may be that very variant" in ps1.evidence
    nucleotide = _classify(panel, "NM_014009.4:c.1150G>A")
    assert protein.points == nucleotide.points  # was 2 more (PS1_Moderate against itself)


def test_lower_case_bases_are_the_same_variant(panel) -> None:  # type: ignore[no-untyped-def]
    lower = _classify(panel, "NM_014009.4:c.1150g>a")
    upper = _classify(panel, "NM_014009.4:c.1150G>A")
    assert lower.variant.hgvs_c == "c.1150G>A"
    assert not _ps1(lower).applied  # was PS1_Moderate against its own upper-case spelling
    assert lower.points == upper.points
    assert [x.code for x in lower.criteria if x.applied] == [x.code for x in upper.criteria if x.applied]


def test_another_transcript_version_is_said_first(panel) -> None:  # type: ignore[no-untyped-def]
    c = _classify(panel, "NM_014009.3:c.1150G>A")
    assert c.notes[0].startswith("TRANSCRIPT VERSION: NM_014009.3 was given")
    assert c.to_dict()["input_notes"] == [c.notes[0]]
    assert not _classify(panel, "NM_014009.4:c.1150G>A").variant.input_notes


def test_genomic_input_has_no_transcript_version_warning(panel) -> None:  # type: ignore[no-untyped-def]
    variant = parse_hgvs_variant("NC_000023.11:g.49251480C>T", panel)
    assert variant.hgvs_c == "c.1150G>A" and variant.input_notes == ()
    assert "version differs" not in (variant.annotation_source or "")


@pytest.mark.parametrize(
    "text",
    [
        "NM_014009.4:c.1150G>A p.Ala384Val",  # G>A at codon position 1 of GCN gives Thr only
        "NM_014009.4:c.1297A>G",  # beyond the 1,296-nt CDS
        "NM_014009.4:c.-73A>G",  # before the transcript (c.-72 is its first base)
        "FOXP3:c.1150G>A",  # a gene symbol is not a reference sequence
        "NM_014009.4:c.1150delC",  # codon 384 is Ala (GCN): its first base is G, not C
        "NM_014009.4:c.1150dupT",
    ],
)
def test_impossible_descriptions_are_refused(panel, text: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError):
        parse_hgvs_variant(text, panel)


@pytest.mark.parametrize(
    "text", ["NM_014009.4:c.1150delG", "NM_014009.4:c.1150del", "NM_014009.4:c.1150dupG"]
)
def test_a_stated_base_that_fits_is_accepted(panel, text: str) -> None:  # type: ignore[no-untyped-def]
    assert parse_hgvs_variant(text, panel).hgvs_c in ("c.1150del", "c.1150dup")


@pytest.mark.parametrize("typed", ["nm_014009.4:c.1150G>A", "Nm_014009.4:c.1150G>A"])
def test_lower_case_refseq_prefix_is_read_and_said(panel, typed: str) -> None:  # type: ignore[no-untyped-def]
    variant = parse_hgvs_variant(typed, panel)
    assert (variant.transcript, variant.hgvs_c) == ("NM_014009.4", "c.1150G>A")
    c = _classify(panel, typed)
    assert c.variant.hgvs_p == "p.Ala384Thr"


def test_a_pasted_page_is_refused_without_echoing_it(panel) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as info:
        parse_hgvs_variant("NM_014009.4:c." + "1" * 5000 + "G>A", panel)
    assert "5,017 characters" in info.value.message and len(info.value.message) < 200
