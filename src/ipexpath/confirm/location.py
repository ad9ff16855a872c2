"""Where a variant lies on its MANE Select transcript: c. span, exon or intron, genomic position.

Why: PVS1, PM4 and the bounds checks must give the same answer whether the variant came as HGVS or as a
VCF record; both are placed on the same bundled transcript structure (confirm/transcripts.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ipexpath.confirm.model import Variant
from ipexpath.confirm.transcripts import CPosition, Region, TranscriptModel, load_transcripts


@dataclass(frozen=True)
class VariantLocation:
    """The variant on one transcript model."""

    model: TranscriptModel
    start: CPosition
    end: CPosition

    @property
    def exon_number(self) -> int | None:
        """Exon of the start position (None when intronic)."""
        if self.start.offset:
            return None
        return self.model.exon_of(self.start).number

    @property
    def exon_label(self) -> str:
        """'exon 11/12' or 'intron 1/11' (for a splice-site variant, the intron next to the anchor exon)."""
        total = self.model.exon_count
        exon = self.model.exon_of(self.start)
        if not self.start.offset:
            return f"exon {exon.number}/{total}"
        intron = exon.number if self.start.offset > 0 else exon.number - 1
        return f"intron {intron}/{total - 1}"

    @property
    def anchor_exon(self) -> int:
        """Exon whose boundary the start position is anchored to (the exon itself when exonic)."""
        return self.model.exon_of(self.start).number

    @property
    def in_coding_exon(self) -> bool:
        """The anchor exon carries coding sequence."""
        return self.model.coding_codons(self.model.exon_of(self.start)) is not None


@lru_cache(maxsize=1)
def _parser() -> Any:
    import hgvs.parser

    return hgvs.parser.Parser()


def c_position(pos: Any) -> CPosition:
    """A `hgvs` BaseOffsetPosition -> CPosition."""
    datum = str(pos.datum)
    offset = int(pos.offset or 0)
    if datum.endswith("CDS_END"):
        return CPosition(Region.UTR3, int(pos.base), offset)
    if int(pos.base) < 0:
        return CPosition(Region.UTR5, -int(pos.base), offset)
    return CPosition(Region.CDS, int(pos.base), offset)


def parse_c_span(hgvs_c: str) -> tuple[CPosition, CPosition] | None:
    """'c.751_753del' -> (c.751, c.753); None when it does not parse."""
    try:
        posedit = _parser().parse_c_posedit(hgvs_c.removeprefix("c."))
    except Exception:
        return None
    if posedit.pos is None:
        return None
    start = c_position(posedit.pos.start)
    end = c_position(posedit.pos.end) if posedit.pos.end is not None else start
    return start, end


def locate(variant: Variant) -> VariantLocation | None:
    """Place the variant on its MANE transcript (from its c. change, else from its genomic position)."""
    structures = load_transcripts()
    build = variant.build or "GRCh38"
    model = structures.get(variant.transcript, build) if variant.transcript else None
    model = model or structures.for_gene(variant.gene, build)
    if model is None:
        return None
    if variant.hgvs_c and (variant.transcript is None or model.accession.split(".")[0] in variant.transcript):
        span = parse_c_span(variant.hgvs_c)
        if span is not None and all(model.in_transcript(c) for c in span):
            return VariantLocation(model, *span)
    if variant.pos is not None and variant.chrom is not None and variant.build:
        length = max(len(variant.ref or "N"), 1)
        first = model.c_of_genomic(variant.pos)
        last = model.c_of_genomic(variant.pos + length - 1)
        if first is None or last is None:
            return None
        start, end = (first, last) if model.strand == "+" else (last, first)
        return VariantLocation(model, start, end)
    return None
