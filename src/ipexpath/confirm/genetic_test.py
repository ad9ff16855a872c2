"""What the genetic test covered: the genes it looked at, its method and its sensitivity.

A gene absent from a VCF is not "tested and negative": it may simply not have been sequenced. So a disease
is lowered by a negative genetic result only when its gene is **covered** by the test (stated with
`--covered GENES|BED`, or the case form's `covered:` field) and no reportable (pathogenic, likely
pathogenic or uncertain) variant was found there. The likelihood ratio of that negative result is
P(no reportable variant found | the gene causes the disease) / P(no reportable variant found | it does not)
= (1 − sensitivity) / 1. Without a statement of coverage, only genes with at least one call in the VCF are
treated as covered, and the report says that coverage is unknown.

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

    `covered` is None when the user did not say what the test covered (then only genes with calls count as
    covered); `called` are the panel genes with at least one call in the VCF.
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
        """Whether a negative result in `gene` counts (stated coverage, else genes with calls only)."""
        symbol = gene.upper()
        if self.covered is not None:
            return symbol in self.covered
        return symbol in self.called

    def not_tested(self, panel: Panel) -> tuple[str, ...]:
        """Panel genes the test did not cover (their diseases keep likelihood ratio 1)."""
        return tuple(g.symbol for g in panel.genes if not self.covers(g.symbol))

    @property
    def log10_lr_negative(self) -> float:
        """log10 of (1 − sensitivity): the likelihood ratio of 'no reportable variant' in a covered gene."""
        return math.log10(1.0 - self.sensitivity)

    def describe(self) -> str:
        """One sentence for the report: what was covered and how sure a negative result is."""
        if self.covered is None:
            what = (
                "Coverage of the test was not stated: only genes with calls in the VCF "
                f"({', '.join(sorted(self.called)) or 'none'}) are treated as tested"
            )
        else:
            what = f"Genes covered ({self.coverage_source}): {', '.join(sorted(self.covered)) or 'none'}"
        return (
            f"{what}. Method: {self.method}. A covered gene without a reportable variant lowers its disease "
            f"by a likelihood ratio of {1.0 - self.sensitivity:.2g} (sensitivity {self.sensitivity:g}; "
            f"{self.sensitivity_source})."
        )

    def to_dict(self) -> dict[str, object]:
        """JSON form."""
        return {
            "method": self.method,
            "coverage_known": self.coverage_known,
            "covered": None if self.covered is None else sorted(self.covered),
            "called": sorted(self.called),
            "coverage_source": self.coverage_source,
            "sensitivity": self.sensitivity,
            "sensitivity_source": self.sensitivity_source,
            "summary": self.describe(),
        }


def read_covered(value: str | Path | None, panel: Panel, build: str = "GRCh38") -> tuple[frozenset[str], str]:
    """`--covered`: comma-separated gene symbols, or a BED file of regions → the covered panel genes.

    Symbols that are not panel genes are refused (a typo would otherwise silently mean 'not covered').
    """
    if value is None:
        raise InputError("No coverage given.", "Give gene symbols (FOXP3,IL2RA) or a BED file.")
    text = str(value).strip()
    path = Path(text)
    if text.lower().endswith((".bed", ".bed.gz")) or (path.suffix and path.is_file()):
        regions = read_bed(path)
        genes = frozenset(
            g.symbol
            for g in panel.genes
            for r in regions
            if (reg := g.regions.get(build)) is not None
            and normalize_chrom(r.chrom) == reg.chrom
            and r.start < reg.end
            and r.end > reg.start - 1
        )
        return genes, f"BED file {path.name}, {len(regions)} regions, {build}"
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
