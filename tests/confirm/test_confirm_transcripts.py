"""Transcript structure (MANE Select, GRCh37/GRCh38), c. <-> genome mapping, PVS1 from the structure and
HGVS correctness (bounds, c./p. agreement, g. input)."""

from __future__ import annotations

import pytest

from ipexpath.confirm import Consequence, EvaluationContext, classify_variants, load_panel, parse_hgvs_variant
from ipexpath.confirm.model import Variant
from ipexpath.confirm.transcripts import CPosition, Region, load_transcripts
from ipexpath.errors import InputError


@pytest.fixture(scope="module")
def panel():  # type: ignore[no-untyped-def]
    return load_panel()


def test_foxp3_mane_has_12_exons_first_noncoding() -> None:
    for build in ("GRCh37", "GRCh38"):
        model = load_transcripts().get("NM_014009.4", build)
        assert model is not None and model.strand == "-" and model.chrom == "X"
        assert model.exon_count == 12
        assert model.coding_codons(model.exons[0]) is None  # exon 1 is 5' UTR only
        assert model.cds_length == 1296 and model.protein_length == 431


def test_every_panel_gene_has_its_mane_structure_on_both_builds(panel) -> None:  # type: ignore[no-untyped-def]
    for gene in panel.genes:
        for build in ("GRCh37", "GRCh38"):
            model = load_transcripts().get(gene.mane.accession, build)
            assert model is not None, (gene.symbol, build)
            assert model.accession == gene.mane.accession
            assert model.protein_length == gene.protein_length, gene.symbol
            region = gene.regions[build]
            assert region.start <= model.genomic(CPosition(Region.CDS, 1)) <= region.end


@pytest.mark.parametrize(
    ("c", "grch38"),
    [  # ClinVar GRCh38 positions of FOXP3 variants (panel.yaml known_variants)
        (CPosition(Region.CDS, 1150), 49251480),
        (CPosition(Region.CDS, 1189), 49251441),
        (CPosition(Region.CDS, 398), 49257483),
        (CPosition(Region.CDS, 970), 49253200),
    ],
)
def test_c_to_genome_matches_clinvar(c: CPosition, grch38: int) -> None:
    model = load_transcripts().get("NM_014009.4", "GRCh38")
    assert model is not None
    assert model.genomic(c) == grch38
    assert model.c_of_genomic(grch38) == c


def test_intronic_positions_round_trip() -> None:
    model = load_transcripts().get("NM_014009.4", "GRCh38")
    assert model is not None
    for c in (CPosition(Region.UTR5, 23, 1), CPosition(Region.CDS, 210, 1), CPosition(Region.CDS, 211, -2)):
        assert model.c_of_genomic(model.genomic(c)) == c


def _pvs1(panel, variant: Variant):  # type: ignore[no-untyped-def]
    result = classify_variants([variant], EvaluationContext(panel))[0]
    return next(c for c in result.criteria if c.code == "PVS1")


def test_pvs1_same_from_hgvs_and_vcf(panel) -> None:  # type: ignore[no-untyped-def]
    hgvs = parse_hgvs_variant("NM_014009.4:c.136C>T p.(Gln46Ter)", panel)
    model = load_transcripts().get("NM_014009.4", "GRCh38")
    assert model is not None
    vcf = Variant(
        gene="FOXP3", transcript="NM_014009.4", hgvs_c=None, hgvs_p="p.Gln46Ter",
        consequence=Consequence.STOP_GAINED, chrom="X", pos=model.genomic(CPosition(Region.CDS, 136)),
        ref="G", alt="A", build="GRCh38",
    )  # fmt: skip
    assert (hgvs.chrom, hgvs.pos, hgvs.ref, hgvs.alt) == (vcf.chrom, vcf.pos, vcf.ref, vcf.alt)
    a, b = _pvs1(panel, hgvs), _pvs1(panel, vcf)
    assert a.display_code == b.display_code == "PVS1"
    assert a.evidence == b.evidence


def test_pvs1_penultimate_exon_50nt_rule(panel) -> None:  # type: ignore[no-untyped-def]
    # FOXP3 exon 11/12 encodes codons 349-382; its 3' end is the last exon-exon junction.
    near = _pvs1(panel, parse_hgvs_variant("NM_014009.4:c.1143G>A p.(Trp381Ter)", panel))
    far = _pvs1(panel, parse_hgvs_variant("NM_014009.4:c.1054G>T p.(Glu352Ter)", panel))
    assert near.display_code == "PVS1_Strong" and "within 50 nt" in near.evidence
    assert far.display_code == "PVS1" and "NMD predicted" in far.evidence


