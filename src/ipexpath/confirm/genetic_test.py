"""What the genetic test covered: the genes it looked at, its method and its sensitivity.

A gene absent from a VCF is not "tested and negative": it may simply not have been sequenced. Nor does a
call prove that a gene was covered: a VCF lists differences from the reference, so one call (a benign
intronic change, an off-target read) shows that one position was read, not that every coding exon of the
gene was. So a disease is lowered by a negative genetic result only when its gene is **stated** to be
covered by the test (`--covered GENES|BED`, the case form's `covered:` field, the web form's coverage
field) and no reportable (pathogenic, likely pathogenic or uncertain) variant was found there. The
likelihood ratio of that negative result is
P(no reportable variant found | the gene causes the disease) / P(no reportable variant found | it does not)
= (1 − sensitivity) / 1. **Without a statement of coverage no gene counts as tested negative** and no
disease is lowered for the absence of a variant; every output says so (`GeneticTest.describe`,
`GeneticTest.headline`, JSON `coverage_rule`). Why not infer coverage from the calls: even a clinical exome
whose coverage is known in general can miss clinically relevant positions — Park et al. 2015, Clin Chem
61:213 (PMID 25414276; abstract read): the clinical exome had inadequate coverage for more than half of the
HGMD variant positions in 7 of the 56 ACMG genes, and "inadequate depth of coverage may contribute to
false-negative clinical exome results". Variants that were found (P, LP, VUS) are used whether or not
their gene's coverage was stated.

Sensitivity of sequencing (DEFAULT_SENSITIVITY): 0.95 is an **assumption**, not a measured FOXP3 figure —
none was found in the project's stored sources (GeneReviews NBK1118 and the reference notes give no
analytic sensitivity). It stands for what short-read sequencing of the coding exons misses: large
deletions and deep intronic or regulatory variants, such as the noncoding FOXP3 deletion reported by
Torgerson et al. 2007, Gastroenterology 132:1705 (PMID 17484868). Give the laboratory's own figure with
`--test-sensitivity`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from ipexpath.confirm.panel import Panel, normalize_chrom
from ipexpath.errors import InputError

DEFAULT_SENSITIVITY = 0.95
DEFAULT_SENSITIVITY_SOURCE = (
    "assumption (no FOXP3-specific analytic sensitivity found): sequencing misses large deletions and deep "
    "intronic/regulatory variants (e.g. the noncoding FOXP3 deletion of Torgerson et al. 2007, PMID 17484868)"
)
MAX_BED_LINES = 1_000_000


@dataclass(frozen=True)
class BedRegion:
    """One region of a BED file (0-based start, end exclusive, as BED defines it)."""

    chrom: str
    start: int
    end: int


@dataclass(frozen=True)
class GeneticTest:
    """The genetic test behind the variant calls: which panel genes it covered, how, and how sensitive it is.

    `covered` is None when the user did not say what the test covered (then no gene counts as tested
    negative); `called` are the panel genes with at least one call in the VCF (shown, never taken as
    coverage).
    """

    method: str
    covered: frozenset[str] | None
    called: frozenset[str]
    sensitivity: float = DEFAULT_SENSITIVITY
    sensitivity_source: str = DEFAULT_SENSITIVITY_SOURCE
    coverage_source: str = "not stated"

    def __post_init__(self) -> None:
        if not (0.0 < self.sensitivity < 1.0) or not math.isfinite(self.sensitivity):
            raise InputError(
                f"The test sensitivity {self.sensitivity!r} must be above 0 and below 1.",
                "Give the laboratory's sensitivity as a fraction, e.g. 0.95.",
            )

    @property
    def coverage_known(self) -> bool:
        """The user stated what the test covered."""
        return self.covered is not None

    def covers(self, gene: str) -> bool:
        """Whether a negative result in `gene` counts: only when the stated coverage names the gene."""
        return self.covered is not None and gene.upper() in self.covered

    def not_tested(self, panel: Panel) -> tuple[str, ...]:
        """Panel genes the test is not known to have looked at (their diseases keep likelihood ratio 1).

        Stated coverage: the panel genes outside it. Coverage not stated: the panel genes without any call
        (genes with calls were read at least in part; `describe` says their coverage is unknown).
        """
        if self.covered is not None:
            return tuple(g.symbol for g in panel.genes if g.symbol not in self.covered)
        return tuple(g.symbol for g in panel.genes if g.symbol not in self.called)

    @property
    def log10_lr_negative(self) -> float:
        """log10 of (1 − sensitivity): the likelihood ratio of 'no reportable variant' in a covered gene."""
        return math.log10(1.0 - self.sensitivity)

    @property
    def coverage_rule(self) -> str:
        """Which genes count as tested negative, and why (one sentence for every output)."""
        if self.covered is None:
            called = ", ".join(sorted(self.called)) or "none"
            return (
                "Coverage of the test was not stated (no gene list, BED file or panel given), so no gene is "
                "counted as tested negative and no disease is lowered because a variant was not found. Genes "
                f"with calls in the VCF ({called}) are not assumed to be covered either: a call shows that "
                "one position was read, not that the gene's coding exons were (a benign or intronic call "
                "says nothing about the rest of the gene). State what the test covered (gene symbols or a "
                "BED file) to count negative results."
            )
        covered = ", ".join(sorted(self.covered)) or "none"
        return (
            f"Genes covered ({self.coverage_source}): {covered}. Only these genes count as tested negative "
            "when no reportable variant was found in them; a call in another gene does not make it covered."
        )

    def headline(self) -> str:
        """One terminal line: what was assumed covered."""
        if self.covered is None:
            called = ", ".join(sorted(self.called)) or "none"
            return (
                "Test coverage: not stated — no gene counted as tested negative, no disease lowered for a "
                f"variant not found (genes with calls, not assumed covered: {called})."
            )
        covered = ", ".join(sorted(self.covered)) or "none"
        return (
            f"Test coverage ({self.coverage_source}): {covered} — a covered "
            f"gene without a reportable variant lowers its disease (sensitivity {self.sensitivity:g})."
        )

    def describe(self) -> str:
        """The report's paragraph: what was covered, what that means and how sure a negative result is."""
        if self.covered is None:
            return f"{self.coverage_rule} Method: {self.method}."
        return (
            f"{self.coverage_rule} Method: {self.method}. A covered gene without a reportable variant lowers "
            f"its disease by a likelihood ratio of {1.0 - self.sensitivity:.2g} (sensitivity "
            f"{self.sensitivity:g}; {self.sensitivity_source})."
        )

    def to_dict(self) -> dict[str, object]:
        """JSON form (`counted_as_tested`: the genes whose negative result lowers their disease)."""
        return {
            "method": self.method,
            "coverage_known": self.coverage_known,
            "covered": None if self.covered is None else sorted(self.covered),
            "counted_as_tested": [] if self.covered is None else sorted(self.covered),
            "called": sorted(self.called),
            "coverage_source": self.coverage_source,
            "coverage_rule": self.coverage_rule,
            "headline": self.headline(),
            "sensitivity": self.sensitivity,
            "sensitivity_source": self.sensitivity_source,
            "summary": self.describe(),
        }


