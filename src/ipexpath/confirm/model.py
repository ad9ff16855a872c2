"""The variant as ipexpath sees it after reading a VCF record or an HGVS string."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ipexpath.errors import InputError
from ipexpath.types import Zygosity

__all__ = [
    "NULL_CONSEQUENCES",
    "Consequence",
    "PopulationData",
    "Variant",
    "Zygosity",
    "consequence_from_terms",
]


class Consequence(StrEnum):
    """Variant consequences used by the criteria (Sequence Ontology terms)."""

    STOP_GAINED = "stop_gained"
    FRAMESHIFT = "frameshift_variant"
    SPLICE_DONOR = "splice_donor_variant"
    SPLICE_ACCEPTOR = "splice_acceptor_variant"
    START_LOST = "start_lost"
    STOP_LOST = "stop_lost"
    INFRAME_DELETION = "inframe_deletion"
    INFRAME_INSERTION = "inframe_insertion"
    MISSENSE = "missense_variant"
    SYNONYMOUS = "synonymous_variant"
    SPLICE_REGION = "splice_region_variant"
    INTRON = "intron_variant"
    UTR5 = "5_prime_UTR_variant"
    UTR3 = "3_prime_UTR_variant"
    UPSTREAM = "upstream_gene_variant"
    DOWNSTREAM = "downstream_gene_variant"
    CODING_UNKNOWN = "coding_sequence_variant"
    OTHER = "other"

    @property
    def is_null(self) -> bool:
        return self in NULL_CONSEQUENCES

    @property
    def is_inframe_length_change(self) -> bool:
        return self in (Consequence.INFRAME_DELETION, Consequence.INFRAME_INSERTION, Consequence.STOP_LOST)


NULL_CONSEQUENCES = frozenset(
    {
        Consequence.STOP_GAINED,
        Consequence.FRAMESHIFT,
        Consequence.SPLICE_DONOR,
        Consequence.SPLICE_ACCEPTOR,
        Consequence.START_LOST,
    }
)

# Severity order used to pick the most severe term when an annotation lists several (VEP-like order).
SEVERITY = [
    Consequence.STOP_GAINED,
    Consequence.FRAMESHIFT,
    Consequence.SPLICE_ACCEPTOR,
    Consequence.SPLICE_DONOR,
    Consequence.STOP_LOST,
    Consequence.START_LOST,
    Consequence.INFRAME_INSERTION,
    Consequence.INFRAME_DELETION,
    Consequence.MISSENSE,
    Consequence.SPLICE_REGION,
    Consequence.SYNONYMOUS,
    Consequence.CODING_UNKNOWN,
    Consequence.UTR5,
    Consequence.UTR3,
    Consequence.INTRON,
    Consequence.UPSTREAM,
    Consequence.DOWNSTREAM,
    Consequence.OTHER,
]

_SO_ALIASES = {
    # SnpEff and bcftools csq spellings -> SO terms
    "stop_gained": Consequence.STOP_GAINED,
    "stop_gain": Consequence.STOP_GAINED,
    "nonsense": Consequence.STOP_GAINED,
    "frameshift_variant": Consequence.FRAMESHIFT,
    "frameshift": Consequence.FRAMESHIFT,
    "splice_donor_variant": Consequence.SPLICE_DONOR,
    "splice_donor": Consequence.SPLICE_DONOR,
    "splice_acceptor_variant": Consequence.SPLICE_ACCEPTOR,
    "splice_acceptor": Consequence.SPLICE_ACCEPTOR,
    "start_lost": Consequence.START_LOST,
    "initiator_codon_variant": Consequence.START_LOST,
    "stop_lost": Consequence.STOP_LOST,
    "inframe_deletion": Consequence.INFRAME_DELETION,
    "disruptive_inframe_deletion": Consequence.INFRAME_DELETION,
    "conservative_inframe_deletion": Consequence.INFRAME_DELETION,
    "inframe_insertion": Consequence.INFRAME_INSERTION,
    "disruptive_inframe_insertion": Consequence.INFRAME_INSERTION,
    "conservative_inframe_insertion": Consequence.INFRAME_INSERTION,
    "inframe_altering": Consequence.INFRAME_DELETION,
    "missense_variant": Consequence.MISSENSE,
    "missense": Consequence.MISSENSE,
    "synonymous_variant": Consequence.SYNONYMOUS,
    "synonymous": Consequence.SYNONYMOUS,
    "stop_retained_variant": Consequence.SYNONYMOUS,
    "splice_region_variant": Consequence.SPLICE_REGION,
    "splice_region": Consequence.SPLICE_REGION,
    "intron_variant": Consequence.INTRON,
    "intron": Consequence.INTRON,
    "5_prime_utr_variant": Consequence.UTR5,
    "5_prime_utr": Consequence.UTR5,
    "3_prime_utr_variant": Consequence.UTR3,
    "3_prime_utr": Consequence.UTR3,
    "upstream_gene_variant": Consequence.UPSTREAM,
    "downstream_gene_variant": Consequence.DOWNSTREAM,
    "coding_sequence_variant": Consequence.CODING_UNKNOWN,
}


def consequence_from_terms(terms: str) -> Consequence:
    """The most severe consequence from '&'- or ','-joined terms, e.g.
    'missense_variant&splice_region_variant'."""
    found: list[Consequence] = []
    for raw in terms.replace(",", "&").split("&"):
        term = raw.strip().lstrip("*").lower()
        if term in _SO_ALIASES:
            found.append(_SO_ALIASES[term])
    if not found:
        return Consequence.OTHER
    return min(found, key=SEVERITY.index)


@dataclass(frozen=True)
class PopulationData:
    """Population frequency and in-silico scores, when the annotation provides them.

    Values are checked on construction (issue 18 item 10): a frequency or score that is NaN, infinite,
    negative or above 1 (REVEL, SpliceAI), or a count that is negative or larger than its allele number, is
    refused with a clear error (exit 2) instead of being counted as rare or common.
    """

    af: float | None = None  # highest available population AF (popmax/max_af if given)
    af_source: str | None = None
    af_checked: bool = False  # the source had a population-AF field (empty value = absent from the database)
    hemizygotes: int | None = None
    revel: float | None = None
    cadd_phred: float | None = None
    spliceai: float | None = None  # maximum delta score
    ac: int | None = None  # allele count in the population database (gnomAD), when given
    an: int | None = None  # allele number
    faf95: float | None = None  # gnomAD's own filtering allele frequency, when given
    qc_failed: bool = False  # the site failed the population database's QC (its frequency is not used)

    def __post_init__(self) -> None:
        for name in ("af", "revel", "spliceai", "faf95"):
            _check_fraction(name, getattr(self, name))
        if self.cadd_phred is not None and (not math.isfinite(self.cadd_phred) or self.cadd_phred < 0):
            raise InputError(f"The CADD score {self.cadd_phred} is not a finite, non-negative number.")
        for name in ("ac", "an", "hemizygotes"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise InputError(f"The population {name.upper()} '{value}' is not a whole number >= 0.")
        if self.ac is not None and self.an is not None and self.ac > self.an:
            raise InputError(f"The allele count {self.ac} is larger than the allele number {self.an}.")

    def to_dict(self) -> dict[str, Any]:
        return {
            "af": self.af,
            "af_source": self.af_source,
            "af_checked": self.af_checked,
            "hemizygotes": self.hemizygotes,
            "revel": self.revel,
            "cadd_phred": self.cadd_phred,
            "spliceai": self.spliceai,
            "ac": self.ac,
            "an": self.an,
            "faf95": self.faf95,
            "qc_failed": self.qc_failed,
        }


def _check_fraction(name: str, value: float | None) -> None:
    labels = {"af": "allele frequency", "faf95": "filtering allele frequency", "revel": "REVEL score",
              "spliceai": "SpliceAI score"}  # fmt: skip
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(
            f"The {labels[name]} '{value}' is not a number.", "Give a value between 0 and 1 (0 = absent)."
        )
    if value < 0 or value > 1:
        raise InputError(
            f"The {labels[name]} {value:g} is outside 0-1.", "Give a value between 0 and 1 (0 = absent)."
        )


@dataclass(frozen=True)
class Variant:
    """One variant in one gene of the panel, with what is known about it."""

    gene: str
    transcript: str | None
    hgvs_c: str | None
    hgvs_p: str | None
    consequence: Consequence
    zygosity: Zygosity = Zygosity.UNKNOWN
    chrom: str | None = None
    pos: int | None = None
    ref: str | None = None
    alt: str | None = None
    build: str | None = None
    exon: str | None = None  # "11/12"
    population: PopulationData = field(default_factory=PopulationData)
    sample: str | None = None
    in_par: bool = False
    family_genotypes: dict[str, Zygosity] = field(default_factory=dict)
    source: str = "vcf"  # "vcf" or "hgvs"
    annotation_source: str | None = None  # "VEP CSQ", "SnpEff ANN", "bcftools BCSQ", "HGVS"
    depth: int | None = None  # FORMAT/DP of the patient's call (read depth), when the VCF has it
    genotype_quality: int | None = None  # FORMAT/GQ of the patient's call, when the VCF has it
    call_filter: str | None = None  # the VCF FILTER of the record when it is not PASS or '.'
    # what the reader found doubtful about the input, as sentences shown first on the variant: VCF call
    # quality (failed FILTER, half call, no GT), an HGVS transcript version other than the panel's
    input_notes: tuple[str, ...] = ()

    @property
    def codon(self) -> int | None:
        from ipexpath.confirm.hgvs_input import codon_of

        return codon_of(self.hgvs_p, self.hgvs_c)

    @property
    def label(self) -> str:
        parts = [self.gene]
        if self.hgvs_c:
            parts.append(f"{self.transcript}:{self.hgvs_c}" if self.transcript else self.hgvs_c)
        if self.hgvs_p:
            parts.append(f"({self.hgvs_p})")
        if not self.hgvs_c and self.chrom:
            parts.append(f"{self.chrom}:{self.pos} {self.ref}>{self.alt}")
        return " ".join(parts)

    def location(self) -> dict[str, Any] | None:
        if self.chrom is None:
            return None
        return {"build": self.build, "chrom": self.chrom, "pos": self.pos, "ref": self.ref, "alt": self.alt}
