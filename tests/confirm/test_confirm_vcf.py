"""Reading VCFs: layouts, zygosity on chrX, builds, indexes and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from vcfmaker import BCSQ_HEADER, SNPEFF_HEADER, Record, VcfSpec, foxp3_vep, vep

from ipexpath.confirm import Consequence, Zygosity, load_panel, read_variants
from ipexpath.errors import InputError

A384T = Record("X", 49251480, "C", "T", "CSQ=" + foxp3_vep("c.1150G>A", "p.Ala384Thr", exon="11/12"), ["1"])


@pytest.fixture(scope="module")
def panel():  # type: ignore[no-untyped-def]
    return load_panel()


def _spec(*records: Record, **kw) -> VcfSpec:  # type: ignore[no-untyped-def]
    return VcfSpec(list(records), **kw)


def test_vep_single_sample(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    path = _spec(A384T).write(tmp_path / "a.vcf")
    result = read_variants(path, panel)
    assert result.annotation == "Ensembl VEP (CSQ)"
    assert result.build.used == "GRCh38" and result.build.detected == "GRCh38"
    (variant,) = result.variants
    assert (variant.gene, variant.hgvs_c, variant.hgvs_p) == ("FOXP3", "c.1150G>A", "p.Ala384Thr")
    assert variant.consequence == Consequence.MISSENSE
    assert variant.zygosity == Zygosity.HEMIZYGOUS
    assert variant.exon == "11/12"
    assert result.sex == "male"


@pytest.mark.parametrize(
    ("gt", "sex", "expected"),
    [
        ("1", None, Zygosity.HEMIZYGOUS),
        ("1/1", "male", Zygosity.HEMIZYGOUS),
        ("1/1", None, Zygosity.HOMOZYGOUS),
        ("0/1", "female", Zygosity.HETEROZYGOUS),
        ("1|1", "male", Zygosity.HEMIZYGOUS),
    ],
)
def test_chrx_zygosity(tmp_path: Path, panel, gt: str, sex: str | None, expected: Zygosity) -> None:  # type: ignore[no-untyped-def]
    record = Record(A384T.chrom, A384T.pos, A384T.ref, A384T.alt, A384T.info, [gt])
    result = read_variants(_spec(record).write(tmp_path / "z.vcf"), panel, sex=sex)
    assert result.variants[0].zygosity == expected


def test_reference_call_is_skipped(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    record = Record(A384T.chrom, A384T.pos, A384T.ref, A384T.alt, A384T.info, ["0"])
    assert read_variants(_spec(record).write(tmp_path / "r.vcf"), panel).variants == []


def test_x_without_chr_prefix(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    path = _spec(A384T, chr_prefix=False).write(tmp_path / "x.vcf")
    assert read_variants(path, panel).variants[0].chrom == "X"


def test_par_is_diploid(panel) -> None:  # type: ignore[no-untyped-def]
    grch38 = panel.builds["GRCh38"]
    assert grch38.in_par("chrX", 10001) and grch38.in_par("X", 155701383)
    assert not grch38.in_par("chrX", 49251480)
    assert panel.builds["GRCh37"].in_par("X", 60001)


def test_outside_panel_ignored(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    other = Record(
        "1", 1500000, "G", "A", "CSQ=" + vep(Allele="A", Consequence="intergenic_variant"), ["1/1"]
    )
    result = read_variants(_spec(other, A384T).write(tmp_path / "o.vcf"), panel)
    assert [v.gene for v in result.variants] == ["FOXP3"]


def test_multi_sample_needs_sample(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    record = Record(A384T.chrom, A384T.pos, A384T.ref, A384T.alt, A384T.info, ["1", "0/1", "0"])
    path = _spec(record, samples=("PROBAND", "MOTHER", "FATHER")).write(tmp_path / "trio.vcf")
    with pytest.raises(InputError, match="3 samples"):
        read_variants(path, panel)
    result = read_variants(path, panel, sample="PROBAND")
    assert result.variants[0].family_genotypes == {
        "MOTHER": Zygosity.HETEROZYGOUS,
        "FATHER": Zygosity.REFERENCE,
    }
    with pytest.raises(InputError, match="not in"):
        read_variants(path, panel, sample="SISTER")


def test_snpeff_ann(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    ann = (
        "T|missense_variant|MODERATE|FOXP3|FOXP3|transcript|NM_014009.4|protein_coding|11/12|c.1150G>A|"
        "p.Ala384Thr|1300/2200|1150/1296|384/431||"
    )
    path = _spec(
        Record("X", 49251480, "C", "T", f"ANN={ann}", ["1"]), annotation_headers=(SNPEFF_HEADER,)
    ).write(tmp_path / "s.vcf")
    result = read_variants(path, panel)
    assert result.annotation == "SnpEff (ANN)"
    variant = result.variants[0]
    assert (variant.hgvs_c, variant.hgvs_p, variant.consequence) == (
        "c.1150G>A",
        "p.Ala384Thr",
        Consequence.MISSENSE,
    )


def test_bcftools_bcsq(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    bcsq = "missense|FOXP3|NM_014009.4|protein_coding|-|384A>384T|49251480C>T"
    path = _spec(
        Record("X", 49251480, "C", "T", f"BCSQ={bcsq}", ["1"]), annotation_headers=(BCSQ_HEADER,)
    ).write(tmp_path / "b.vcf")
    variant = read_variants(path, panel).variants[0]
    assert variant.hgvs_p == "p.Ala384Thr" and variant.consequence == Consequence.MISSENSE


def test_unannotated(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    path = _spec(Record("X", 49251480, "C", "T", ".", ["1"]), annotation_headers=()).write(tmp_path / "u.vcf")
    result = read_variants(path, panel)
    assert result.annotation is None  # the SNV is placed from its position (test_vcf_calls.py)
    assert result.variants[0].consequence == Consequence.MISSENSE


def test_grch37_detected_and_mismatch_refused(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    # FOXP3 A384T on GRCh37 would sit at ~49,107,9xx; any FOXP3-region record will do here.
    record = Record("X", 49107940, "C", "T", "CSQ=" + foxp3_vep("c.1150G>A", "p.Ala384Thr"), ["1"])
    path = _spec(record, build="GRCh37").write(tmp_path / "b37.vcf")
    result = read_variants(path, panel)
    assert result.build.detected == "GRCh37" and len(result.variants) == 1
    with pytest.raises(InputError, match="declared as GRCh38"):
        read_variants(path, panel, build="GRCh38")


def test_bgzip_tabix_region_query(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("pysam")
    far = [Record("1", 1000 + i * 10, "A", "G", ".", ["0/1"]) for i in range(50)]
    path = _spec(*far, A384T).write_bgzip_indexed(tmp_path / "i.vcf.gz")
    result = read_variants(path, panel)
    assert result.indexed and result.records_read == 1
    assert result.variants[0].hgvs_c == "c.1150G>A"


def test_truncated_gzip(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("pysam")
    many = [Record("1", 1000 + i * 10, "A", "G", ".", ["0/1"]) for i in range(20000)]
    path = _spec(*many, A384T).write_bgzip_indexed(tmp_path / "t.vcf.gz")
    data = path.read_bytes()
    cut = tmp_path / "cut.vcf.gz"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="truncated"):
        read_variants(cut, panel)


def test_header_missing(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "nohead.vcf"
    path.write_text("chrX\t49251480\t.\tC\tT\t50\tPASS\t.\tGT\t1\n")
    with pytest.raises(InputError, match="VCF header"):
        read_variants(path, panel)


def test_empty_and_missing(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "e.vcf").write_text("")
    with pytest.raises(InputError, match="empty"):
        read_variants(tmp_path / "e.vcf", panel)
    with pytest.raises(InputError, match="does not exist"):
        read_variants(tmp_path / "nope.vcf", panel)


def test_multiallelic(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    csq = ",".join(
        [foxp3_vep("c.1150G>A", "p.Ala384Thr", allele="T"), foxp3_vep("c.1150G>C", "p.Ala384Pro", allele="G")]
    )
    path = _spec(Record("X", 49251480, "C", "T,G", f"CSQ={csq}", ["0/2"])).write(tmp_path / "m.vcf")
    (variant,) = read_variants(path, panel, sex="female").variants
    assert variant.alt == "G" and variant.hgvs_p == "p.Ala384Pro"


def test_par_call_stays_diploid_in_male(panel) -> None:  # type: ignore[no-untyped-def]
    from ipexpath.confirm.model import Variant
    from ipexpath.confirm.vcf import _apply_sex

    in_par = Variant(
        "FOXP3",
        None,
        None,
        None,
        Consequence.OTHER,
        Zygosity.HOMOZYGOUS,
        "chrX",
        20000,
        "A",
        "G",
        "GRCh38",
        in_par=True,
    )
    outside = Variant(
        "FOXP3",
        None,
        None,
        None,
        Consequence.OTHER,
        Zygosity.HOMOZYGOUS,
        "chrX",
        49251480,
        "C",
        "T",
        "GRCh38",
    )
    assert _apply_sex(in_par, "male", panel, "GRCh38").zygosity == Zygosity.HOMOZYGOUS
    assert _apply_sex(outside, "male", panel, "GRCh38").zygosity == Zygosity.HEMIZYGOUS


def test_neighbouring_gene_in_padding_left_out(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    other = vep(Allele="A", Consequence="intron_variant", SYMBOL="PPP1R3F", Feature="NM_033215.5")
    record = Record("X", 49268000, "G", "A", "CSQ=" + other, ["1"])
    result = read_variants(_spec(record, A384T).write(tmp_path / "n.vcf"), panel)
    assert [v.hgvs_c for v in result.variants] == ["c.1150G>A"]
    assert any("neighbouring genes" in n for n in result.notes)
