"""HGVS given by hand: parsing, consequence and domain mapping without a transcript database."""

from __future__ import annotations

import pytest

from ipexpath.confirm import Consequence, load_panel, parse_hgvs_variant
from ipexpath.errors import InputError


@pytest.fixture(scope="module")
def panel():  # type: ignore[no-untyped-def]
    return load_panel()


@pytest.mark.parametrize(
    ("text", "consequence", "hgvs_p"),
    [
        ("NM_014009.4:c.1150G>A", Consequence.MISSENSE, "p.Ala384Thr"),  # p. filled from the panel list
        ("NM_014009.4:c.1150G>A p.(Ala384Thr)", Consequence.MISSENSE, "p.Ala384Thr"),
        ("NM_014009.4(FOXP3):c.1189C>T (p.Arg397Trp)", Consequence.MISSENSE, "p.Arg397Trp"),
        ("NM_014009.4:c.1201G>T p.E401*", Consequence.STOP_GAINED, "p.Glu401Ter"),
        ("NM_014009.4:c.227del", Consequence.FRAMESHIFT, "p.Leu76GlnfsTer53"),
        ("NM_014009.4:c.227delT", Consequence.FRAMESHIFT, "p.Leu76GlnfsTer53"),
        ("NM_014009.4:c.751_753del", Consequence.INFRAME_DELETION, "p.Glu251del"),
        ("NM_014009.4:c.210+1G>A", Consequence.SPLICE_DONOR, None),
        ("NM_014009.4:c.211-2A>G", Consequence.SPLICE_ACCEPTOR, None),
        ("NM_014009.4:c.-23+5G>A", Consequence.SPLICE_REGION, None),
        ("NM_014009.4:c.2T>C", Consequence.START_LOST, None),
        ("NM_014009.4:c.*876A>G", Consequence.UTR3, None),
        ("NM_014009.4:c.100dup", Consequence.FRAMESHIFT, None),
        ("NM_014009.4:c.1152C>T p.(Ala384=)", Consequence.SYNONYMOUS, "p.Ala384="),
        ("NP_054728.2:p.Arg397Trp", Consequence.MISSENSE, "p.Arg397Trp"),
        ("NM_014009:c.1150G>A", Consequence.MISSENSE, "p.Ala384Thr"),
    ],
)
def test_consequence_from_hgvs(panel, text: str, consequence: Consequence, hgvs_p: str | None) -> None:  # type: ignore[no-untyped-def]
    variant = parse_hgvs_variant(text, panel)
    assert variant.gene == "FOXP3"
    assert variant.consequence == consequence
    assert variant.hgvs_p == hgvs_p


def test_codon_maps_to_domain(panel) -> None:  # type: ignore[no-untyped-def]
    variant = parse_hgvs_variant("NM_014009.4:c.1150G>A", panel)
    assert variant.codon == 384
    assert panel.gene("FOXP3").domain_at(384).name.startswith("Forkhead")
    assert variant.pos == 49251480 and variant.chrom == "X"


def test_other_panel_gene(panel) -> None:  # type: ignore[no-untyped-def]
    variant = parse_hgvs_variant("NM_005214.5:c.22C>T p.(Arg8Ter)", panel)
    assert variant.gene == "CTLA4"
    assert variant.consequence == Consequence.STOP_GAINED


def test_unknown_transcript_lists_known(panel) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as info:
        parse_hgvs_variant("NM_000546.6:c.743G>A", panel)
    assert "not in the ipexpath panel" in info.value.message
    assert "NM_014009.4 (FOXP3)" in (info.value.suggestion or "")


@pytest.mark.parametrize(
    "text", ["garbage", "NM_014009.4:c.11x50G>A", "NM_014009.4:c.", "NM_014009.4:c.1150G>A p.(Xyz12Abc)"]
)
def test_malformed(panel, text: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError):
        parse_hgvs_variant(text, panel)


def test_genomic_description_refused(panel) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="chromosome accession"):
        parse_hgvs_variant("NM_014009.4:g.123A>G", panel)
