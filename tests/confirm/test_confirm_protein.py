"""Reference protein and genetic code: reference-residue and reference-base checks, p. derived from c.,
next in-frame Met for start loss (answers worked out by hand from the FOXP3 sequence, UniProt Q9BZS1)."""

from __future__ import annotations

import pytest

from ipexpath.confirm import EvaluationContext, classify_variant, load_panel, parse_hgvs_variant
from ipexpath.confirm.codons import CODE, protein_for, substitution_outcome
from ipexpath.confirm.hgvs_input import protein_position
from ipexpath.confirm.transcripts import load_transcripts
from ipexpath.errors import InputError


@pytest.fixture(scope="module")
def panel():  # type: ignore[no-untyped-def]
    return load_panel()


def test_foxp3_protein_matches_transcript_and_clinvar_names(panel) -> None:  # type: ignore[no-untyped-def]
    reference = protein_for("FOXP3")
    assert reference is not None and reference.protein == "NP_054728.2"
    model = load_transcripts().get("NM_014009.4", "GRCh38")
    assert model is not None and len(reference.sequence) == model.cds_length // 3 - 1 == 431
    checked = 0
    for known in panel.gene("FOXP3").known_variants:  # ClinVar-named changes on NP_054728.2
        position = protein_position(known.hgvs_p)
        if position is None:
            continue
        residue = known.hgvs_p.removeprefix("p.")[:3]
        assert reference.residue(position) == {"Ala": "A", "Pro": "P", "Gln": "Q", "Cys": "C", "Phe": "F",
                                               "Arg": "R", "Thr": "T", "Leu": "L", "Tyr": "Y", "Met": "M",
                                               "Val": "V", "Glu": "E"}[residue], known.hgvs_p  # fmt: skip
        checked += 1
    assert checked >= 18


def test_genetic_code_and_outcomes() -> None:
    assert len(CODE) == 64 and CODE["ATG"] == "M" and CODE["TGA"] == "*" and CODE["TGG"] == "W"
    ala_first = substitution_outcome("A", 1, "G", "A")  # GCN -> ACN
    assert ala_first.reference_possible and ala_first.unique == "T"
    assert not substitution_outcome("A", 1, "C", "T").reference_possible
    assert substitution_outcome("A", 3, "C", "T").unique == "A"  # third base of Ala: synonymous
    assert substitution_outcome("R", 2, "G", "A").residues == frozenset(
        {"H", "Q", "K"}
    )  # CGN -> CAN, AGR -> AAR