def read_covered(value: str | Path | None, panel: Panel, build: str = "GRCh38") -> tuple[frozenset[str], str]:
    """`--covered`: comma-separated gene symbols, or a BED file of regions → the covered panel genes.

    Symbols that are not panel genes are refused (a typo would otherwise silently mean 'not covered'). A BED
    file covers a gene when its regions contain **every coding base** of the gene's MANE Select transcript
    on `build` (`bed_coverage`); a gene only partly covered is not counted, and the source says so.
    """
    if value is None:
        raise InputError("No coverage given.", "Give gene symbols (FOXP3,IL2RA) or a BED file.")
    text = str(value).strip()
    path = Path(text)
    if text.lower().endswith((".bed", ".bed.gz")) or (path.suffix and path.is_file()):
        regions = read_bed(path)
        genes, partly = bed_coverage(regions, panel, build)
        source = (
            f"BED file {path.name}, {len(regions)} regions, {build}; a gene counts when all its coding "
            "exons are in it"
        )
        if partly:
            source += "; partly covered, not counted: " + ", ".join(partly)
        return genes, source
    symbols = [s.strip() for s in text.replace(";", ",").split(",") if s.strip()]
    unknown = [s for s in symbols if panel.gene(s) is None]
    if unknown or not symbols:
        raise InputError(
            f"--covered names {', '.join(unknown) or 'no gene'}, which "
            f"{'is' if len(unknown) == 1 else 'are'} not on the ipexpath panel.",
            f"Use panel gene symbols ({', '.join(g.symbol for g in panel.genes)}) or a BED file.",
        )
    genes = frozenset(g.symbol for s in symbols if (g := panel.gene(s)) is not None)
    return genes, "stated gene list"


