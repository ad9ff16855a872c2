"""Exon/CDS structure of the panel's MANE Select transcripts and c. <-> genome mapping, offline.

Why: PVS1 needs the exon of a variant, the last exon-exon junction (50-nt NMD rule), the frame of an
exon that a canonical splice variant would skip, and a c. position must be refused when it lies outside
the transcript. Data: `confirm/data/transcripts.json`, built by `scripts/build_transcript_structure.py`
from the UCSC ncbiRefSeq tables (GRCh37 and GRCh38) and checked against the NCBI MANE v1.5 summary; the
file records its sources and checksums.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Any

from ipexpath.errors import KnowledgeError

DATA_NAME = "transcripts.json"


class Region(StrEnum):
    """Where a c. position lies relative to the coding sequence."""

    UTR5 = "5_prime_UTR"  # c.-N
    CDS = "CDS"  # c.N
    UTR3 = "3_prime_UTR"  # c.*N


@dataclass(frozen=True, order=True)
class CPosition:
    """One HGVS c. position: region, base and intronic offset (c.-23+1 = UTR5, 23, +1)."""

    region: Region
    base: int  # >= 1; c.-23 has base 23 in UTR5, c.*876 base 876 in UTR3
    offset: int = 0

    def __str__(self) -> str:
        prefix = {Region.UTR5: "-", Region.CDS: "", Region.UTR3: "*"}[self.region]
        tail = f"{self.offset:+d}" if self.offset else ""
        return f"{prefix}{self.base}{tail}"

    @property
    def is_intronic(self) -> bool:
        return self.offset != 0


@dataclass(frozen=True)
class Exon:
    number: int  # 1-based, in transcript order
    start: int  # genomic, 1-based inclusive
    end: int
    n_start: int  # transcript (n.) coordinates, 1-based
    n_end: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1


@dataclass(frozen=True)
class TranscriptModel:
    """One transcript on one build: exons in transcript order, CDS bounds in n. coordinates."""

    accession: str
    gene: str
    build: str
    chrom: str
    strand: str  # "+" or "-"
    exons: tuple[Exon, ...]
    n_cds_start: int  # n. position of c.1
    n_cds_end: int  # n. position of the last base of the stop codon

    @property
    def exon_count(self) -> int:
        return len(self.exons)

    @property
    def length(self) -> int:
        return self.exons[-1].n_end

    @property
    def cds_length(self) -> int:
        """Coding nucleotides including the stop codon."""
        return self.n_cds_end - self.n_cds_start + 1

    @property
    def protein_length(self) -> int:
        return self.cds_length // 3 - 1

    # --- c. <-> n. -------------------------------------------------------------------------------------
    def n_of(self, c: CPosition) -> int:
        """Transcript (n.) position of the exonic anchor of a c. position (offset ignored)."""
        if c.region == Region.CDS:
            return self.n_cds_start + c.base - 1
        if c.region == Region.UTR5:
            return self.n_cds_start - c.base
        return self.n_cds_end + c.base

    def c_of_n(self, n: int, offset: int = 0) -> CPosition:
        if n < self.n_cds_start:
            return CPosition(Region.UTR5, self.n_cds_start - n, offset)
        if n > self.n_cds_end:
            return CPosition(Region.UTR3, n - self.n_cds_end, offset)
        return CPosition(Region.CDS, n - self.n_cds_start + 1, offset)

    def in_transcript(self, c: CPosition) -> bool:
        """The exonic anchor lies on the transcript, and an intronic offset stays inside its intron."""
        n = self.n_of(c)
        if n < 1 or n > self.length:
            return False
        if c.offset == 0:
            return True
        exon = self.exon_at_n(n)
        if c.offset > 0:
            if n != exon.n_end or exon.number == self.exon_count:
                return False
            return c.offset <= self.intron_length(exon.number)
        if n != exon.n_start or exon.number == 1:
            return False
        return -c.offset <= self.intron_length(exon.number - 1)

    def intron_length(self, number: int) -> int:
        """Length of intron `number` (between exon number and number + 1)."""
        a, b = self.exons[number - 1], self.exons[number]
        return (b.start - a.end - 1) if self.strand == "+" else (a.start - b.end - 1)

    def exon_at_n(self, n: int) -> Exon:
        for exon in self.exons:
            if exon.n_start <= n <= exon.n_end:
                return exon
        raise ValueError(f"n.{n} is outside {self.accession}")

    # --- c. <-> genome ---------------------------------------------------------------------------------
    def genomic(self, c: CPosition) -> int:
        """Genomic position (1-based) of a c. position on this build."""
        exon = self.exon_at_n(self.n_of(c))
        n = self.n_of(c)
        if self.strand == "+":
            return exon.start + (n - exon.n_start) + c.offset
        return exon.end - (n - exon.n_start) - c.offset

    def c_of_genomic(self, pos: int) -> CPosition | None:
        """The c. position of a genomic position in the transcript span (None outside it)."""
        for exon in self.exons:
            if exon.start <= pos <= exon.end:
                n = exon.n_start + (pos - exon.start if self.strand == "+" else exon.end - pos)
                return self.c_of_n(n)
        for upstream, downstream in zip(self.exons, self.exons[1:], strict=False):
            if self.strand == "+":
                if not upstream.end < pos < downstream.start:
                    continue
                after, before = pos - upstream.end, downstream.start - pos
            else:
                if not downstream.end < pos < upstream.start:
                    continue
                after, before = upstream.start - pos, pos - downstream.end
            # HGVS: the first half of an intron is numbered from the upstream exon (+), the rest (-)
            if after <= before:
                return self.c_of_n(upstream.n_end, after)
            return self.c_of_n(downstream.n_start, -before)
        return None

    # --- structure questions used by PVS1 ----------------------------------------------------------------
    def exon_of(self, c: CPosition) -> Exon:
        return self.exon_at_n(self.n_of(c))

    def last_junction_n(self) -> int | None:
        """n. position of the last base before the 3'-most exon-exon junction (None: one exon)."""
        if self.exon_count < 2:
            return None
        return self.exons[-2].n_end

    def codon_n(self, codon: int) -> int:
        """n. position of the first base of a codon."""
        return self.n_cds_start + 3 * (codon - 1)

    def escapes_nmd(self, codon: int) -> tuple[bool, str]:
        """Whether a premature stop at this codon is predicted to escape NMD (last exon or <= 50 nt 5' of
        the last exon-exon junction; Abou Tayoun et al. 2018, PMID 30192042), with the reason."""
        n = self.codon_n(codon)
        exon = self.exon_at_n(min(n, self.length))
        junction = self.last_junction_n()
        if junction is None:
            return True, f"single-exon transcript {self.accession}"
        if n > junction:
            return True, f"the premature stop lies in the last exon ({exon.number}/{self.exon_count})"
        distance = junction - n + 1
        if distance <= 50:
            return True, (
                f"the premature stop lies {distance} nt 5' of the last exon-exon junction (exon "
                f"{exon.number}/{self.exon_count}; within 50 nt, so NMD is not predicted)"
            )
        return False, (
            f"the premature stop lies in exon {exon.number}/{self.exon_count}, {distance} nt 5' of the last "
            "exon-exon junction (> 50 nt: NMD predicted)"
        )

    def coding_codons(self, exon: Exon) -> tuple[int, int] | None:
        """First and last codon (protein positions) encoded by an exon; None for a non-coding exon."""
        start = max(exon.n_start, self.n_cds_start)
        end = min(exon.n_end, self.n_cds_end)
        if start > end:
            return None
        return (start - self.n_cds_start) // 3 + 1, (end - self.n_cds_start) // 3 + 1

    def coding_length(self, exon: Exon) -> int:
        return max(0, min(exon.n_end, self.n_cds_end) - max(exon.n_start, self.n_cds_start) + 1)

    def coding_intervals(self) -> tuple[tuple[int, int], ...]:
        """Genomic intervals (1-based, inclusive) of the coding part of each coding exon, in exon order.

        Why: a BED file counts a gene as covered only when these are (what a sequencing test must read to
        call a coding or canonical splice variant)."""
        out = []
        for exon in self.exons:
            start, end = max(exon.n_start, self.n_cds_start), min(exon.n_end, self.n_cds_end)
            if start > end:
                continue
            a = self._genomic_of_n(exon, start)
            b = self._genomic_of_n(exon, end)
            out.append((min(a, b), max(a, b)))
        return tuple(out)

    def _genomic_of_n(self, exon: Exon, n: int) -> int:
        return exon.start + (n - exon.n_start) if self.strand == "+" else exon.end - (n - exon.n_start)