@pytest.mark.parametrize(
    ("text", "hgvs_p"),
    [
        ("NM_014009.4:c.1152C>T", "p.Ala384="),  # derived: third base of an Ala codon
        ("NM_014009.4:c.1201G>T", "p.Glu401Ter"),  # GAR -> TAR
        ("NM_014009.4:c.1150G>A", "p.Ala384Thr"),  # from the panel list, agrees with the code
        ("NM_014009.4:c.1040G>A", "p.Arg347His"),  # two outcomes possible (His/Gln): panel list decides
        ("NM_014009.4:c.1039C>T", None),  # CGN -> TGN: Cys, Trp or stop: not derived
    ],
)
def test_p_derived_from_reference_protein(panel, text: str, hgvs_p: str | None) -> None:  # type: ignore[no-untyped-def]
    assert parse_hgvs_variant(text, panel).hgvs_p == hgvs_p


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("NM_014009.4:c.1150C>T", "reference base is wrong"),
        ("NM_014009.4:c.1150G>A p.Ala384Val", "can only give Thr"),
        ("NM_014009.4:c.1150G>A p.Gly384Thr", "is Ala in the reference protein"),
        ("NP_054728.2:p.Gly384Thr", "is Ala in the reference protein"),
        ("NP_054728.2:p.Ala432Thr", "beyond the 431-residue"),
        ("NC_000023.11:g.49251480A>T", "'NC_000023.11:g.49251480A>T' (c.1150T>A)"),  # minus strand: T in c.
    ],
)
def test_mismatches_refused(panel, text: str, words: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as err:
        parse_hgvs_variant(text, panel)
    assert words in err.value.message


def test_start_loss_next_methionine(panel) -> None:  # type: ignore[no-untyped-def]
    reference = protein_for("FOXP3")
    assert reference is not None and reference.next_methionine() == 64
    result = classify_variant(parse_hgvs_variant("NM_014009.4:c.1A>G", panel), EvaluationContext(panel))
    pvs1 = next(c for c in result.criteria if c.code == "PVS1")
    # no ClinVar P/LP FOXP3 variant in the panel list lies in codons 2-63 -> Supporting branch
    assert (
        pvs1.display_code == "PVS1_Supporting" and "Met64" in pvs1.evidence and "c.190_192" in pvs1.evidence
    )


def test_stop_codon_substitution_is_stop_loss_pm4(panel) -> None:  # type: ignore[no-untyped-def]
    variant = parse_hgvs_variant(
        "NM_014009.4:c.1294T>C", panel
    )  # T at codon position 1 of a stop: TAA/TAG/TGA
    pm4 = next(c for c in classify_variant(variant, EvaluationContext(panel)).criteria if c.code == "PM4")
    assert variant.consequence.value == "stop_lost" and pm4.display_code == "PM4"


@pytest.mark.parametrize(
    ("gene", "residues"),
    [  # reference residues named by the outside truth set (ClinVar / publications), checked 2026-11-29
        ("CTLA4", {70: "R", 75: "R", 146: "G", 153: "D", 189: "M"}),
        ("STAT1", {267: "A", 274: "R", 385: "T"}),
        ("STAT3", {382: "R", 637: "V", 715: "P", 716: "T"}),
    ],
)
def test_ipex_like_proteins(gene: str, residues: dict[int, str]) -> None:
    reference = protein_for(gene)
    model = load_transcripts().for_gene(gene, "GRCh38")
    assert reference is not None and model is not None
    assert len(reference.sequence) == model.cds_length // 3 - 1
    assert {pos: reference.residue(pos) for pos in residues} == residues


def test_ipex_like_c_p_checked(panel) -> None:  # type: ignore[no-untyped-def]
    # ACN -> ATN: Ile or Met (ATG), so the p. is not derived but a given Ile is accepted
    assert parse_hgvs_variant("NM_139276.3:c.2147C>T", panel).hgvs_p is None
    assert parse_hgvs_variant("NM_139276.3:c.2147C>T p.Thr716Ile", panel).hgvs_p == "p.Thr716Ile"
    with pytest.raises(InputError):
        parse_hgvs_variant("NM_005214.5:c.208G>T", panel)  # CTLA4 codon 70 is Arg: no Arg codon starts with G
    with pytest.raises(InputError):
        parse_hgvs_variant("NM_139276.3:c.2147C>T p.Thr716Val", panel)


def test_inframe_deletion_protein_from_genetic_code(panel) -> None:  # type: ignore[no-untyped-def]
    from ipexpath.confirm.codons import ProteinReference, inframe_deletion_outcome

    # FOXP3 ...Glu249 Lys250 Glu251 Lys252...: Lys AAR and Glu GAR end in a purine, so deleting c.750-752
    # (Lys250 3rd base + Glu251 1st-2nd) leaves AA+R = Lys: the protein loses Glu251 whatever the codons are
    assert parse_hgvs_variant("NM_014009.4:c.750_752del", panel).hgvs_p == "p.Glu251del"
    assert parse_hgvs_variant("NM_014009.4:c.752_754del", panel).hgvs_p == "p.Lys252del"
    with pytest.raises(InputError) as err:
        parse_hgvs_variant("NM_014009.4:c.750_752del p.Lys250del", panel)
    assert "removes Glu251" in err.value.message
    run = ProteinReference("X", "t", "p", "MALLKA", "test")  # deleting either Leu is p.Leu4del (HGVS 3' rule)
    assert inframe_deletion_outcome(run, 7, 9) == inframe_deletion_outcome(run, 10, 12) == "p.Leu4del"
    assert inframe_deletion_outcome(run, 1, 3) is None  # the start codon: start loss, not a deletion
