"""Cohort screening: the panel genes of a multi-sample VCF, every sample's calls, each variant classified
once.

`screen_cohort` reads a bgzipped, indexed cohort VCF with cyvcf2 by chunks of the panel genes' regions, on
local processes or Dask (`batch.schedulers`), in two passes:

1. one task per region chunk turns each record into the same `Variant` as `ipexpath classify --vcf` does
   (confirm.vcf's own record reader: annotation, HGVS, population data; genotypes left packed), and the
   client classifies each distinct variant once with the ACMG engine of `classify`
   (`confirm.classify_variant`, without phenotype or family evidence, which a cohort does not have);
2. one task per (region chunk × sample block) reads the genotype arrays in NumPy and returns the carriers of
   the reportable variants only (default: pathogenic and likely pathogenic) and each sample's chrX counts.

The client then sets each sample's sex — from the PED file when one is given (1 = male, 2 = female), else
from its chrX calls outside the pseudoautosomal regions in the panel genes (a haploid call → male; a
heterozygous call → female; both or neither → unknown), stated in the `sex_source` column — calls zygosity
in that ploidy (a male's chrX `1/1` outside the PAR is hemizygous, `Zygosity.for_sex`), and writes one row
per sample and reportable variant to a TSV, whole under a temporary name and renamed, so an interrupted run
never leaves a complete-looking file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ipexpath.errors import InputError
from ipexpath.types import Sex, Zygosity

SAMPLE_BLOCK = 2_000  # samples per task: genotype arrays of a few MB per record chunk
REGION_CHUNK = 250_000  # base pairs per task (most panel genes fit in one chunk)
REPORTED = ("P", "LP")  # ACMG classes written by default (P, LP, VUS, LB, B)
COLUMNS = (
    "sample",
    "sex",
    "sex_source",
    "gene",
    "chrom",
    "pos",
    "ref",
    "alt",
    "transcript",
    "hgvs_c",
    "hgvs_p",
    "consequence",
    "zygosity",
    "classification",
    "points",
    "criteria",
    "inheritance_compatible",
    "call_filter",  # the VCF FILTER when it is not PASS or '.': a call the lab's pipeline did not pass
)

VariantKey = tuple[str, int, str, str, str]  # chrom, pos, ref, alt, gene


@dataclass(frozen=True)
class Region:
    """A chunk of a panel gene's region, with the contig name the VCF uses."""

    gene: str
    chrom: str
    start: int
    end: int


@dataclass
class TaskResult:
    """What one (region chunk × sample block) task found."""

    variants: dict[VariantKey, Any] = field(default_factory=dict)  # confirm Variant, sample-free
    carriers: list[tuple[int, VariantKey, str]] = field(default_factory=list)  # sample index, key, zygosity
    x_haploid: dict[int, int] = field(default_factory=dict)  # sample index → haploid chrX calls
    x_het: dict[int, int] = field(default_factory=dict)  # sample index → heterozygous chrX calls
    records: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ScreenSummary:
    """What a screening run did."""

    samples: int
    records: int
    distinct_variants: int
    findings: int
    sex_sources: dict[str, int]
    build: str
    out: Path
    notes: tuple[str, ...] = ()