@dataclass(frozen=True)
class TranscriptStructures:
    """All bundled transcript models, with the provenance of the file."""

    models: dict[tuple[str, str], TranscriptModel]  # (accession base, build) -> model
    sources: dict[str, str]

    def get(self, accession: str, build: str) -> TranscriptModel | None:
        return self.models.get((accession.split(".")[0], build))

    def for_gene(self, gene: str, build: str) -> TranscriptModel | None:
        for (_, b), model in self.models.items():
            if b == build and model.gene == gene:
                return model
        return None

    @property
    def source_text(self) -> str:
        return "; ".join(self.sources.values())


def _model(accession: str, gene: str, build: str, raw: dict[str, Any]) -> TranscriptModel:
    strand = raw["strand"]
    genomic = sorted((int(s), int(e)) for s, e in raw["exons"])
    ordered = genomic if strand == "+" else list(reversed(genomic))
    exons = []
    n = 0
    for i, (start, end) in enumerate(ordered, start=1):
        exons.append(Exon(i, start, end, n + 1, n + end - start + 1))
        n += end - start + 1
    cds_first = int(raw["cds_start"]) if strand == "+" else int(raw["cds_end"])
    cds_last = int(raw["cds_end"]) if strand == "+" else int(raw["cds_start"])

    def n_at(pos: int) -> int:
        for exon in exons:
            if exon.start <= pos <= exon.end:
                return exon.n_start + (pos - exon.start if strand == "+" else exon.end - pos)
        raise KnowledgeError(f"{accession} ({build}): the CDS bound {pos} is not in an exon.")

    return TranscriptModel(
        accession=accession,
        gene=gene,
        build=build,
        chrom=str(raw["chrom"]),
        strand=strand,
        exons=tuple(exons),
        n_cds_start=n_at(cds_first),
        n_cds_end=n_at(cds_last),
    )


@lru_cache(maxsize=1)
def load_transcripts() -> TranscriptStructures:
    """The bundled transcript structures (read once)."""
    try:
        text = resources.files("ipexpath.confirm").joinpath("data", DATA_NAME).read_text(encoding="utf-8")
        raw = json.loads(text)
        models = {}
        for tx in raw["transcripts"]:
            for build, structure in tx["builds"].items():
                model = _model(tx["accession"], tx["gene"], build, structure)
                models[(tx["accession"].split(".")[0], build)] = model
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KnowledgeError(f"The bundled transcript structure file could not be read: {exc}.") from exc
    return TranscriptStructures(models, dict(raw["sources"]))
