"""Issue 18: a stale or damaged index never hides a variant; a multi-allelic or symbolic allele is never
reported with another allele's annotation; a non-UTF-8 sample name is a clear input error."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from vcfmaker import Record, VcfSpec, foxp3_vep

from ipexpath.confirm import Consequence, load_panel, read_variants
from ipexpath.confirm.vcf import allele_names
from ipexpath.errors import InputError

A384T = Record("X", 49251480, "C", "T", "CSQ=" + foxp3_vep("c.1150G>A", "p.Ala384Thr", exon="11/12"), ["1"])
FAR = [Record("1", 1000 + i * 10, "A", "G", ".", ["0/1"]) for i in range(50)]


@pytest.fixture(scope="module")
def panel():  # type: ignore[no-untyped-def]
    return load_panel()


def _indexed(tmp_path: Path) -> Path:
    pytest.importorskip("pysam")
    return VcfSpec([*FAR, A384T]).write_bgzip_indexed(tmp_path / "i.vcf.gz")


def test_index_older_than_vcf_is_not_trusted(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    path = _indexed(tmp_path)
    index = Path(str(path) + ".tbi")
    old = path.stat().st_mtime - 3600
    os.utime(index, (old, old))
    result = read_variants(path, panel)
    assert [v.hgvs_c for v in result.variants] == ["c.1150G>A"]
    assert not result.indexed and any("older than the VCF" in n for n in result.notes)


@pytest.mark.parametrize("damage", ["garbage-gzip", "not-gzip", "truncated"])
def test_damaged_index_falls_back_to_full_scan(tmp_path: Path, panel, damage: str) -> None:  # type: ignore[no-untyped-def]
    path = _indexed(tmp_path)
    index = Path(str(path) + ".tbi")
    if damage == "garbage-gzip":
        index.write_bytes(gzip.compress(os.urandom(2000)))
    elif damage == "not-gzip":
        index.write_bytes(b"TBI\x01" + os.urandom(100))
    else:
        index.write_bytes(index.read_bytes()[:40])
    result = read_variants(path, panel)
    assert [v.hgvs_c for v in result.variants] == ["c.1150G>A"]
    assert not result.indexed and result.notes


def test_second_allele_without_its_own_annotation_is_not_given_the_first(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    csq = foxp3_vep("c.1150G>A", "p.Ala384Thr", allele="T")
    path = VcfSpec([Record("X", 49251480, "C", "T,G", f"CSQ={csq}", ["0/2"])]).write(tmp_path / "m.vcf")
    result = read_variants(path, panel, sex="female")
    (variant,) = result.variants
    # never the first allele's c.1150G>A: placed from its own position (G>C at codon position 1 of Ala GCN
    # gives CCN, Pro)
    assert variant.alt == "G" and variant.hgvs_c == "c.1150G>C" and variant.hgvs_p == "p.Ala384Pro"
    assert variant.consequence == Consequence.MISSENSE
    assert any("does not describe this allele" in n for n in result.notes)


def test_symbolic_deletion_is_not_reported_as_missense(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    csq = foxp3_vep("c.1150G>A", "p.Ala384Thr", allele="T")
    path = VcfSpec([Record("X", 49251480, "C", "T,<DEL>", f"CSQ={csq}", ["2"])]).write(tmp_path / "d.vcf")
    (variant,) = read_variants(path, panel).variants
    assert variant.alt == "<DEL>" and variant.consequence != Consequence.MISSENSE and variant.hgvs_p is None


def test_symbolic_deletion_gets_its_own_annotation(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    csq = ",".join(
        [
            foxp3_vep("c.1150G>A", "p.Ala384Thr", allele="T"),
            foxp3_vep("c.1000_1200del", "", consequence="frameshift_variant", allele="deletion"),
        ]
    )
    path = VcfSpec([Record("X", 49251480, "C", "T,<DEL>", f"CSQ={csq}", ["2"])]).write(tmp_path / "d.vcf")
    (variant,) = read_variants(path, panel).variants
    assert variant.consequence == Consequence.FRAMESHIFT and variant.hgvs_c == "c.1000_1200del"


def test_vep_allele_spellings_never_collide() -> None:
    assert allele_names("A", "AT", ["AT", "T"]) == {"AT"}  # T is the other allele, not AT trimmed
    assert allele_names("A", "T", ["AT", "T"]) == {"T"}
    assert allele_names("A", "AT", ["AT", "AC"]) == {"AT", "T"}
    assert allele_names("C", "<DEL>", ["T", "<DEL>"]) == {"<DEL>", "DEL", "deletion"}


def test_multiallelic_insertion_picks_the_right_allele(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    csq = ",".join(
        [
            foxp3_vep("c.1150dup", "p.Ter385fs", consequence="frameshift_variant", allele="AT"),
            foxp3_vep("c.1150G>A", "p.Ala384Thr", allele="T"),
        ]
    )
    path = VcfSpec([Record("X", 49251480, "A", "AT,T", f"CSQ={csq}", ["0/2"])]).write(tmp_path / "i.vcf")
    (variant,) = read_variants(path, panel, sex="female").variants
    assert variant.alt == "T" and variant.hgvs_c == "c.1150G>A"


def test_latin1_sample_name_is_an_input_error(tmp_path: Path, panel) -> None:  # type: ignore[no-untyped-def]
    text = VcfSpec([A384T], samples=("PATIENT",)).text().replace("PATIENT", "CAF\udce9")
    path = tmp_path / "l.vcf"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_variants(path, panel)
