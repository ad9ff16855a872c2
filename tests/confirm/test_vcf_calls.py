"""Calls as laboratories write them: failed filters, half calls, no GT, no build in the header, no annotation.

Answers known in advance: FOXP3 NM_014009.4 c.1150G>A p.(Ala384Thr) lies at GRCh38 chrX:49,251,480 and
GRCh37 chrX:49,107,941 (minus strand, so the VCF writes C>T), in exon 12 of 12; codon 384 is Ala (GCN), so a
c.1150 reference base other than G (VCF REF other than C) cannot be right.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from vcfmaker import Record, VcfSpec, foxp3_vep

from ipexpath.confirm import Consequence, Zygosity, classify_variants, load_panel, read_variants
from ipexpath.confirm.acmg.context import EvaluationContext
from ipexpath.errors import InputError

GRCH38, GRCH37 = 49251480, 49107941
CSQ = "CSQ=" + foxp3_vep("c.1150G>A", "p.Ala384Thr", exon="11/12")


@pytest.fixture(scope="module")
def panel():  # type: ignore[no-untyped-def]
    return load_panel()


def _write(path: Path, *records: Record, **kw) -> Path:  # type: ignore[no-untyped-def]
    return VcfSpec(list(records), **kw).write(path)


def test_failed_filter_is_kept_and_flagged_first(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path / "f.vcf", Record("X", GRCH38, "C", "T", CSQ, ["1"]))
    path.write_text(path.read_text().replace("\tPASS\t", "\tLowQual\t"))
    (variant,) = read_variants(path, panel).variants
    assert variant.call_filter == "LowQual" and variant.hgvs_c == "c.1150G>A"
    (c,) = classify_variants([variant], EvaluationContext(panel, proband_sex="male"))
    assert c.notes[0].startswith("CALL QUALITY: The call did not pass") and "LowQual" in c.notes[0]
    assert c.to_dict()["call_filter"] == "LowQual"


def test_pass_call_has_no_call_note(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    (variant,) = read_variants(
        _write(tmp_path / "p.vcf", Record("X", GRCH38, "C", "T", CSQ, ["1"])), panel
    ).variants
    assert variant.call_filter is None and variant.input_notes == ()


@pytest.mark.parametrize(("sex", "expected"), [("female", Zygosity.UNKNOWN), ("male", Zygosity.HEMIZYGOUS)])
def test_half_call_is_kept_with_unknown_zygosity(tmp_path: Path, panel, sex: str, expected: Zygosity) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path / "h.vcf", Record("X", GRCH38, "C", "T", CSQ, ["./1"]))
    result = read_variants(path, panel, sex=sex)
    (variant,) = result.variants
    assert variant.zygosity is expected  # never 'heterozygous' (which would make a girl a carrier)
    assert variant.input_notes[0].startswith("CALL QUALITY: Half call (GT ./1)")
    assert result.sex == sex  # a half call is not evidence of a haploid X


def test_record_without_gt_is_kept(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path / "g.vcf", Record("X", GRCH38, "C", "T", CSQ, ["1"]))
    text = path.read_text().replace("\tGT\t1\n", "\tDP\t30\n")
    path.write_text(
        text.replace(
            "##FORMAT=<ID=GT", '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="d">\n##FORMAT=<ID=GT'
        )
    )
    (variant,) = read_variants(path, panel).variants
    assert variant.zygosity is Zygosity.UNKNOWN and "no genotype (GT)" in variant.input_notes[0]


def test_no_call_is_skipped(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path / "n.vcf", Record("X", GRCH38, "C", "T", CSQ, ["./."]))
    assert read_variants(path, panel).variants == []


@pytest.mark.parametrize(("pos", "build"), [(GRCH37, "GRCh37"), (GRCH38, "GRCh38")])
def test_build_inferred_from_calls_when_the_header_is_silent(
    tmp_path: Path, panel, pos: int, build: str
) -> None:  # type: ignore[no-untyped-def]
    """A GRCh37 VCF without ##contig lines used to be read as GRCh38, and its FOXP3 variant was lost."""
    path = _write(
        tmp_path / "b.vcf", Record("X", pos, "C", "T", ".", ["1"]), build=None, annotation_headers=()
    )
    result = read_variants(path, panel)
    assert result.build.used == build and "inferred from the positions" in result.build.evidence
    (variant,) = result.variants
    assert (variant.hgvs_c, variant.hgvs_p) == ("c.1150G>A", "p.Ala384Thr")