# ------------------------------------------------------------------------------------------ input checks
def read_cohort_ped(path: Path) -> dict[str, Sex]:
    """Sample → sex from a PED file (LINKAGE: family, sample, father, mother, sex 1/2/0, phenotype)."""
    from ipexpath.files import read_text

    sexes: dict[str, Sex] = {}
    codes = {"1": Sex.MALE, "2": Sex.FEMALE, "0": Sex.UNKNOWN, "-9": Sex.UNKNOWN}
    for lineno, line in enumerate(read_text(path, "PED file").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split()
        if len(cols) < 6:
            raise InputError(
                f"{path.name}, line {lineno}: a PED line needs 6 columns (family, sample, father, mother, "
                "sex, phenotype)."
            )
        if cols[4] not in codes:
            raise InputError(
                f"{path.name}, line {lineno}: sex '{cols[4]}' is not a PED sex code.",
                "PED codes sex as 1 = male, 2 = female, 0 = unknown.",
            )
        sexes[cols[1]] = codes[cols[4]]
    if not sexes:
        raise InputError(f"The PED file '{path.name}' has no sample lines.")
    return sexes


@dataclass(frozen=True)
class CohortHeader:
    """What the client learns from the VCF header before any task runs."""

    samples: tuple[str, ...]
    build: str
    seqnames: frozenset[str]


def check_cohort(path: Path, build: str | None) -> CohortHeader:
    """Refuse what cannot be screened: not a bgzipped VCF, no index, no samples, no GT field."""
    from ipexpath.confirm.panel import load_panel
    from ipexpath.confirm.vcf import check_vcf_file, open_vcf, resolve_build, usable_index

    compressed = check_vcf_file(path)
    if not compressed:
        raise InputError(
            f"The cohort VCF '{path.name}' is not bgzip-compressed.",
            "Compress it with 'bgzip' and index it with 'tabix -p vcf' (screening reads it by region).",
        )
    notes: list[str] = []
    if not usable_index(path, notes):
        reason = notes[0] if notes else f"'{path.name}' has no tabix (.tbi) or CSI (.csi) index beside it."
        raise InputError(
            f"The cohort VCF cannot be read by region: {reason}",
            f"Index it with 'tabix -p vcf {path.name}' (or 'bcftools index').",
        )
    vcf = open_vcf(path)
    try:
        header = vcf.raw_header
        samples = tuple(vcf.samples)
        seqnames = frozenset(vcf.seqnames)
    except UnicodeDecodeError:
        raise InputError(f"The header of the cohort VCF '{path.name}' is not UTF-8 text.") from None
    finally:
        vcf.close()
    if not samples:
        raise InputError(f"The cohort VCF '{path.name}' has no sample columns; there is nothing to screen.")
    if not re.search(r"^##FORMAT=<ID=GT,", header, flags=re.MULTILINE):
        raise InputError(
            f"The cohort VCF '{path.name}' has no genotype (FORMAT GT) field, so no sample's genotype can be "
            "called.",
            "Screen a genotyped VCF (the output of joint calling, not a sites-only file).",
        )
    used = resolve_build(build, header, load_panel(), path).used
    return CohortHeader(samples, used, seqnames)


def panel_regions(seqnames: frozenset[str], build: str, chunk: int = REGION_CHUNK) -> list[Region]:
    """The panel genes' regions in `build`, cut into chunks, with the contig spelling the VCF uses."""
    from ipexpath.confirm.panel import load_panel

    regions = []
    for gene in load_panel().genes:
        region = gene.regions.get(build)
        if region is None:
            continue
        name = next((n for n in (f"chr{region.chrom}", region.chrom) if n in seqnames), None)
        if name is None:
            continue
        for start in range(region.start, region.end + 1, chunk):
            regions.append(Region(gene.symbol, name, start, min(start + chunk - 1, region.end)))
    return regions


def sample_blocks(n: int, size: int = SAMPLE_BLOCK) -> list[tuple[int, int]]:
    """[start, end) sample index ranges of at most `size` samples."""
    return [(lo, min(lo + size, n)) for lo in range(0, n, size)]


# ------------------------------------------------------------------------------------------ worker task
@dataclass
class _Place:
    """The last record read in a region chunk, and whether the task is still using it."""

    last: str = ""
    using: bool = False


def _open_region(
    path: str, region: Region, names: list[str] | None, place: _Place
) -> tuple[Any, Iterator[Any]]:
    """The VCF (restricted to `names` if given) and its records starting inside the region chunk; `place`
    follows the record in use, so that one htslib cannot parse is named."""
    import cyvcf2

    vcf = cyvcf2.VCF(path, lazy=True, samples=names) if names is not None else cyvcf2.VCF(path, lazy=True)

    def records() -> Iterator[Any]:
        for rec in vcf(f"{region.chrom}:{region.start}-{region.end}"):
            if region.start <= rec.POS <= region.end:  # one starting in the previous chunk is that chunk's
                place.last, place.using = f"{rec.CHROM}:{rec.POS}", True
                yield rec
                place.using = False

    return vcf, records()


def site_task(path: str, build: str, region: Region) -> TaskResult:
    """Every distinct variant of one region chunk, as `classify --vcf` reads it (runs on a worker).

    Genotypes are not unpacked (cyvcf2 parses them lazily), so this pass costs little per sample.
    """
    from ipexpath.confirm.annotations import layout_from_header
    from ipexpath.confirm.panel import load_panel, normalize_chrom
    from ipexpath.confirm.vcf import header_info_fields, htslib_messages, site_variant

    panel = load_panel()
    gene = panel.gene(region.gene)
    assert gene is not None
    result = TaskResult()
    place = _Place()
    with htslib_messages(), _unreadable_record(path, region, place):
        vcf, records = _open_region(path, region, None, place)
        infos = header_info_fields(vcf.raw_header)
        layout, declared = layout_from_header(infos), frozenset(infos)
        for rec in records:
            result.records += 1
            alts = list(rec.ALT)
            if not any(alt not in (".", "") for alt in alts):
                _check_record(rec, path, region)  # no ALT: a GT naming allele 1 would be a lost finding
            for alt in alts:
                if alt in ("*", ".", ""):
                    continue
                variant = site_variant(rec, alt, gene, layout, declared, panel, build, result.notes)
                if variant is None:
                    break  # annotated only to a neighbouring gene: not this gene's variant
                key: VariantKey = (normalize_chrom(rec.CHROM), int(rec.POS), rec.REF, alt, gene.symbol)
                if key in result.variants:  # its carriers would be listed twice, its chrX calls counted twice
                    raise InputError(
                        f"The cohort VCF '{Path(path).name}' lists {rec.CHROM}:{rec.POS} {rec.REF}>{alt} in "
                        f"{region.gene} twice. No findings are written.",
                        "Remove the duplicate record (bcftools norm -d exact) and run again.",
                    )
                result.variants[key] = variant
        vcf.close()
    return result


def _check_record(rec: Any, path: str, region: Region) -> None:
    """Refuse a record that htslib read but that cannot be used as written (it may be a finding)."""
    from ipexpath.confirm.vcf import record_problem

    problem = record_problem(rec)
    if problem is not None:
        raise InputError(
            f"The cohort VCF '{Path(path).name}', record {rec.CHROM}:{rec.POS} in {region.gene}: {problem}. "
            "No findings are written, as this record may be a finding.",
            "Correct the record (or re-export the VCF) and run again.",
        )


@contextlib.contextmanager
def _unreadable_record(path: str, region: Region, place: _Place) -> Iterator[None]:
    """Turn htslib's failure to parse a record into an error naming the region and the record."""
    try:
        yield
    except InputError:
        raise
    except Exception as exc:  # cyvcf2: "error parsing: vcf_parse returned -2" for a malformed record
        if place.using:
            after = f"the record at {place.last}"
        else:
            after = f"the record after {place.last}" if place.last else "its first record"
        raise InputError(
            f"The cohort VCF '{Path(path).name}' could not be read in {region.gene} "
            f"({region.chrom}:{region.start}-{region.end}): {after} is malformed (a column missing or "
            "unreadable) or the file is truncated. No findings are written, as that record may be a finding.",
            f"Correct or re-export the file; 'bcftools view' shows the record it cannot read ({exc}).",
        ) from exc


def genotype_task(
    path: str, build: str, region: Region, block: tuple[int, int], wanted: frozenset[VariantKey]
) -> TaskResult:
    """Carriers of the `wanted` variants and chrX call counts of samples [block) in one region chunk."""
    import cyvcf2

    from ipexpath.confirm.panel import load_panel, normalize_chrom
    from ipexpath.confirm.vcf import htslib_messages

    panel = load_panel()
    probe = cyvcf2.VCF(path, lazy=True)
    names = list(probe.samples)[block[0] : block[1]]
    probe.close()
    x_linked = normalize_chrom(region.chrom) == "X"
    result = TaskResult()
    x_haploid = np.zeros(len(names), dtype=np.int64)
    x_het = np.zeros(len(names), dtype=np.int64)
    place = _Place()
    with htslib_messages(), _unreadable_record(path, region, place):
        vcf, records = _open_region(path, region, names, place)
        order = {name: i for i, name in enumerate(names)}
        local = np.array([order[s] for s in vcf.samples], dtype=np.int64)  # VCF column → block position
        for rec in records:
            chrom, pos = normalize_chrom(rec.CHROM), int(rec.POS)
            outside_par = x_linked and not panel.builds[build].in_par("X", pos)
            keys = [(chrom, pos, rec.REF, alt, region.gene) for alt in rec.ALT]
            if not outside_par and not any(k in wanted for k in keys):
                continue  # nothing to report and nothing to learn about sex: genotypes stay packed
            alleles = rec.genotype.array()[:, :-1].astype(np.int64)
            if alleles.size and int(alleles.max()) > len(keys):
                _check_record(rec, path, region)  # a GT naming an allele the record does not list
            present = alleles != -2  # -2 pads a haploid call in a diploid-wide array
            n_alleles = present.sum(axis=1)
            haploid = n_alleles == 1
            half_call = ((alleles == -1) & present).any(axis=1)  # "./1": the other allele was not called
            if outside_par:
                called = (alleles >= 0) & present
                x_haploid[local[haploid & called[:, 0]]] += 1
                if alleles.shape[1] >= 2:
                    het = (n_alleles == 2) & called[:, 0] & called[:, 1] & (alleles[:, 0] != alleles[:, 1])
                    x_het[local[het]] += 1
            for alt_index, key in enumerate(keys, start=1):
                if key not in wanted:
                    continue
                n_alt = (alleles == alt_index).sum(axis=1)
                for i in np.flatnonzero(n_alt > 0).tolist():
                    if half_call[i]:
                        zyg = Zygosity.UNKNOWN  # never read as heterozygous (a girl is not made a carrier)
                    elif haploid[i]:
                        zyg = Zygosity.HEMIZYGOUS
                    elif n_alt[i] == n_alleles[i]:
                        zyg = Zygosity.HOMOZYGOUS
                    else:
                        zyg = Zygosity.HETEROZYGOUS
                    result.carriers.append((block[0] + int(local[i]), key, zyg.value))
        vcf.close()
    result.x_haploid = {block[0] + i: int(c) for i, c in enumerate(x_haploid.tolist()) if c}
    result.x_het = {block[0] + i: int(c) for i, c in enumerate(x_het.tolist()) if c}
    return result


# ------------------------------------------------------------------------------------------ client
def _sexes(
    samples: tuple[str, ...], ped: dict[str, Sex] | None, haploid: dict[int, int], het: dict[int, int]
) -> list[tuple[Sex, str]]:
    """Each sample's sex and where it came from."""
    out = []
    for i, name in enumerate(samples):
        if ped is not None and name in ped and ped[name] is not Sex.UNKNOWN:
            out.append((ped[name], "PED"))
        elif haploid.get(i) and het.get(i):
            out.append((Sex.UNKNOWN, "chrX calls conflict (haploid and heterozygous)"))
        elif haploid.get(i):
            out.append((Sex.MALE, "chrX haploid calls"))
        elif het.get(i):
            out.append((Sex.FEMALE, "chrX heterozygosity"))
        else:
            out.append((Sex.UNKNOWN, "no PED entry and no informative chrX call"))
    return out


def screen_cohort(
    path: Path,
    out: Path,
    *,
    ped: Path | None = None,
    scheduler: str = "local",
    workers: int = 2,
    build: str | None = None,
    report: tuple[str, ...] = REPORTED,
    sample_block: int = SAMPLE_BLOCK,
) -> ScreenSummary:
    """Screen every sample of `path` in the panel genes; write the reportable findings to `out` (TSV)."""
    from ipexpath.batch.rerank import worker_environment
    from ipexpath.batch.schedulers import executor, parse_scheduler
    from ipexpath.confirm import EvaluationContext, classify_variant
    from ipexpath.confirm.classification import AcmgClassification
    from ipexpath.confirm.engine import inheritance_compatible
    from ipexpath.confirm.panel import load_panel

    kind, address = parse_scheduler(scheduler)
    if workers < 1:
        raise InputError("--workers must be at least 1.")
    codes = {
        "P": AcmgClassification.PATHOGENIC,
        "LP": AcmgClassification.LIKELY_PATHOGENIC,
        "VUS": AcmgClassification.UNCERTAIN_SIGNIFICANCE,
        "LB": AcmgClassification.LIKELY_BENIGN,
        "B": AcmgClassification.BENIGN,
    }
    unknown = [c for c in report if c not in codes]
    if unknown or not report:
        raise InputError(
            f"--report '{','.join(unknown)}' is not a list of ACMG class codes.", "Use P, LP, VUS, LB, B."
        )
    wanted_classes = {codes[c] for c in report}
    out = Path(out)
    if out.is_dir():
        raise InputError(f"'{out}' is a folder; --out must be a .tsv file.")
    path = Path(path)
    header = check_cohort(path, build)
    sexes_ped = read_cohort_ped(ped) if ped is not None else None
    if sexes_ped is not None:
        in_vcf = set(header.samples)
        missing = [s for s in sexes_ped if s not in in_vcf]
        if missing:
            shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
            raise InputError(
                f"{len(missing)} sample(s) of the PED file are not in the VCF '{path.name}': {shown}.",
                "Check that the PED and the VCF describe the same cohort (sample ids must match exactly).",
            )
    regions = panel_regions(header.seqnames, header.build)
    where = str(path.resolve())
    blocks = sample_blocks(len(header.samples), sample_block)
    panel = load_panel()
    ctx = EvaluationContext(panel=panel)
    with executor(kind, address, workers, worker_environment()) as pool:
        # pass 1: the distinct variants of every region, each classified once here
        sites = TaskResult()
        for part in _run_tasks(pool, workers, site_task, [(where, header.build, r) for r in regions]):
            _merge(sites, part)
        classified = {key: classify_variant(sites.variants[key], ctx) for key in sorted(sites.variants)}
        wanted = frozenset(k for k, c in classified.items() if c.classification in wanted_classes)
        # pass 2: every sample's calls of the reportable variants (and its chrX calls, for its sex)
        merged = TaskResult(records=sites.records, notes=sites.notes)
        need_sex = sexes_ped is None or any(
            sexes_ped.get(s, Sex.UNKNOWN) is Sex.UNKNOWN for s in header.samples
        )
        useful = [
            r for r in regions if _has_wanted(r, wanted) or (need_sex and r.chrom.removeprefix("chr") == "X")
        ]
        tasks = [(where, header.build, r, b, wanted) for r in useful for b in blocks]
        for part in _run_tasks(pool, workers, genotype_task, tasks):
            _merge(merged, part)
    sexes = _sexes(header.samples, sexes_ped, merged.x_haploid, merged.x_het)
    rows = []
    for sample_index, key, raw in sorted(merged.carriers, key=lambda c: (c[0], c[1])):
        result = classified[key]
        variant = result.variant
        sex, source = sexes[sample_index]
        x_linked = key[0] == "X" and not variant.in_par
        zygosity = Zygosity(raw).for_sex(sex, x_linked)
        compatible = inheritance_compatible(
            replace(variant, zygosity=zygosity), result.gene, sex.word if sex.is_known else None
        )
        rows.append(
            (
                header.samples[sample_index],
                sex.value,
                source,
                variant.gene,
                variant.chrom,
                variant.pos,
                variant.ref,
                variant.alt,
                variant.transcript or "",
                variant.hgvs_c or "",
                variant.hgvs_p or "",
                variant.consequence.value,
                zygosity.value,
                result.classification.label,
                result.points,
                ",".join(c.display_code for c in result.criteria if c.applied),
                "" if compatible is None else ("yes" if compatible else "no"),
                variant.call_filter or "",
            )
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    from ipexpath.files import atomic_write_text

    atomic_write_text(out, buffer.getvalue())
    counts: dict[str, int] = {}
    for _, source in sexes:
        counts[source] = counts.get(source, 0) + 1
    return ScreenSummary(
        samples=len(header.samples),
        records=merged.records,
        distinct_variants=len(classified),
        findings=len(rows),
        sex_sources=counts,
        build=header.build,
        out=out,
        notes=tuple(dict.fromkeys(merged.notes)),
    )


def _has_wanted(region: Region, wanted: frozenset[VariantKey]) -> bool:
    """Whether a reportable variant starts in this region chunk (else pass 2 skips it)."""
    return any(k[4] == region.gene and region.start <= k[1] <= region.end for k in wanted)


def _run_tasks(pool: Any, workers: int, fn: Any, tasks: list[tuple[Any, ...]]) -> Iterator[TaskResult]:
    """Results of `fn(*task)` for every task, at most two tasks per worker in flight."""
    pending: set[Any] = set()
    queue = iter(tasks)
    exhausted = False
    while pending or not exhausted:
        while not exhausted and len(pending) < 2 * workers:
            task = next(queue, None)
            if task is None:
                exhausted = True
                break
            pending.add(pool.submit(fn, *task))
        if not pending:
            break
        finished, pending = pool.wait_first(pending)
        for future in finished:
            yield future.result()


def _merge(into: TaskResult, part: TaskResult) -> None:
    for key, variant in part.variants.items():
        into.variants.setdefault(key, variant)
    into.carriers.extend(part.carriers)
    for target, source in ((into.x_haploid, part.x_haploid), (into.x_het, part.x_het)):
        for i, c in source.items():
            target[i] = target.get(i, 0) + c
    into.records += part.records
    into.notes.extend(part.notes)


__all__ = ["REPORTED", "ScreenSummary", "genotype_task", "read_cohort_ped", "screen_cohort", "site_task"]
