"""What the genetic test covered: a call in a gene never makes it tested negative; stated coverage does.

Answers known in advance: FOXP3 NM_014009.4 has 12 exons, the first non-coding (11 coding exons), and a
CDS of 1,296 nt including the stop codon; the bundled example's IL2RA call c.64+2050T>C is a common
deep-intronic variant (gnomAD 0.12) that classifies benign.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ipexpath.confirm import classify_variants, load_panel, parse_hgvs_variant, read_variants
from ipexpath.confirm.acmg.context import EvaluationContext
from ipexpath.confirm.genetic_test import BedRegion, GeneticTest, bed_coverage, read_covered
from ipexpath.confirm.genotype_rerank import genotype_evidence, rerank_with_genotype
from ipexpath.confirm.transcripts import load_transcripts
from ipexpath.suspect.ranking_file import RankedDisease
from ipexpath.types import Sex

EXAMPLE = Path(__file__).parents[2] / "src" / "ipexpath" / "confirm" / "data" / "example_proband.vcf"
PANEL = load_panel()


def _example_classified() -> list:  # type: ignore[type-arg]
    read = read_variants(EXAMPLE, PANEL, sex="male")
    return list(classify_variants(list(read.variants), EvaluationContext(PANEL, proband_sex="male")))


def _foxp3_bed(skip_exon: int | None = None) -> tuple[BedRegion, ...]:
    model = load_transcripts().for_gene("FOXP3", "GRCh38")
    assert model is not None
    return tuple(
        BedRegion("chrX", a - 1 - 10, b + 10)  # coding exon ±10 bp, BED 0-based half-open
        for i, (a, b) in enumerate(model.coding_intervals(), start=1)
        if i != skip_exon
    )


def test_foxp3_coding_intervals_match_the_cds() -> None:
    model = load_transcripts().for_gene("FOXP3", "GRCh38")
    assert model is not None
    intervals = model.coding_intervals()
    assert len(intervals) == 11  # 12 exons, exon 1 non-coding
    assert sum(b - a + 1 for a, b in intervals) == 1296


def test_a_benign_intronic_call_does_not_make_its_gene_tested() -> None:
    """The demo's bug: IL2RA c.64+2050T>C (benign) lowered CD25 deficiency from 38 % to 3 %."""
    classified = _example_classified()
    il2ra = [c for c in classified if c.gene.symbol == "IL2RA"]
    assert [c.variant.hgvs_c for c in il2ra] == ["c.64+2050T>C"]
    assert not il2ra[0].classification.is_pathogenic_or_likely
    test = GeneticTest("sequencing", None, frozenset({"FOXP3", "IL2RA", "CTLA4"}))
    assert not test.covers("IL2RA") and not test.covers("FOXP3")
    gene = PANEL.gene("IL2RA")
    assert gene is not None
    ev = genotype_evidence(gene, classified, test, Sex.MALE, PANEL.criteria["rerank"])
    assert ev.log10_lr == 0.0 and not ev.tested
    assert "c.64+2050T>C" in ev.reason and "coverage was not stated" in ev.reason
    rows = [
        RankedDisease(1, "OMIM:304790", "IPEX", 0.62, 9.0, ("FOXP3",)),
        RankedDisease(2, "OMIM:606367", "CD25 deficiency", 0.38, 8.8, ("IL2RA",)),
    ]
    out = rerank_with_genotype(rows, classified, PANEL, Sex.MALE, test)
    cd25 = next(r for r in out if r.disease_id == "OMIM:606367")
    assert cd25.posterior == pytest.approx(0.38)  # unchanged: nothing says IL2RA's exons were read
    # stated coverage keeps the negative result: LR 1 − 0.95 = 0.05
    stated = GeneticTest("sequencing", frozenset({"FOXP3", "IL2RA"}), frozenset({"FOXP3", "IL2RA"}))
    ev = genotype_evidence(gene, classified, stated, Sex.MALE, PANEL.criteria["rerank"])
    assert ev.log10_lr == pytest.approx(math.log10(0.05)) and ev.tested
    assert "which the test covered" in ev.reason