def test_pvs1_canonical_splice_frame(panel) -> None:  # type: ignore[no-untyped-def]
    # exon 4 = c.316-c.454 (139 nt, out of frame) -> NMD; exon 3 = c.211-c.315 (105 nt, in frame)
    out_of_frame = _pvs1(panel, parse_hgvs_variant("NM_014009.4:c.454+1G>A", panel))
    in_frame = _pvs1(panel, parse_hgvs_variant("NM_014009.4:c.315+2T>C", panel))
    noncoding = _pvs1(panel, parse_hgvs_variant("NM_014009.4:c.-23+1G>A", panel))
    assert out_of_frame.display_code == "PVS1" and "exon 4/12" in out_of_frame.evidence
    # residues 71-105 (8% of 431) touch no critical domain: the tree's in-frame branch gives Moderate
    assert in_frame.display_code == "PVS1_Moderate" and "keeps the reading frame" in in_frame.evidence
    assert "less than 10%" in in_frame.evidence and "forkhead" not in in_frame.evidence.lower()
    assert not noncoding.applied and "non-coding" in noncoding.evidence


def test_pvs1_in_frame_loss_names_the_critical_domain_it_hits(panel) -> None:  # type: ignore[no-untyped-def]
    """The lost residues are compared with the critical domains themselves (before, any loss starting before
    residue 423 was said to remove the forkhead domain, even an exon skip in the leucine zipper)."""
    # exon 8 = c.736-c.816 (81 nt, in frame): residues 246-272, inside the leucine zipper 240-261
    zipper = _pvs1(panel, parse_hgvs_variant("NM_014009.4:c.816+2T>A", panel))
    assert zipper.display_code == "PVS1_Strong" and "246-272" in zipper.evidence
    assert "Leucine zipper" in zipper.evidence and "Forkhead" not in zipper.evidence
    # a last-exon stop at codon 401 removes the end of the forkhead domain (337-423)
    stop = _pvs1(panel, parse_hgvs_variant("NM_014009.4:c.1201G>T", panel))
    assert stop.display_code == "PVS1_Strong" and "Forkhead" in stop.evidence


def test_stop_loss_is_pm4(panel) -> None:  # type: ignore[no-untyped-def]
    variant = parse_hgvs_variant("NM_014009.4:c.1294T>C p.(Ter432GlnextTer?)", panel)
    result = classify_variants([variant], EvaluationContext(panel))[0]
    pm4 = next(c for c in result.criteria if c.code == "PM4")
    assert variant.consequence == Consequence.STOP_LOST and pm4.applied and "stop-loss" in pm4.evidence


@pytest.mark.parametrize(
    ("text", "c"),
    [
        ("NC_000023.11:g.49251480C>T", "c.1150G>A"),
        ("NC_000023.10:g.49107941C>T", "c.1150G>A"),
        ("NC_000023.11:g.49264660C>T", "c.-23+1G>A"),
    ],
)
def test_genomic_input_mapped_to_transcript(panel, text: str, c: str) -> None:  # type: ignore[no-untyped-def]
    variant = parse_hgvs_variant(text, panel)
    assert variant.gene == "FOXP3" and variant.hgvs_c == c


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("NM_014009.4:c.1150G>A p.Trp1Ter", "do not agree"),
        ("NM_014009.4:c.1150G>A p.(Gly384Thr)", "do not agree"),
        ("NM_014009.4:c.-23+1G>A p.(Ala384Thr)", "do not agree"),
        ("NM_014009.4:c.227del p.(Leu76Pro)", "do not agree"),
        ("NM_014009.4:c.1400G>A", "beyond the coding sequence"),
        ("NM_014009.4:c.*5000A>G", "outside the transcript"),
        ("NM_014009.4:c.1150+1G>A", "outside the transcript"),
        ("NC_000023.11:g.1000C>T", "not inside the MANE Select transcript"),
        ("NC_000023.11:g.49251480", "not a valid genomic"),
        ("NC_000099.1:g.100A>G", "chromosome accession"),
    ],
)
def test_bad_hgvs_is_a_clear_error(panel, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=message):
        parse_hgvs_variant(text, panel)


def test_protein_only_input_says_what_it_cannot_evaluate(panel) -> None:  # type: ignore[no-untyped-def]
    variant = parse_hgvs_variant("NP_054728.2:p.Arg397Trp", panel)
    assert variant.hgvs_c is None and "cannot be evaluated" in (variant.annotation_source or "")


def test_polyadenylation_signal_variant_is_named(panel) -> None:  # type: ignore[no-untyped-def]
    result = classify_variants(
        [parse_hgvs_variant("NM_014009.4:c.*876A>G", panel)], EvaluationContext(panel)
    )[0]
    pvs1 = next(c for c in result.criteria if c.code == "PVS1")
    assert not pvs1.applied and "polyadenylation" in pvs1.evidence and "11685453" in pvs1.evidence
    assert any("Polyadenylation-signal" in n for n in result.notes)
    other = classify_variants([parse_hgvs_variant("NM_014009.4:c.*800A>G", panel)], EvaluationContext(panel))[
        0
    ]
    assert "polyadenylation" not in next(c for c in other.criteria if c.code == "PVS1").evidence