def bed_coverage(
    regions: tuple[BedRegion, ...], panel: Panel, build: str
) -> tuple[frozenset[str], tuple[str, ...]]:
    """The panel genes whose coding exons all lie in the BED regions, and the partly covered ones described.

    A panel gene without a bundled transcript structure falls back to its gene range (any overlap)."""
    from ipexpath.confirm.transcripts import load_transcripts

    structures = load_transcripts()
    by_chrom: dict[str, list[tuple[int, int]]] = {}
    for r in regions:  # BED is 0-based, end exclusive → 1-based inclusive [start + 1, end]
        by_chrom.setdefault(normalize_chrom(r.chrom), []).append((r.start + 1, r.end))
    merged = {chrom: _merge(spans) for chrom, spans in by_chrom.items()}
    covered: set[str] = set()
    partly: list[str] = []
    for gene in panel.genes:
        model = structures.for_gene(gene.symbol, build)
        if model is None:
            reg = gene.regions.get(build)
            if reg is not None and any(a <= reg.end and b >= reg.start for a, b in merged.get(reg.chrom, [])):
                covered.add(gene.symbol)
            continue
        spans = merged.get(normalize_chrom(model.chrom), [])
        exons = model.coding_intervals()
        inside = sum(1 for a, b in exons if any(x <= a and b <= y for x, y in spans))
        touched = sum(1 for a, b in exons if any(x <= b and y >= a for x, y in spans))
        if exons and inside == len(exons):
            covered.add(gene.symbol)
        elif touched:
            partly.append(f"{gene.symbol} ({inside} of {len(exons)} coding exons fully in the BED)")
    return frozenset(covered), tuple(partly)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or adjacent 1-based inclusive intervals joined."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def read_bed(path: Path) -> tuple[BedRegion, ...]:
    """The regions of a BED file (chrom, start, end; header, track and comment lines skipped)."""
    from ipexpath.files import read_text

    regions: list[BedRegion] = []
    for lineno, line in enumerate(read_text(path, "BED file").splitlines(), start=1):
        if not line.strip() or line.startswith(("#", "track", "browser")):
            continue
        cols = line.split("\t") if "\t" in line else line.split()
        try:
            start, end = int(cols[1]), int(cols[2])
        except (IndexError, ValueError):
            raise InputError(
                f"{path.name}, line {lineno}: a BED line needs chrom, start and end (whole numbers).",
                "Give a BED file of the regions the test covered, or gene symbols.",
            ) from None
        if start < 0 or end <= start:
            raise InputError(f"{path.name}, line {lineno}: region {start}-{end} is empty or negative.")
        regions.append(BedRegion(cols[0], start, end))
        if len(regions) > MAX_BED_LINES:
            raise InputError(f"{path.name} has more than {MAX_BED_LINES:,} regions.")
    if not regions:
        raise InputError(f"The BED file {path.name} has no region.", "Give the regions the test covered.")
    return tuple(regions)
