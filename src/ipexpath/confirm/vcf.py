"""Read the laboratory's VCF (plain or bgzipped, single or multi-sample, GRCh38 or GRCh37) with cyvcf2.

Only records inside the panel genes are kept: with a tabix/CSI index they are fetched by region, otherwise
the file is scanned once. chrX calls outside the pseudoautosomal regions are hemizygous in males whether
written `1` or `1/1`. The genome build is checked against the header (contig lengths, ##reference) so that a
GRCh37 file declared as GRCh38 is refused before anything is classified; a header that names no build is
read from where the calls lie. Failed FILTERs, half calls and records without GT are kept and flagged.

Public API: `read_variants` (one patient), and for readers of cohort VCFs (`batch/screen.py`):
`check_vcf_file`, `open_vcf`, `usable_index`, `resolve_build`, `header_info_fields`, `htslib_messages`
and `site_variant` (one record's ALT without a sample).
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import tempfile
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from ipexpath.confirm.annotations import (
    AnnotationLayout,
    TranscriptAnnotation,
    layout_from_header,
    parse_annotations,
)
from ipexpath.confirm.hgvs_input import normalize_protein
from ipexpath.confirm.model import Consequence, PopulationData, Variant, Zygosity
from ipexpath.confirm.panel import Gene, Panel, check_build, normalize_chrom
from ipexpath.errors import InputError

MAX_PANEL_VARIANTS = 10_000  # variant calls of one sample in the panel genes (a genome has ~1 per kb)
MAX_POS = 2**31 - 1  # htslib keeps POS in 32 bits for cyvcf2: POS 0 or a larger POS is not a position
_BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


@dataclass(frozen=True)
class BuildCheck:
    declared: str | None
    detected: str | None
    evidence: str
    used: str


@dataclass(frozen=True)
class VcfReadResult:
    variants: list[Variant]
    sample: str | None
    samples: tuple[str, ...]
    build: BuildCheck
    annotation: str | None
    indexed: bool
    records_read: int
    sex: str | None
    notes: tuple[str, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------------------------- file checks
def check_vcf_file(path: Path) -> bool:
    """Raise InputError for a missing, empty, truncated or header-less file; return True if compressed."""
    from ipexpath.files import check_input_file, refuse_stdin

    refuse_stdin(path, "VCF", "it is read more than once (genome build, then the calls)")
    size = check_input_file(path, "VCF file", None)  # missing, a folder, a FIFO or device: said as such
    if size == 0:
        raise InputError(f"The VCF file '{path}' is empty.")
    with path.open("rb") as handle:
        head = handle.read(18)
        compressed = head[:2] == b"\x1f\x8b"
        tail = b""
        if compressed:
            handle.seek(max(0, size - len(_BGZF_EOF)))
            tail = handle.read()
    is_bgzf = compressed and len(head) >= 14 and bool(head[3] & 4) and head[12:14] == b"BC"
    if is_bgzf and tail != _BGZF_EOF:
        raise InputError(
            f"The bgzipped VCF '{path}' is truncated: its BGZF end-of-file block is missing.",
            "Copy or download the file again; check it with 'bgzip -t'.",
        )
    if compressed and not is_bgzf:
        _check_gzip_integrity(path)
    if not compressed and (head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[1:8:2] == b"\x00" * 4):
        raise InputError(
            f"The VCF '{path.name}' is saved as UTF-16 text; VCF readers need plain (ASCII/UTF-8) text.",
            "Export the VCF again from the laboratory pipeline, or save it as UTF-8 in the editor used.",
        )
    first = _first_line(path, compressed)
    if first.startswith("\ufeff##fileformat=VCF"):
        raise InputError(
            f"The VCF '{path.name}' starts with a byte-order mark (an invisible character some Windows "
            "editors add), which VCF readers do not accept.",
            "Save it again as UTF-8 without a byte-order mark, or re-export it from the pipeline.",
        )
    if not first.startswith("##fileformat=VCF"):
        raise InputError(
            f"'{path}' does not start with a VCF header (first line: '{first[:60]}').",
            "A VCF must begin with '##fileformat=VCFv4.x' and have a '#CHROM' header line; export "
            "the full VCF "
            "from the laboratory pipeline.",
        )
    return compressed


def _check_gzip_integrity(path: Path) -> None:
    """A gzip file without the BGZF end-of-file block: read it to the end to tell truncation from plain
    gzip."""
    try:
        with gzip.open(path, "rb") as handle:
            while handle.read(1 << 22):
                pass
    except (EOFError, OSError, zlib.error) as exc:
        raise InputError(
            f"The compressed VCF '{path}' is truncated or corrupt ({exc}).",
            "Copy or download the file again; check it with 'bgzip -t' or 'gzip -t'.",
        ) from exc


def _first_line(path: Path, compressed: bool) -> str:
    try:
        if compressed:
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
                return handle.readline().strip()
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            return handle.readline().strip()
    except (EOFError, OSError, zlib.error) as exc:
        raise InputError(f"The VCF '{path}' could not be read: {exc}.") from exc


# --------------------------------------------------------------------------------------------- build
_CONTIG_RE = re.compile(r"##contig=<([^>]*)>")


def detect_build(header: str, panel: Panel) -> tuple[str | None, str]:
    """Detect GRCh37/GRCh38 from ##contig lengths (chr1, chr2, chrX) or, failing that, ##reference /
    assembly."""
    lengths: dict[str, int] = {}
    for match in _CONTIG_RE.finditer(header):
        attrs = dict(
            part.split("=", 1) for part in re.split(r",(?=[A-Za-z_]+=)", match.group(1)) if "=" in part
        )
        if "ID" in attrs and "length" in attrs:
            try:
                lengths[normalize_chrom(attrs["ID"])] = int(attrs["length"])
            except ValueError:
                continue
    votes: dict[str, list[str]] = {}
    for name, info in panel.builds.items():
        for chrom, length in info.contig_lengths.items():
            if lengths.get(chrom) == length:
                votes.setdefault(name, []).append(f"chr{chrom} length {length:,}")
    if len(votes) == 1:
        name, evidence = next(iter(votes.items()))
        return name, f"header contig lengths match {name} ({', '.join(evidence)})"
    for line in header.splitlines():
        if line.startswith(("##reference", "##assembly")) or (
            "assembly=" in line and line.startswith("##contig")
        ):
            lowered = line.lower()
            for name, info in panel.builds.items():
                if any(alias.lower() in lowered for alias in info.aliases):
                    return name, f"header line '{line[:80]}' names {name}"
    return None, "no contig lengths or reference line identify the build"


def resolve_build(declared: str | None, header: str, panel: Panel, path: Path) -> BuildCheck:
    declared_name = check_build(panel, declared) if declared else None
    detected, evidence = detect_build(header, panel)
    if declared_name and detected and declared_name != detected:
        raise InputError(
            f"The VCF '{path.name}' was declared as {declared_name}, but its header says "
            f"{detected} ({evidence}).",
            f"Use --build {detected}, or lift the file over to {declared_name} first.",
        )
    used = declared_name or detected or "GRCh38"
    return BuildCheck(declared_name, detected, evidence, used)


def _build_from_calls(path: Path, panel: Panel, fallback: BuildCheck) -> BuildCheck:
    """The build when the header does not say: where the records lie relative to each build's panel genes.

    Why: the panel's gene ranges differ between GRCh37 and GRCh38 (FOXP3: chrX:49.10 Mb vs 49.25 Mb), so
    reading a GRCh37 file as GRCh38 silently misses every variant. Records inside the gene ranges of exactly
    one build decide it; records in both builds' ranges (IL2RA, DEF6 overlap) count for neither. Calls in
    the ranges of both builds, each, are refused (exit 2) with a request for --build.
    """
    tables = {name: _region_table(panel, name) for name in panel.builds}
    hits = dict.fromkeys(tables, 0)
    with htslib_messages():
        vcf = open_vcf(path)
        try:
            for rec in vcf:
                where = [
                    name
                    for name, table in tables.items()
                    if any(a <= rec.POS <= b for a, b, _ in table.get(rec.CHROM, ()))
                ]
                if len(where) == 1:
                    hits[where[0]] += 1
        except Exception as exc:  # malformed records surface again, with a clear message, in _collect
            return replace(fallback, evidence=f"{fallback.evidence} ({exc})")
    found = {name: n for name, n in hits.items() if n}
    if len(found) == 1:
        name, n = next(iter(found.items()))
        return BuildCheck(
            None,
            name,
            f"the header does not name the build; {n} record(s) lie in the {name} ranges of the panel genes "
            "and none only in the other build's: inferred from the positions — declare --build to be sure",
            name,
        )
    if len(found) > 1:
        counts = ", ".join(f"{n} in {name}" for name, n in found.items())
        raise InputError(
            f"The genome build of '{path.name}' is not stated in its header, and its records lie in the "
            f"panel gene ranges of both builds ({counts}).",
            "Give the build with --build GRCh37 or --build GRCh38 (or add ##contig lines with lengths).",
        )
    return replace(
        fallback,
        evidence=f"{fallback.evidence}; no record lies in the panel genes of either build, GRCh38 assumed",
    )


# --------------------------------------------------------------------------------------------- reading
@contextlib.contextmanager
def htslib_messages() -> Iterator[list[str]]:
    """Capture what htslib writes to the process's stderr (e.g. "[E::vcf_hdr_read] No sample line") so that
    the user sees one clear message from ipexpath instead of raw library diagnostics."""
    captured: list[str] = []
    with tempfile.TemporaryFile(mode="w+b") as sink:
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            yield captured
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            captured.extend(line for line in sink.read().decode("utf-8", "replace").splitlines() if line)


def open_vcf(path: Path) -> Any:
    import cyvcf2

    with htslib_messages() as messages:
        try:
            return cyvcf2.VCF(str(path), lazy=True)
        except Exception as exc:  # cyvcf2 raises OSError or plain Exception for htslib failures
            error = exc
    detail = "; ".join(m.split("] ", 1)[-1] for m in messages) or str(error)
    raise InputError(
        f"The VCF '{path}' could not be opened: {detail}.",
        "Check that the file is a valid VCF (with a '#CHROM' header line) and not truncated.",
    ) from error


def header_info_fields(header: str) -> dict[str, str]:
    infos = {}
    for match in re.finditer(r'##INFO=<ID=([^,]+),.*?Description="((?:[^"\\]|\\.)*)"', header):
        infos[match.group(1)] = match.group(2)
    return infos


def _has_index(path: Path) -> bool:
    return _index_path(path) is not None


def _index_path(path: Path) -> Path | None:
    for ext in (".tbi", ".csi"):
        candidate = Path(str(path) + ext)
        if candidate.exists():
            return candidate
    return None


def usable_index(path: Path, notes: list[str]) -> bool:
    """True when the VCF has a readable index that is not older than the VCF itself.

    A stale or unreadable index can make region lookups miss every variant, so such an index is not used:
    the file is scanned in full instead, and the note says so (issue 18: never "no variant" from a failed
    lookup)."""
    index = _index_path(path)
    if index is None:
        return False
    try:
        index_time, vcf_time = index.stat().st_mtime, path.stat().st_mtime
        with index.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        notes.append(
            f"The index '{index.name}' could not be read ({exc.strerror}); the whole VCF was scanned."
        )
        return False
    if index_time < vcf_time:
        notes.append(
            f"The index '{index.name}' is older than the VCF (the VCF changed after it was indexed); it was "
            "not used and the whole VCF was scanned. Re-create it with 'tabix -p vcf'."
        )
        return False
    if head[:2] != b"\x1f\x8b":  # .tbi and .csi are BGZF-compressed
        notes.append(f"The index '{index.name}' is not a tabix/CSI index; the whole VCF was scanned.")
        return False
    return True


class _LookupFailed(Exception):
    """A region lookup through the index failed; the caller falls back to a full scan."""


def _choose_sample(
    samples: list[str], sample: str | None, path: Path, prefer: str | None = None
) -> str | None:
    if sample is not None:
        if sample not in samples:
            shown = ", ".join(samples[:20]) + (" ..." if len(samples) > 20 else "") if samples else "none"
            raise InputError(
                f"The sample '{sample}' is not in '{path.name}'.", f"Samples in the file: {shown}."
            )
        return sample
    if len(samples) == 1:
        return samples[0]
    if prefer is not None and prefer in samples:
        return prefer
    if not samples:
        return None
    raise InputError(
        f"'{path.name}' has {len(samples)} samples; say which one is the patient.",
        f"Use --sample with one of: {', '.join(samples[:20])}.",
    )


def read_variants(
    path: Path | str,
    panel: Panel,
    sample: str | None = None,
    build: str | None = None,
    sex: str | None = None,
    prefer_sample: str | None = None,
) -> VcfReadResult:
    """The variants of `sample` that fall in the panel genes, with zygosity and annotations.

    In a multi-sample file without `sample`, `prefer_sample` (e.g. the pedigree's proband) is used if present.
    """
    path = Path(path)
    check_vcf_file(path)
    vcf = open_vcf(path)
    try:
        header = vcf.raw_header
        samples = list(vcf.samples)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"The header of the VCF '{path.name}' is not UTF-8 text (a sample name or header line holds the "
            f"byte 0x{exc.object[exc.start]:02x}).",
            "Save the VCF as UTF-8; rename samples with 'bcftools reheader'.",
        ) from None
    if "#CHROM" not in header:
        raise InputError(f"'{path}' has no '#CHROM' header line.", "Export the complete VCF with its header.")
    chosen = _choose_sample(samples, sample, path, prefer_sample)
    build_check = resolve_build(build, header, panel, path)
    if build_check.declared is None and build_check.detected is None:
        build_check = _build_from_calls(path, panel, build_check)
    infos = header_info_fields(header)
    layout = layout_from_header(infos)
    declared = frozenset(infos)
    notes: list[str] = []
    indexed = usable_index(path, notes)
    with htslib_messages() as library_messages:  # htslib warnings become notes, not raw stderr lines
        try:
            collected = _collect(vcf, panel, build_check, indexed, path, layout, declared, chosen, samples)
        except _LookupFailed as exc:
            notes.append(
                f"A region lookup through the index failed ({exc}); the index was not used and the whole "
                "VCF was scanned. Re-create the index with 'tabix -p vcf'."
            )
            indexed = False
            vcf = open_vcf(path)
            collected = _collect(vcf, panel, build_check, False, path, layout, declared, chosen, samples)
    for message in dict.fromkeys(m.split("] ", 1)[-1] for m in library_messages[:20]):
        notes.append(f"htslib: {message}")
    variants, count, skipped_other_gene, observed_haploid_x, allele_notes = collected
    notes.extend(allele_notes)
    if skipped_other_gene:
        notes.append(
            f"{skipped_other_gene} record(s) in the padded gene ranges were annotated only to "
            "neighbouring genes "
            "and were left out."
        )
    inferred_sex = sex
    if inferred_sex is None and observed_haploid_x:
        inferred_sex = "male"
        notes.append("sex inferred as male from haploid chrX genotype calls")
    variants = [_apply_sex(v, inferred_sex, panel, build_check.used) for v in variants]
    return VcfReadResult(
        variants=variants,
        sample=chosen,
        samples=tuple(samples),
        build=build_check,
        annotation=layout.tool if layout else None,
        indexed=indexed,
        records_read=count,
        sex=inferred_sex,
        notes=tuple(notes),
    )


def record_problem(rec: Any) -> str | None:
    """Why a record cannot be read as written, or None: a POS that is not a position, a GT naming an allele
    the record does not have. Why: htslib reads both without complaint, and the call would silently fall
    outside every gene or lose its allele — a missed finding read as "no variant found"."""
    start = int(rec.start)  # 0-based and 64-bit, so the POS as written is start + 1
    if not 0 <= start < MAX_POS or int(rec.POS) != start + 1:
        return f"its POS {start + 1} is not a position on the chromosome (1 to {MAX_POS:,})"
    try:
        genotype = rec.genotype
    except Exception:  # cyvcf2: "couldn't get genotypes" for a record without GT (kept and flagged)
        return None
    if genotype is None:
        return None
    alleles = genotype.array()[:, :-1]
    n_alt = sum(1 for alt in rec.ALT if alt not in (".", ""))
    highest = int(alleles.max()) if alleles.size else 0
    if highest > n_alt:
        alts = ",".join(rec.ALT) or "."
        return f"a genotype (GT) names allele {highest} but ALT lists {n_alt} ({alts})"
    return None


@dataclass
class _Place:
    """Where a scan has got to, so that a record that cannot be read is named by its line (or position)."""

    header_lines: int = 0
    records: int = 0  # records read so far in a whole-file scan
    last: str = ""  # CHROM:POS of the last record read
    using: bool = False  # the last record read is being used (a failure is in it, not in the next one)

    def failed(self, indexed: bool) -> str:
        """The record that could not be read: its line in a whole-file scan, else where it lies."""
        if self.using:
            return f"line {self.header_lines + self.records} ({self.last})" if not indexed else self.last
        if not indexed:
            return f"line {self.header_lines + self.records + 1}"
        return f"the record after {self.last}" if self.last else "the first record of a panel gene region"


def _collect(
    vcf: Any,
    panel: Panel,
    build_check: BuildCheck,
    indexed: bool,
    path: Path,
    layout: AnnotationLayout | None,
    declared: frozenset[str],
    chosen: str | None,
    samples: list[str],
) -> tuple[list[Variant], int, int, bool, list[str]]:
    """Stream the panel records once, keeping only the patient's variants (memory flat in record count)."""
    index_of = samples.index(chosen) if chosen is not None else None
    variants: list[Variant] = []
    notes: list[str] = []
    count = 0
    skipped_other_gene = 0
    observed_haploid_x = False
    place = _Place(header_lines=vcf.raw_header.count("\n"))
    seen: dict[tuple[str, str, int, str, str], str] = {}  # the patient's calls: a record listed twice
    try:
        for gene, rec in _records(vcf, panel, build_check.used, indexed, path, place):
            count += 1
            problem = record_problem(rec)
            if problem is not None:
                raise _unreadable(path, place, indexed, problem, f"{rec.CHROM}:{rec.POS} in {gene.symbol}")
            alts = list(rec.ALT)
            for alt_index, alt in enumerate(alts, start=1):
                if alt in ("*", ".", ""):
                    continue  # a spanning deletion or no alternate allele: not a variant of its own
                calls = _calls(rec, samples, alt_index)
                doubts: list[str] = []
                if index_of is not None:
                    call = calls[index_of]
                    if not call.carries:
                        continue
                    key = (gene.symbol, rec.CHROM, int(rec.POS), rec.REF, alt)
                    here = f"line {place.header_lines + place.records}" if not indexed else "a second record"
                    if key in seen:
                        raise InputError(
                            f"The VCF '{path.name}' lists {rec.CHROM}:{rec.POS} {rec.REF}>{alt} twice for "
                            f"the patient ({seen[key]} and {here}); it would be counted as two variants.",
                            "Remove the duplicate record (bcftools norm -d exact) and run again.",
                        )
                    seen[key] = here
                    zyg = call.zygosity
                    doubts += [call.doubt] if call.doubt else []
                    observed_haploid_x = observed_haploid_x or (
                        call.haploid and call.doubt is None and normalize_chrom(rec.CHROM) == "X"
                    )
                else:
                    zyg = Zygosity.UNKNOWN
                if rec.FILTER:  # cyvcf2: None for PASS and '.'
                    doubts.insert(0, _filter_doubt(rec.FILTER))
                if len(variants) >= MAX_PANEL_VARIANTS:
                    raise InputError(
                        f"The VCF '{path.name}' has more than {MAX_PANEL_VARIANTS:,} variant calls in the "
                        "panel genes for this sample; that is not one person's genome.",
                        "Give the patient's VCF (with --sample for a multi-sample file).",
                    )
                variant = _variant(
                    rec, alt, alts, gene, zyg, layout, declared, panel, build_check.used, chosen, samples,
                    calls, notes,
                )  # fmt: skip
                if variant is None:
                    skipped_other_gene += 1
                else:
                    if index_of is not None:
                        variant = replace(
                            variant,
                            depth=_format_int(rec, "DP", index_of),
                            genotype_quality=_format_int(rec, "GQ", index_of),
                        )
                    if doubts:
                        doubts = [f"CALL QUALITY: {d[0].upper()}{d[1:]}." for d in doubts]
                        variant = replace(
                            variant,
                            call_filter=str(rec.FILTER) if rec.FILTER else None,
                            input_notes=tuple(doubts),
                        )
                    variants.append(variant)
    except (InputError, _LookupFailed):
        raise
    except UnicodeDecodeError as exc:
        raise InputError(
            f"The VCF '{path.name}' holds text that is not UTF-8 (byte {exc.start} of a record).",
            "Save the VCF as UTF-8 text.",
        ) from exc
    except Exception as exc:  # htslib parse errors surface here (malformed line, truncated block)
        raise InputError(
            f"The VCF '{path.name}' could not be read to the end: {place.failed(indexed)} is malformed (a "
            "column missing or unreadable) or the file is truncated. No result is given, as a record that "
            "cannot be read may be a finding.",
            f"Correct or re-export the file; 'bcftools view' shows the first line it cannot read ({exc}).",
        ) from exc
    return variants, count, skipped_other_gene, observed_haploid_x, notes


def _unreadable(path: Path, place: _Place, indexed: bool, problem: str, where: str) -> InputError:
    """The error for a record htslib read but that cannot be used (it may be a finding: never skipped)."""
    line = "" if indexed else f"line {place.header_lines + place.records} "
    return InputError(
        f"The VCF '{path.name}', {line}({where}): {problem}. No result is given, as this record may be a "
        "finding.",
        "Correct the record (or re-export the VCF) and run again.",
    )


def _format_int(rec: Any, key: str, sample_index: int) -> int | None:
    """The patient's integer FORMAT value (DP, GQ), or None when the VCF does not give it."""
    try:
        values = rec.format(key)
    except Exception:  # the header does not declare the field
        return None
    if values is None:
        return None
    try:
        value = int(values[sample_index][0])
    except (IndexError, TypeError, ValueError, OverflowError):
        return None
    return value if value >= 0 else None


def _region_table(panel: Panel, build: str) -> dict[str, list[tuple[int, int, Gene]]]:
    table: dict[str, list[tuple[int, int, Gene]]] = {}
    for gene in panel.genes:
        region = gene.regions.get(build)
        if region is None:
            continue
        for name in (region.chrom, f"chr{region.chrom}"):
            table.setdefault(name, []).append((region.start, region.end, gene))
    return table


def _records(
    vcf: Any, panel: Panel, build: str, indexed: bool, path: Path, place: _Place | None = None
) -> Iterator[tuple[Gene, Any]]:
    table = _region_table(panel, build)
    place = place or _Place()
    if indexed:
        with htslib_messages():
            try:
                seqnames = set(vcf.seqnames)
            except Exception as exc:
                raise _LookupFailed(str(exc)) from exc
        for gene in panel.genes:
            region = gene.regions.get(build)
            if region is None:
                continue
            for name in (n for n in (f"chr{region.chrom}", region.chrom) if n in seqnames):
                where = f"{name}:{region.start}-{region.end}"
                with htslib_messages() as messages, warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # htslib: "no intervals found" for an empty region
                    try:
                        fetched = iter(vcf(where))
                        rec = next(fetched, None)
                    except Exception as exc:  # the index cannot be loaded or does not fit the file
                        raise _LookupFailed(f"{where}: {exc}") from exc
                    while rec is not None:  # streamed: one record in memory at a time
                        place.last, place.using = f"{rec.CHROM}:{rec.POS}", True
                        yield gene, rec
                        place.using = False
                        rec = next(fetched, None)
                errors = [m for m in messages if "[E::" in m or ("[W::" in m and "index" in m.lower())]
                if errors:
                    raise _LookupFailed(errors[0].split("] ", 1)[-1])
        return
    for rec in vcf:
        place.records += 1
        entries = table.get(rec.CHROM)
        if entries is None:
            continue
        pos = rec.POS
        if not 0 <= rec.start < MAX_POS:  # on a panel gene's chromosome: it may be a finding, never skipped
            problem = record_problem(rec)
            raise _unreadable(path, place, False, problem or "its POS is not a position", rec.CHROM)
        place.last = f"{rec.CHROM}:{pos}"
        for start, end, gene in entries:
            if start <= pos <= end:
                place.using = True
                yield gene, rec
                place.using = False
                break


class _Call(NamedTuple):
    """One sample's call of one ALT: zygosity, whether haploid, and what makes it doubtful (None: nothing)."""

    zygosity: Zygosity
    haploid: bool
    doubt: str | None = None

    @property
    def carries(self) -> bool:
        """The sample carries the ALT (a half call or a record without GT counts: nothing is dropped)."""
        return self.zygosity not in (Zygosity.REFERENCE, Zygosity.UNKNOWN) or self.doubt is not None


NO_GT = "the VCF gives no genotype (GT) for this call, so its zygosity is unknown; confirm it before use"


def _calls(rec: Any, samples: list[str], alt_index: int) -> list[_Call]:
    """Per sample: zygosity for allele `alt_index`, whether the call is haploid, and any doubt about it.

    A half call (`./1`) carries the ALT with the other allele not called: zygosity unknown, kept and flagged.
    A record whose FORMAT has no GT: every sample unknown, kept and flagged (a single-sample VCF lists the
    patient's variants; the genotype must then be confirmed).
    """
    if not samples:
        return []
    try:
        genotypes = rec.genotypes
    except Exception:  # cyvcf2: "error parsing genotypes; they may be absent from this record"
        return [_Call(Zygosity.UNKNOWN, False, NO_GT) for _ in samples]
    result = []
    for gt in genotypes:
        alleles = [a for a in gt[:-1]]
        haploid = len(alleles) == 1
        if not alleles or all(a < 0 for a in alleles):
            result.append(_Call(Zygosity.UNKNOWN, haploid))
            continue
        n_alt = sum(1 for a in alleles if a == alt_index)
        missing = sum(1 for a in alleles if a < 0)
        if n_alt == 0:
            result.append(_Call(Zygosity.REFERENCE, haploid))
        elif missing:
            shown = "/".join("." if a < 0 else str(a) for a in alleles)
            result.append(
                _Call(
                    Zygosity.UNKNOWN,
                    haploid,
                    f"half call (GT {shown}): one allele was not called, so the zygosity is unknown; "
                    "confirm it before use",
                )
            )
        elif haploid:
            result.append(_Call(Zygosity.HEMIZYGOUS, True))
        elif n_alt == len(alleles):
            result.append(_Call(Zygosity.HOMOZYGOUS, False))
        else:
            result.append(_Call(Zygosity.HETEROZYGOUS, False))
    return result


_SYMBOLIC_WORDS = {
    "DEL": "deletion",
    "DUP": "duplication",
    "INS": "insertion",
    "INV": "inversion",
    "CNV": "copy_number_variation",
}


def allele_names(ref: str, alt: str, alts: list[str]) -> set[str]:
    """The spellings an annotator may give `alt` of a record with alternates `alts`.

    VEP removes the first base only when REF and every ALT share it and not all are single bases (so in
    REF=A, ALT=AT,T the alleles are 'AT' and 'T', but in REF=A, ALT=AT,AC they are 'T' and 'C'); SnpEff and
    most tools write the ALT as is; a symbolic allele such as <DEL> is written '<DEL>', 'DEL' or, by VEP,
    'deletion'. The set never contains a spelling of another ALT of the same record.
    """
    names = {alt}
    if alt.startswith("<") and alt.endswith(">"):
        inner = alt[1:-1]
        names |= {inner, _SYMBOLIC_WORDS.get(inner.split(":")[0].upper(), inner)}
    else:
        plain = [a for a in alts if not (a.startswith("<") or a in ("*", "."))]
        all_snv = len(ref) == 1 and all(len(a) == 1 for a in plain)
        if not all_snv and plain and all(a[:1] == ref[:1] for a in plain):
            names.add(alt[1:] or "-")
    others: set[str] = set()
    for other in alts:
        if other != alt:
            others |= {other} if not other.startswith("<") else {other, other[1:-1]}
    return names - others if names - others else {alt}


def _pick(
    annotations: list[TranscriptAnnotation], gene: Gene, ref: str, alt: str, alts: list[str]
) -> TranscriptAnnotation | None:
    """The annotation of this ALT in the gene's MANE transcript (else any in-gene transcript), or None.

    Never another allele's annotation: in a multi-allelic record without allele-specific annotations, and
    for an ALT the annotator did not describe, the variant is left unannotated (issue 18).
    """
    names = allele_names(ref, alt, alts)
    candidates = [a for a in annotations if a.allele is not None and a.allele in names]
    if not candidates:
        allele_free = [a for a in annotations if a.allele is None]
        if not allele_free or len(alts) > 1:
            return None
        candidates = allele_free
    mane_bases = {tx.base for tx in gene.transcripts} | {
        tx.ensembl.split(".")[0] for tx in gene.transcripts if tx.ensembl
    }
    in_gene = [a for a in candidates if a.gene and a.gene.upper() == gene.symbol.upper()]
    for ann in in_gene:
        if ann.transcript and ann.transcript.split(".")[0] in mane_bases:
            return ann
    for ann in in_gene:
        if ann.mane:
            return ann
    if in_gene:
        return in_gene[0]
    return candidates[0]


def _variant(
    rec: Any,
    alt: str,
    alts: list[str],
    gene: Gene,
    zygosity: Zygosity,
    layout: AnnotationLayout | None,
    declared: frozenset[str],
    panel: Panel,
    build: str,
    sample: str | None,
    samples: list[str],
    calls: list[_Call],
    notes: list[str],
) -> Variant | None:
    info = {key: value for key, value in rec.INFO}
    annotation = None
    if layout is not None and layout.tag in info:
        annotations = parse_annotations(layout, info[layout.tag], info, declared)
        if annotations and not any(a.gene and a.gene.upper() == gene.symbol.upper() for a in annotations):
            return None  # annotated, but only to a neighbouring gene (or intergenic) inside the padded range
        annotation = _pick(annotations, gene, rec.REF, alt, alts)
        if annotation is None and annotations:
            notes.append(
                f"{rec.CHROM}:{rec.POS} {rec.REF}>{alt}: the {layout.tool} annotation does not describe this "
                "allele, so it is reported without consequence or HGVS (another allele's annotation is "
                "never used)."
            )
    chrom = normalize_chrom(rec.CHROM)
    population = annotation.population if annotation else _population_only(info, declared)
    family = {name: calls[i].zygosity for i, name in enumerate(samples) if name != sample}
    if annotation is None:
        placed = place_snv(panel, build, chrom, int(rec.POS), rec.REF, alt, gene, notes)
        if placed is not None:
            return replace(
                placed,
                zygosity=zygosity,
                chrom=rec.CHROM,
                population=population,
                sample=sample,
                in_par=panel.builds[build].in_par(chrom, int(rec.POS)),
                family_genotypes=family,
                source="vcf",
            )
    return Variant(
        gene=gene.symbol,
        transcript=annotation.transcript if annotation else None,
        hgvs_c=annotation.hgvs_c if annotation else None,
        hgvs_p=(normalize_protein(annotation.hgvs_p) or annotation.hgvs_p)
        if annotation and annotation.hgvs_p
        else None,
        consequence=annotation.consequence if annotation else Consequence.OTHER,
        zygosity=zygosity,
        chrom=rec.CHROM,
        pos=int(rec.POS),
        ref=rec.REF,
        alt=alt,
        build=build,
        exon=annotation.exon if annotation else None,
        population=population,
        sample=sample,
        in_par=panel.builds[build].in_par(chrom, int(rec.POS)),
        family_genotypes=family,
        source="vcf",
        annotation_source=layout.tool if (layout and annotation) else None,
    )


def site_variant(
    rec: Any,
    alt: str,
    gene: Gene,
    layout: AnnotationLayout | None,
    declared: frozenset[str],
    panel: Panel,
    build: str,
    notes: list[str],
) -> Variant | None:
    """One ALT of a record as a Variant without any sample's genotype (cohort screening classifies each
    distinct site once); None when the record is annotated only to a neighbouring gene. The record's FILTER
    is kept (`call_filter`, `input_notes`) as in `read_variants`."""
    alts = list(rec.ALT)
    variant = _variant(
        rec, alt, alts, gene, Zygosity.UNKNOWN, layout, declared, panel, build, None, [], [], notes
    )
    if variant is not None and rec.FILTER:
        variant = replace(
            variant,
            call_filter=str(rec.FILTER),
            input_notes=(
                f"CALL QUALITY: {_filter_doubt(rec.FILTER)[0].upper()}{_filter_doubt(rec.FILTER)[1:]}.",
            ),
        )
    return variant


def _filter_doubt(value: str) -> str:
    return (
        f"the call did not pass the laboratory pipeline's filters (FILTER {value}); "
        "confirm it (e.g. by Sanger sequencing) before acting on it"
    )


def place_snv(
    panel: Panel, build: str, chrom: str, pos: int, ref: str, alt: str, gene: Gene, notes: list[str]
) -> Variant | None:
    """An unannotated single-nucleotide call placed on the gene's MANE transcript from its position.

    Why: without VEP/SnpEff/bcftools csq a call had no c./p. change and lost PVS1, PM1, PS1/PM5 and the
    curated evidence; a substitution needs no sequence to be placed (the bundled exon structure and the
    reference protein give c., exon and, when unambiguous, p.). The same checks as typed HGVS apply, so a
    REF base that does not fit the reference protein is refused for placement and said. Indels are not
    placed: their HGVS needs the 3' shift, which needs the transcript sequence (not bundled).
    """
    from ipexpath.confirm.hgvs_input import CHROMOSOME_ACCESSIONS, parse_hgvs_variant

    bases = set("ACGT")
    if len(ref) != 1 or len(alt) != 1 or ref.upper() not in bases or alt.upper() not in bases:
        return None
    accession = next((a for a, where in CHROMOSOME_ACCESSIONS.items() if where == (build, chrom)), None)
    if accession is None:
        return None
    text = f"{accession}:g.{pos}{ref.upper()}>{alt.upper()}"
    try:
        placed = parse_hgvs_variant(text, panel, build=build)
    except InputError as exc:
        if "not inside the MANE Select transcript" not in exc.message:
            notes.append(f"chr{chrom}:{pos} {ref}>{alt} could not be placed on {gene.symbol}: {exc.message}")
        return None
    if placed.gene != gene.symbol:
        return None
    source = f"placed from its position on the bundled {build} MANE structure (no annotation in the VCF)"
    notes.append(f"chr{chrom}:{pos} {ref}>{alt} {source}: {placed.transcript}:{placed.hgvs_c}.")
    return replace(placed, annotation_source=source)


def _population_only(info: dict[str, Any], declared: frozenset[str]) -> PopulationData:
    from ipexpath.confirm.annotations import population_from

    return population_from({}, info, declared)


def _apply_sex(variant: Variant, sex: str | None, panel: Panel, build: str) -> Variant:
    """chrX outside PAR in a male: `1/1` is a hemizygous call, and so is a half call `./1` (one X)."""
    if normalize_chrom(variant.chrom or "") != "X" or variant.in_par or sex != "male":
        return variant
    if variant.zygosity == Zygosity.HOMOZYGOUS:
        return replace(variant, zygosity=Zygosity.HEMIZYGOUS)
    if variant.zygosity == Zygosity.UNKNOWN and any("Half call" in n for n in variant.input_notes):
        notes = tuple(
            n.removesuffix(".") + " (a male has one X outside the PAR: read as hemizygous)."
            if "Half call" in n
            else n
            for n in variant.input_notes
        )
        return replace(variant, zygosity=Zygosity.HEMIZYGOUS, input_notes=notes)
    return variant