def test_a_call_outside_the_stated_coverage_is_not_a_negative_result() -> None:
    classified = _example_classified()
    test = GeneticTest("sequencing", frozenset({"FOXP3"}), frozenset({"FOXP3", "IL2RA", "CTLA4"}))
    gene = PANEL.gene("IL2RA")
    assert gene is not None
    ev = genotype_evidence(gene, classified, test, Sex.MALE, PANEL.criteria["rerank"])
    assert ev.log10_lr == 0.0 and "outside the stated coverage" in ev.reason


def test_every_output_says_what_was_assumed_covered() -> None:
    unknown = GeneticTest("sequencing", None, frozenset({"IL2RA"}))
    data = unknown.to_dict()
    assert data["coverage_known"] is False and data["counted_as_tested"] == []
    assert "no gene is counted as tested negative" in str(data["coverage_rule"])
    assert "IL2RA" in str(data["coverage_rule"]) and "not assumed to be covered" in str(data["summary"])
    assert unknown.headline().startswith("Test coverage: not stated")
    # genes with a call are not listed as 'not tested' (a VUS there would contradict it), the others are
    assert "IL2RA" not in unknown.not_tested(PANEL) and "FOXP3" in unknown.not_tested(PANEL)
    stated = GeneticTest("sequencing", frozenset({"FOXP3"}), frozenset({"IL2RA"}), coverage_source="stated")
    assert stated.to_dict()["counted_as_tested"] == ["FOXP3"]
    assert "IL2RA" in stated.not_tested(PANEL) and "FOXP3" not in stated.not_tested(PANEL)
    assert stated.headline().startswith("Test coverage (stated): FOXP3")


def test_bed_covers_a_gene_only_with_all_its_coding_exons() -> None:
    genes, partly = bed_coverage(_foxp3_bed(), PANEL, "GRCh38")
    assert genes == frozenset({"FOXP3"}) and partly == ()
    genes, partly = bed_coverage(_foxp3_bed(skip_exon=5), PANEL, "GRCh38")
    assert genes == frozenset() and partly == ("FOXP3 (10 of 11 coding exons fully in the BED)",)
    # a region in the gene's padded range but on no coding exon (5' flank) covers nothing
    model = load_transcripts().for_gene("FOXP3", "GRCh38")
    assert model is not None
    flank = (BedRegion("X", model.exons[0].end + 100, model.exons[0].end + 2000),)
    assert bed_coverage(flank, PANEL, "GRCh38") == (frozenset(), ())


def test_read_covered_bed_names_partly_covered_genes(tmp_path: Path) -> None:
    bed = tmp_path / "panel.bed"
    bed.write_text("".join(f"{r.chrom}\t{r.start}\t{r.end}\n" for r in _foxp3_bed(skip_exon=1)), "utf-8")
    genes, source = read_covered(bed, PANEL, "GRCh38")
    assert genes == frozenset() and "partly covered, not counted: FOXP3 (10 of 11" in source


def test_hgvs_classification_needs_no_coverage() -> None:
    """A P/LP variant found raises its disease whether or not coverage was stated (it was read)."""
    from dataclasses import replace

    from ipexpath.confirm import PopulationData
    from ipexpath.confirm.model import Zygosity

    variant = parse_hgvs_variant("NM_014009.4:c.136C>T p.(Gln46Ter)", PANEL, zygosity=Zygosity.HEMIZYGOUS)
    variant = replace(variant, population=PopulationData(af_checked=True))
    classified = classify_variants([variant], EvaluationContext(PANEL))
    gene = PANEL.gene("FOXP3")
    assert gene is not None
    test = GeneticTest("sequencing", None, frozenset({"FOXP3"}))
    ev = genotype_evidence(gene, classified, test, Sex.MALE, PANEL.criteria["rerank"])
    assert ev.log10_lr > 0 and ev.tested