def test_calls_in_both_builds_ranges_need_build(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    records = [Record("X", GRCH37, "C", "T", ".", ["1"]), Record("X", GRCH38, "C", "T", ".", ["1"])]
    path = _write(tmp_path / "both.vcf", *records, build=None, annotation_headers=())
    with pytest.raises(InputError, match="--build GRCh37 or --build GRCh38"):
        read_variants(path, panel)
    assert read_variants(path, panel, build="GRCh38").build.used == "GRCh38"


def test_unannotated_snv_is_placed_on_the_mane_transcript(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path / "u.vcf", Record("X", GRCH38, "C", "T", ".", ["1"]), annotation_headers=())
    result = read_variants(path, panel)
    (variant,) = result.variants
    assert (variant.transcript, variant.hgvs_c, variant.hgvs_p) == ("NM_014009.4", "c.1150G>A", "p.Ala384Thr")
    # codon 384 lies in exon 12 of 12 (codons 383-432); older papers number the exons -1, 1-11 ("exon 11")
    assert variant.consequence is Consequence.MISSENSE and variant.exon == "12/12"
    assert (variant.chrom, variant.pos, variant.ref, variant.alt) == ("chrX", GRCH38, "C", "T")
    assert variant.zygosity is Zygosity.HEMIZYGOUS and variant.source == "vcf"
    assert any("placed from its position" in n for n in result.notes)
    (c,) = classify_variants([variant], EvaluationContext(panel, proband_sex="male"))
    assert "PM1" in [x.code for x in c.criteria if x.applied]  # forkhead domain, as from HGVS


def test_unannotated_snv_with_a_reference_base_that_cannot_be_is_not_placed(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path / "w.vcf", Record("X", GRCH38, "A", "T", ".", ["1"]), annotation_headers=())
    result = read_variants(path, panel)
    (variant,) = result.variants  # kept, unplaced, and the reason is said
    assert variant.hgvs_c is None
    assert any("could not be placed on FOXP3" in n for n in result.notes)


def test_unannotated_indel_is_not_placed(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path / "i.vcf", Record("X", GRCH38, "C", "CT", ".", ["1"]), annotation_headers=())
    (variant,) = read_variants(path, panel).variants
    assert variant.hgvs_c is None and variant.consequence is Consequence.OTHER


def test_site_variant_keeps_the_filter(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    from ipexpath.confirm.annotations import layout_from_header
    from ipexpath.confirm.vcf import header_info_fields, open_vcf, site_variant

    path = _write(tmp_path / "s.vcf", Record("X", GRCH38, "C", "T", CSQ, ["1"]))
    path.write_text(path.read_text().replace("\tPASS\t", "\tLowQual\t"))
    vcf = open_vcf(path)
    infos = header_info_fields(vcf.raw_header)
    rec = next(iter(vcf))
    variant = site_variant(
        rec, "T", panel.gene("FOXP3"), layout_from_header(infos), frozenset(infos), panel, "GRCh38", []
    )
    assert variant is not None and variant.hgvs_c == "c.1150G>A" and variant.zygosity is Zygosity.UNKNOWN
    assert variant.call_filter == "LowQual" and variant.input_notes[0].startswith("CALL QUALITY")


def test_screen_uses_only_the_public_vcf_api() -> None:
    import ast
    import inspect

    import ipexpath.batch.screen as screen

    tree = ast.parse(inspect.getsource(screen))
    imported = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ipexpath.confirm")
        for alias in node.names
    ]
    assert imported and not [name for name in imported if name.startswith("_")]
