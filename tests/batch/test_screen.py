"""`ipexpath screen`: planted variants found with the right zygosity, nothing else; Dask = single process."""

from __future__ import annotations

import csv
import gzip
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ipexpath.batch.synthetic import Cohort, write_cohort
from ipexpath.cli import cli
from ipexpath.errors import InputError


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Cohort:
    return write_cohort(tmp_path_factory.mktemp("cohort"), 12, carriers_per_variant=3)


def _screen(*args: str) -> None:
    result = CliRunner().invoke(cli, ["screen", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def _findings(path: Path) -> dict[tuple[str, str, int, str, str], str]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {
        (r["sample"], r["chrom"].removeprefix("chr"), int(r["pos"]), r["ref"], r["alt"]): r["zygosity"]
        for r in rows
    }


@pytest.fixture(scope="module")
def single(cohort: Cohort, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("single") / "findings.tsv"
    _screen(
        str(cohort.vcf), "--ped", str(cohort.ped), "--out", str(out), "--workers", "1", "--report", "P,LP,VUS"
    )
    return out


def test_every_planted_variant_is_found_with_its_zygosity_and_nothing_else(
    cohort: Cohort, single: Path
) -> None:
    assert _findings(single) == {k: z.value for k, z in cohort.expected.items()}
    assert {z.value for z in cohort.expected.values()} == {"hemizygous", "heterozygous", "homozygous"}


def test_sex_inferred_from_chrx_gives_the_same_findings(cohort: Cohort, tmp_path: Path) -> None:
    out = tmp_path / "inferred.tsv"
    _screen(str(cohort.vcf), "--out", str(out), "--workers", "1", "--report", "P,LP,VUS")
    assert _findings(out) == {k: z.value for k, z in cohort.expected.items()}
    with out.open(encoding="utf-8") as handle:
        sources = {row["sex_source"] for row in csv.DictReader(handle, delimiter="\t")}
    assert sources <= {"chrX haploid calls", "chrX heterozygosity"}


def test_dask_local_cluster_writes_the_same_file(cohort: Cohort, single: Path, tmp_path: Path) -> None:
    out = tmp_path / "dask.tsv"
    _screen(
        str(cohort.vcf), "--ped", str(cohort.ped), "--out", str(out), "--scheduler", "dask-local",
        "--workers", "2", "--report", "P,LP,VUS",
    )  # fmt: skip
    assert out.read_bytes() == single.read_bytes()


def test_default_reports_pathogenic_and_likely_pathogenic_only(cohort: Cohort, tmp_path: Path) -> None:
    out = tmp_path / "default.tsv"
    _screen(str(cohort.vcf), "--ped", str(cohort.ped), "--out", str(out), "--workers", "1")
    genes = {row["gene"] for row in csv.DictReader(out.open(encoding="utf-8"), delimiter="\t")}
    assert genes == {"CTLA4"}  # the planted FOXP3 missense is a VUS without phenotype evidence


def _error(*args: str) -> str:
    result = CliRunner().invoke(cli, ["screen", *args])
    assert isinstance(result.exception, InputError), result.output
    return str(result.exception)


def test_bad_input_is_a_clear_error_and_leaves_no_output(
    cohort: Cohort, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ipexpath.batch.schedulers.CONNECT_TIMEOUT_S", 1)
    out = tmp_path / "never.tsv"
    unindexed = tmp_path / "unindexed.vcf.gz"
    shutil.copy(cohort.vcf, unindexed)
    assert "index" in _error(str(unindexed), "--out", str(out))
    ped = tmp_path / "extra.ped"
    ped.write_text(cohort.ped.read_text() + "F9\tNOT_IN_VCF\t0\t0\t1\t0\n")
    assert "NOT_IN_VCF" in _error(str(cohort.vcf), "--ped", str(ped), "--out", str(out))
    text = gzip.decompress(cohort.vcf.read_bytes()).decode()
    no_gt = tmp_path / "no_gt.vcf"
    no_gt.write_text(text.replace("##FORMAT=<ID=GT,", "##FORMAT=<ID=XX,").replace("\tGT\t", "\tXX\t"))
    import pysam

    indexed = pysam.tabix_index(str(no_gt), preset="vcf", force=True)
    assert "GT" in _error(indexed, "--out", str(out))
    message = _error(str(cohort.vcf), "--out", str(out), "--scheduler", "dask://127.0.0.1:1")
    assert "could not be reached" in message
    assert not out.exists()


def test_a_half_call_has_unknown_zygosity_and_its_filter_is_shown(cohort: Cohort, tmp_path: Path) -> None:
    """A './1' call says one allele is the variant and the other was not called: never 'heterozygous'."""
    import pysam

    (sample, chrom, pos, _ref, _alt), _ = next(
        (k, z) for k, z in sorted(cohort.expected.items()) if z.value == "heterozygous"
    )
    lines = gzip.decompress(cohort.vcf.read_bytes()).decode().splitlines()
    column = next(line for line in lines if line.startswith("#CHROM")).split("\t").index(sample)
    for n, line in enumerate(lines):
        fields = line.split("\t")
        if not line.startswith("#") and fields[0].removeprefix("chr") == chrom and int(fields[1]) == pos:
            call = fields[column].split(":")
            call[0] = "./1"
            fields[column] = ":".join(call)
            fields[6] = "LowQual"
            lines[n] = "\t".join(fields)
    edited = tmp_path / "half_call.vcf"
    edited.write_text("\n".join(lines) + "\n")
    indexed = pysam.tabix_index(str(edited), preset="vcf", force=True)
    out = tmp_path / "findings.tsv"
    _screen(indexed, "--ped", str(cohort.ped), "--out", str(out), "--workers", "1", "--report", "P,LP,VUS")
    found = _findings(out)
    expected = {k: z.value for k, z in cohort.expected.items()}
    changed = {k for k in expected if found.get(k) != expected[k]}
    assert changed == {(sample, chrom, pos, _ref, _alt)}
    assert found[(sample, chrom, pos, _ref, _alt)] == "unknown"
    with out.open(encoding="utf-8") as handle:
        filters = {(r["pos"], r["call_filter"]) for r in csv.DictReader(handle, delimiter="\t")}
    assert (str(pos), "LowQual") in filters  # the FILTER is shown, not dropped


def _edited_cohort(cohort: Cohort, tmp_path: Path, name: str, edit: object) -> str:
    """The cohort VCF with its planted FOXP3 record changed by `edit` (fields → fields), indexed."""
    import pysam

    lines = gzip.decompress(cohort.vcf.read_bytes()).decode().splitlines()
    n = next(i for i, line in enumerate(lines) if line.startswith("chrX\t49251480\t"))
    lines[n] = "\t".join(edit(lines[n].split("\t")))  # type: ignore[operator]
    edited = tmp_path / f"{name}.vcf"
    edited.write_text("\n".join(lines) + "\n")
    return str(pysam.tabix_index(str(edited), preset="vcf", force=True))


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_record_that_cannot_be_read_is_an_error_never_a_missed_finding(
    cohort: Cohort, tmp_path: Path, workers: str
) -> None:
    """Before: a record without its columns was an internal error (exit 1); a record whose ALT was lost
    ('.') with carriers' GT 1 was skipped, so its carriers silently vanished from the findings."""
    out = tmp_path / "never.tsv"
    short = _edited_cohort(cohort, tmp_path, "short", lambda f: f[:5])
    message = _error(short, "--out", str(out), "--workers", workers)
    assert "could not be read in FOXP3" in message and "No findings are written" in message
    twice = _edited_cohort(cohort, tmp_path, "twice", lambda f: ["\t".join(f) + "\n" + f[0], *f[1:]])
    message = _error(twice, "--out", str(out), "--workers", workers)  # was: each carrier listed twice
    assert "lists chrX:49251480 C>T in FOXP3 twice" in message
    no_alt = _edited_cohort(cohort, tmp_path, "no_alt", lambda f: [*f[:4], ".", *f[5:]])
    message = _error(no_alt, "--out", str(out), "--workers", workers)
    assert "chrX:49251480 in FOXP3" in message and "names allele 1 but ALT lists 0" in message
    assert not out.exists()
