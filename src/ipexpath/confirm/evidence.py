"""Curated, cited variant evidence (primary observations from published patients) for the panel genes.

Why: automated ACMG/AMP classification without case-level evidence under-calls by design (no PS4, PS3,
PS2/PM6, PP1, BS2). This module loads the curated file `confirm/data/variant_evidence.yaml` into typed,
frozen objects, once, and refuses any row that lacks a source.

Schema (one YAML document; every key below is checked, unknown keys are an error)::

    version: "2026.1"                       # curation version, shown in reports
    curated_on: "2026-11-29"                # date of the last curation pass
    sources:                                # every citation used below, by identifier
      "PMID:30443250": {citation: "Gambineri E et al. 2018, Front Immunol 9:2411", doi: "10.3389/..."}
      "PMID:29241729": {citation: "...", reserved_for_ranking: true}   # optional: a paper issue 13 keeps
                                            #   for the ranking benchmark (its variant data may be used here)
    variants:
      - gene: FOXP3                         # HGNC symbol
        transcript: NM_014009.4             # MANE Select RefSeq transcript the HGVS refers to
        hgvs_c: "c.1150G>A"                 # required; unique per (gene, hgvs_c)
        hgvs_p: "p.Ala384Thr"               # null for non-coding / splice variants with unknown effect
        names: ["A384T"]                    # legacy names used in papers (optional)
        grch38: {chrom: X, pos: 49251480, ref: C, alt: T, source: "ClinVar VCV000011410"}   # optional
        grch37: {...}                       # optional, same form
        probands:                           # unrelated affected probands (one row = one family)
          - patient: "Gambineri2018:fam-A384T"   # patient key, unique within the variant
            families: 1                     # >1 only when a paper reports N families without detail
            zygosity: hemizygous            # confirm.model.Zygosity value (compound_het: heterozygous +
            in_trans_with: null             #   in_trans_with = the other allele's hgvs_c, for AR genes)
            phenotype: "classic IPEX"       # free text, as the paper says
            same_as: []                     # patient keys (any variant) that may be the same person/family
            sources: ["PMID:30443250"]      # >= 1; several when one patient is reported in several papers
            note: "..."
        de_novo:                            # ClinGen SVI de novo (PS2 confirmed / PM6 assumed)
          - {patient: ..., parentage_confirmed: false, both_parents_tested: true, sources: [...], note: ...}
        segregation:                        # PP1 (informative meioses, Jarvik & Browning 2016) / BS4
          - {family: ..., affected_with_variant: 2, informative_meioses: 1, affected_without_variant: 0,
             sources: [...], note: ...}
        functional:                         # PS3/BS3 (Brnich et al. 2020, Genome Med 12:3, PMID 31892348)
          - assay: "IL2 promoter luciferase repression in transfected cells"
            result: damaging                # damaging | no_effect | intermediate | inconclusive
            controls: "wild-type FOXP3 and empty vector; no pathogenic/benign variant controls"
            strength: PS3_Supporting        # what the curator assigns from the OddsPath/control count, or
            oddspath: null                  #   "none" when the assay is not validated enough
            sources: [...]
        carrier_mothers:                    # heterozygous mothers of affected sons (X-linked)
          - {patient: ..., count: 1, sources: [...]}
        unaffected_hemizygotes:             # healthy hemizygous males (BS2 for X-linked genes)
          - {count: 3, adult: true, description: "...", sources: [...]}
        unaffected_carriers:                # healthy carriers of an autosomal variant (BS2 context; for
          - {count: 1, zygosity: heterozygous, adult: true,   #   incompletely penetrant disorders this
             description: "...", sources: [...]}             #   is penetrance data, not BS2)
        clinvar:                            # displayed only, never evidence (PP5/BP6 retired)
          - {variation_id: 11410, classification: "Pathogenic/Likely pathogenic", review_status: "...",
             stars: 2, date: "2026-10-03", retrieved_from: "..."}

Sources are identifiers "PMID:<digits>" or "DOI:10.<...>", and each must be declared under `sources`.
A proband's `same_as` links possible double reports: counts treat linked rows as one family.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ipexpath.confirm.model import Zygosity
from ipexpath.errors import InputError

BUNDLED_NAME = "variant_evidence.yaml"

_SOURCE_ID = re.compile(r"^(PMID:[1-9][0-9]{0,8}|DOI:10\.[0-9]{4,9}/\S+)$")
_HGVS_C = re.compile(r"^c\.[-*]?[0-9]+([-+][0-9]+)?(_[-*]?[0-9]+([-+][0-9]+)?)?[ACGTacgtdelinsup>0-9_]+$")
_HGVS_P = re.compile(r"^p\.(\(?[A-Z][a-z]{2}[0-9]+.*\)?|\?|0|=)$")
_TRANSCRIPT = re.compile(r"^N[MR]_[0-9]+\.[0-9]+$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$")


class EvidenceFileError(InputError):
    """The curated evidence file breaks the schema (a row without a source, a duplicate, a bad field)."""


class FunctionalResult(StrEnum):
    DAMAGING = "damaging"
    NO_EFFECT = "no_effect"
    INTERMEDIATE = "intermediate"
    INCONCLUSIVE = "inconclusive"


class FunctionalStrength(StrEnum):
    """Strength a curator assigns to one assay, per Brnich et al. 2020 (ClinGen SVI PS3/BS3)."""

    PS3_VERY_STRONG = "PS3_VeryStrong"
    PS3 = "PS3"
    PS3_MODERATE = "PS3_Moderate"
    PS3_SUPPORTING = "PS3_Supporting"
    BS3_SUPPORTING = "BS3_Supporting"
    BS3_MODERATE = "BS3_Moderate"
    BS3 = "BS3"
    NONE = "none"


@dataclass(frozen=True)
class Citation:
    id: str  # "PMID:30443250" or "DOI:10.3389/..."
    citation: str
    doi: str | None = None
    note: str | None = None
    reserved_for_ranking: bool = False  # a publication issue 13 keeps for the ranking benchmark

    @property
    def url(self) -> str:
        """A link a reader can follow (PubMed or doi.org)."""
        if self.id.startswith("PMID:"):
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.id[5:]}/"
        return f"https://doi.org/{self.id[4:]}"


@dataclass(frozen=True)
class GenomicAllele:
    build: str
    chrom: str
    pos: int
    ref: str
    alt: str
    source: str


@dataclass(frozen=True)
class ProbandObservation:
    """One unrelated affected proband (or `families` of them, when the paper gives only a count)."""

    patient: str
    sources: tuple[str, ...]
    families: int = 1
    zygosity: Zygosity = Zygosity.UNKNOWN
    in_trans_with: str | None = None
    phenotype: str | None = None
    same_as: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class DeNovoObservation:
    patient: str
    parentage_confirmed: bool
    sources: tuple[str, ...]
    both_parents_tested: bool = True
    note: str | None = None


@dataclass(frozen=True)
class SegregationObservation:
    family: str
    sources: tuple[str, ...]
    affected_with_variant: int = 0  # affected relatives (beyond the proband) carrying the variant
    informative_meioses: int = 0
    affected_without_variant: int = 0  # non-segregation (BS4)
    note: str | None = None


@dataclass(frozen=True)
class FunctionalObservation:
    assay: str
    result: FunctionalResult
    controls: str
    strength: FunctionalStrength
    sources: tuple[str, ...]
    oddspath: float | None = None
    note: str | None = None


@dataclass(frozen=True)
class CarrierMothers:
    patient: str
    sources: tuple[str, ...]
    count: int = 1
    note: str | None = None


@dataclass(frozen=True)
class UnaffectedHemizygotes:
    count: int
    adult: bool
    description: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class UnaffectedCarriers:
    """Healthy carriers of an autosomal variant, with their zygosity (heterozygous or homozygous)."""

    count: int
    zygosity: Zygosity
    adult: bool
    description: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ClinvarAssertion:
    """A ClinVar aggregate record, shown for context; never counted as evidence (PP5/BP6 retired)."""

    variation_id: int
    classification: str
    review_status: str
    stars: int
    date: str  # date the record was read (or last evaluated, as `retrieved_from` says)
    retrieved_from: str

    @property
    def accession(self) -> str:
        return f"VCV{self.variation_id:09d}"

    @property
    def url(self) -> str:
        return f"https://www.ncbi.nlm.nih.gov/clinvar/variation/{self.variation_id}/"


@dataclass(frozen=True)
class VariantEvidence:
    gene: str
    transcript: str
    hgvs_c: str
    hgvs_p: str | None
    names: tuple[str, ...] = ()
    grch38: GenomicAllele | None = None
    grch37: GenomicAllele | None = None
    probands: tuple[ProbandObservation, ...] = ()
    de_novo: tuple[DeNovoObservation, ...] = ()
    segregation: tuple[SegregationObservation, ...] = ()
    functional: tuple[FunctionalObservation, ...] = ()
    carrier_mothers: tuple[CarrierMothers, ...] = ()
    unaffected_hemizygotes: tuple[UnaffectedHemizygotes, ...] = ()
    unaffected_carriers: tuple[UnaffectedCarriers, ...] = ()
    clinvar: tuple[ClinvarAssertion, ...] = ()
    note: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.gene, self.hgvs_c)

    def unrelated_probands(self) -> int:
        """Unrelated affected families, counting rows linked by `same_as` once (the largest of them)."""
        return sum(max(p.families for p in group) for group in _linked_groups(self.probands))

    def informative_meioses(self) -> int:
        return sum(s.informative_meioses for s in self.segregation)

    def sources(self) -> tuple[str, ...]:
        """Every source cited by this variant's observations, in first-seen order."""
        seen: dict[str, None] = {}
        for group in (
            self.probands,
            self.de_novo,
            self.segregation,
            self.functional,
            self.carrier_mothers,
            self.unaffected_hemizygotes,
            self.unaffected_carriers,
        ):
            for obs in group:
                for source in obs.sources:
                    seen.setdefault(source, None)
        return tuple(seen)


@dataclass(frozen=True)
class EvidenceSet:
    version: str
    curated_on: str
    citations: Mapping[str, Citation]
    variants: tuple[VariantEvidence, ...]
    path: str

    def reserved_sources(self, variant: VariantEvidence) -> tuple[str, ...]:
        """The variant's sources that issue 13 reserves for the ranking benchmark (overlap to report)."""
        return tuple(s for s in variant.sources() if self.citations[s].reserved_for_ranking)

    def for_gene(self, gene: str) -> tuple[VariantEvidence, ...]:
        return tuple(v for v in self.variants if v.gene == gene)

    def find(self, gene: str, hgvs_c: str) -> VariantEvidence | None:
        """The curated entry for this exact c. change (spelling as in the file; callers normalise)."""
        for variant in self.variants:
            if variant.gene == gene and (variant.hgvs_c == hgvs_c or hgvs_c in variant.names):
                return variant
        return None

    def at(self, build: str, chrom: str, pos: int, ref: str, alt: str) -> VariantEvidence | None:
        """The curated entry at this genomic allele, when its coordinates are curated."""
        chrom = chrom.removeprefix("chr")
        for variant in self.variants:
            allele = variant.grch38 if build == "GRCh38" else variant.grch37 if build == "GRCh37" else None
            if allele and (allele.chrom, allele.pos, allele.ref, allele.alt) == (chrom, pos, ref, alt):
                return variant
        return None


def _linked_groups(probands: Iterable[ProbandObservation]) -> list[list[ProbandObservation]]:
    """Rows connected through `same_as` (either direction) form one group."""
    rows = list(probands)
    by_key = {p.patient: i for i, p in enumerate(rows)}
    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, row in enumerate(rows):
        for other in row.same_as:
            j = by_key.get(other)
            if j is not None:
                parent[root(i)] = root(j)
    groups: dict[int, list[ProbandObservation]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(root(i), []).append(row)
    return list(groups.values())


class _Reader:
    """Strict field reader that names the file, the variant and the field in every error."""

    def __init__(self, path: str, citations: Mapping[str, Citation]) -> None:
        self.path = path
        self.citations = citations

    def fail(self, where: str, problem: str) -> EvidenceFileError:
        return EvidenceFileError(
            f"The variant evidence file '{self.path}' is not valid: {where}: {problem}.",
            "Fix that row; every observation needs a source (PMID:<number> or DOI:10.<...>) declared "
            "under 'sources' (schema: docs/variant-evidence.md).",
        )

    def mapping(self, raw: Any, where: str, allowed: set[str], required: set[str]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.fail(where, f"expected a mapping, found {type(raw).__name__}")
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise self.fail(where, f"unknown field(s) {', '.join(map(str, unknown))}")
        missing = sorted(k for k in required if raw.get(k) in (None, "", [], ()))
        if missing:
            raise self.fail(where, f"missing {', '.join(missing)}")
        return raw

    def text(self, raw: dict[str, Any], key: str, where: str, optional: bool = False) -> str | None:
        value = raw.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"'{key}' must be non-empty text")
        return value.strip()

    def count(self, raw: dict[str, Any], key: str, where: str, default: int, minimum: int = 0) -> int:
        value = raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(where, f"'{key}' must be a whole number >= {minimum}, found {value!r}")
        return value

    def flag(self, raw: dict[str, Any], key: str, where: str, default: bool | None = None) -> bool:
        value = raw.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(where, f"'{key}' must be true or false")
        return value

    def texts(self, raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(where, f"'{key}' must be a list of text")
        return tuple(v.strip() for v in value)

    def sources(self, raw: dict[str, Any], where: str) -> tuple[str, ...]:
        value = raw.get("sources")
        if not value:
            raise self.fail(where, "no source (every observation needs at least one PMID or DOI)")
        if not isinstance(value, list):
            raise self.fail(where, "'sources' must be a list")
        for source in value:
            if not isinstance(source, str) or not _SOURCE_ID.match(source):
                raise self.fail(where, f"source {source!r} is not PMID:<number> or DOI:10.<...>")
            if source not in self.citations:
                raise self.fail(where, f"source {source} is not declared under 'sources'")
        if len(set(value)) != len(value):
            raise self.fail(where, "a source is listed twice")
        return tuple(value)

    def allele(self, raw: Any, build: str, where: str) -> GenomicAllele | None:
        if raw is None:
            return None
        raw = self.mapping(
            raw, where, {"chrom", "pos", "ref", "alt", "source"}, {"chrom", "pos", "ref", "alt"}
        )
        chrom = str(raw["chrom"]).removeprefix("chr")
        ref, alt = str(raw["ref"]).upper(), str(raw["alt"]).upper()
        if not re.fullmatch(r"[ACGTN]+", ref) or not re.fullmatch(r"[ACGTN]+", alt):
            raise self.fail(where, f"ref/alt must be DNA letters, found {ref!r}/{alt!r}")
        pos = self.count(raw, "pos", where, 0, minimum=1)
        source = self.text(raw, "source", where, optional=True) or "not stated"
        return GenomicAllele(build, chrom, pos, ref, alt, source)


_PROBAND_KEYS = {
    "patient",
    "families",
    "zygosity",
    "in_trans_with",
    "phenotype",
    "same_as",
    "sources",
    "note",
}
_VARIANT_KEYS = {
    "gene",
    "transcript",
    "hgvs_c",
    "hgvs_p",
    "names",
    "grch38",
    "grch37",
    "probands",
    "de_novo",
    "segregation",
    "functional",
    "carrier_mothers",
    "unaffected_hemizygotes",
    "unaffected_carriers",
    "clinvar",
    "note",
}


def _rows(reader: _Reader, raw: dict[str, Any], key: str, where: str) -> list[Any]:
    value = raw.get(key) or []
    if not isinstance(value, list):
        raise reader.fail(where, f"'{key}' must be a list")
    return value


def _variant(reader: _Reader, raw: Any, index: int) -> VariantEvidence:
    where = f"variant #{index + 1}"
    raw = reader.mapping(raw, where, _VARIANT_KEYS, {"gene", "transcript", "hgvs_c"})
    gene = reader.text(raw, "gene", where) or ""
    hgvs_c = reader.text(raw, "hgvs_c", where) or ""
    where = f"variant #{index + 1} ({gene} {hgvs_c})"
    if not _HGVS_C.match(hgvs_c):
        raise reader.fail(where, f"hgvs_c {hgvs_c!r} is not a c. change")
    transcript = reader.text(raw, "transcript", where) or ""
    if not _TRANSCRIPT.match(transcript):
        raise reader.fail(where, f"transcript {transcript!r} is not a versioned RefSeq accession")
    hgvs_p = reader.text(raw, "hgvs_p", where, optional=True)
    if hgvs_p is not None and not _HGVS_P.match(hgvs_p):
        raise reader.fail(where, f"hgvs_p {hgvs_p!r} is not a p. change in three-letter code")

    probands = []
    for i, row in enumerate(_rows(reader, raw, "probands", where)):
        at = f"{where}, proband #{i + 1}"
        row = reader.mapping(row, at, _PROBAND_KEYS, {"patient"})
        zygosity_text = str(row.get("zygosity") or "unknown")
        try:
            zygosity = Zygosity(zygosity_text)
        except ValueError:
            allowed = [z.value for z in Zygosity]
            raise reader.fail(at, f"zygosity {zygosity_text!r} is not one of {allowed}") from None
        probands.append(
            ProbandObservation(
                patient=reader.text(row, "patient", at) or "",
                sources=reader.sources(row, at),
                families=reader.count(row, "families", at, 1, minimum=1),
                zygosity=zygosity,
                in_trans_with=reader.text(row, "in_trans_with", at, optional=True),
                phenotype=reader.text(row, "phenotype", at, optional=True),
                same_as=reader.texts(row, "same_as", at),
                note=reader.text(row, "note", at, optional=True),
            )
        )
    keys = [p.patient for p in probands]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        listed = ", ".join(duplicates)
        raise reader.fail(where, f"patient key(s) {listed} listed twice (count a patient once)")

    de_novo = []
    for i, row in enumerate(_rows(reader, raw, "de_novo", where)):
        at = f"{where}, de novo #{i + 1}"
        row = reader.mapping(
            row, at, {"patient", "parentage_confirmed", "both_parents_tested", "sources", "note"}, {"patient"}
        )
        de_novo.append(
            DeNovoObservation(
                patient=reader.text(row, "patient", at) or "",
                parentage_confirmed=reader.flag(row, "parentage_confirmed", at),
                sources=reader.sources(row, at),
                both_parents_tested=reader.flag(row, "both_parents_tested", at, True),
                note=reader.text(row, "note", at, optional=True),
            )
        )

    segregation = []
    for i, row in enumerate(_rows(reader, raw, "segregation", where)):
        at = f"{where}, segregation #{i + 1}"
        row = reader.mapping(
            row,
            at,
            {
                "family",
                "affected_with_variant",
                "informative_meioses",
                "affected_without_variant",
                "sources",
                "note",
            },
            {"family"},
        )
        segregation.append(
            SegregationObservation(
                family=reader.text(row, "family", at) or "",
                sources=reader.sources(row, at),
                affected_with_variant=reader.count(row, "affected_with_variant", at, 0),
                informative_meioses=reader.count(row, "informative_meioses", at, 0),
                affected_without_variant=reader.count(row, "affected_without_variant", at, 0),
                note=reader.text(row, "note", at, optional=True),
            )
        )

    functional = []
    for i, row in enumerate(_rows(reader, raw, "functional", where)):
        at = f"{where}, functional #{i + 1}"
        row = reader.mapping(
            row,
            at,
            {"assay", "result", "controls", "strength", "oddspath", "sources", "note"},
            {"assay", "result", "controls", "strength"},
        )
        try:
            result = FunctionalResult(str(row["result"]))
            strength = FunctionalStrength(str(row["strength"]))
        except ValueError as exc:
            raise reader.fail(at, str(exc)) from None
        oddspath = row.get("oddspath")
        if oddspath is not None and (isinstance(oddspath, bool) or not isinstance(oddspath, int | float)):
            raise reader.fail(at, "'oddspath' must be a number")
        if result == FunctionalResult.DAMAGING and strength.value.startswith("BS3"):
            raise reader.fail(at, "a damaging result cannot be given BS3 strength")
        if result == FunctionalResult.NO_EFFECT and strength.value.startswith("PS3"):
            raise reader.fail(at, "a result without effect cannot be given PS3 strength")
        functional.append(
            FunctionalObservation(
                assay=reader.text(row, "assay", at) or "",
                result=result,
                controls=reader.text(row, "controls", at) or "",
                strength=strength,
                sources=reader.sources(row, at),
                oddspath=float(oddspath) if oddspath is not None else None,
                note=reader.text(row, "note", at, optional=True),
            )
        )

    mothers = []
    for i, row in enumerate(_rows(reader, raw, "carrier_mothers", where)):
        at = f"{where}, carrier mother #{i + 1}"
        row = reader.mapping(row, at, {"patient", "count", "sources", "note"}, {"patient"})
        mothers.append(
            CarrierMothers(
                patient=reader.text(row, "patient", at) or "",
                sources=reader.sources(row, at),
                count=reader.count(row, "count", at, 1, minimum=1),
                note=reader.text(row, "note", at, optional=True),
            )
        )

    hemizygotes = []
    for i, row in enumerate(_rows(reader, raw, "unaffected_hemizygotes", where)):
        at = f"{where}, unaffected hemizygotes #{i + 1}"
        row = reader.mapping(row, at, {"count", "adult", "description", "sources"}, {"count", "description"})
        hemizygotes.append(
            UnaffectedHemizygotes(
                count=reader.count(row, "count", at, 0, minimum=1),
                adult=reader.flag(row, "adult", at),
                description=reader.text(row, "description", at) or "",
                sources=reader.sources(row, at),
            )
        )

    carriers = []
    for i, row in enumerate(_rows(reader, raw, "unaffected_carriers", where)):
        at = f"{where}, unaffected carriers #{i + 1}"
        required = {"count", "zygosity", "description"}
        row = reader.mapping(row, at, required | {"adult", "sources"}, required)
        zygosity_text = str(row["zygosity"])
        if zygosity_text not in (Zygosity.HETEROZYGOUS.value, Zygosity.HOMOZYGOUS.value):
            raise reader.fail(at, f"zygosity {zygosity_text!r} must be heterozygous or homozygous")
        carriers.append(
            UnaffectedCarriers(
                count=reader.count(row, "count", at, 0, minimum=1),
                zygosity=Zygosity(zygosity_text),
                adult=reader.flag(row, "adult", at),
                description=reader.text(row, "description", at) or "",
                sources=reader.sources(row, at),
            )
        )

    clinvar = []
    for i, row in enumerate(_rows(reader, raw, "clinvar", where)):
        at = f"{where}, ClinVar #{i + 1}"
        fields = {"variation_id", "classification", "review_status", "stars", "date", "retrieved_from"}
        row = reader.mapping(row, at, fields, fields - {"stars"})
        date = reader.text(row, "date", at) or ""
        if not _DATE.match(date):
            raise reader.fail(at, f"date {date!r} is not YYYY-MM-DD")
        stars = reader.count(row, "stars", at, 0)
        if stars > 4:
            raise reader.fail(at, "ClinVar review stars are 0-4")
        clinvar.append(
            ClinvarAssertion(
                variation_id=reader.count(row, "variation_id", at, 0, minimum=1),
                classification=reader.text(row, "classification", at) or "",
                review_status=reader.text(row, "review_status", at) or "",
                stars=stars,
                date=date,
                retrieved_from=reader.text(row, "retrieved_from", at) or "",
            )
        )

    names = reader.texts(raw, "names", where)
    return VariantEvidence(
        gene=gene,
        transcript=transcript,
        hgvs_c=hgvs_c,
        hgvs_p=hgvs_p,
        names=names,
        grch38=reader.allele(raw.get("grch38"), "GRCh38", f"{where}, grch38"),
        grch37=reader.allele(raw.get("grch37"), "GRCh37", f"{where}, grch37"),
        probands=tuple(probands),
        de_novo=tuple(de_novo),
        segregation=tuple(segregation),
        functional=tuple(functional),
        carrier_mothers=tuple(mothers),
        unaffected_hemizygotes=tuple(hemizygotes),
        unaffected_carriers=tuple(carriers),
        clinvar=tuple(clinvar),
        note=reader.text(raw, "note", where, optional=True),
    )


def parse_evidence(document: Any, path: str) -> EvidenceSet:
    """Validate a parsed YAML document and build the typed evidence set (raises EvidenceFileError)."""
    reader = _Reader(path, {})
    top = reader.mapping(document, "top level", {"version", "curated_on", "sources", "variants"}, {"version"})
    raw_sources = top.get("sources") or {}
    if not isinstance(raw_sources, dict):
        raise reader.fail("sources", "expected a mapping of identifier to citation")
    citations: dict[str, Citation] = {}
    for ident, raw in raw_sources.items():
        if not isinstance(ident, str) or not _SOURCE_ID.match(ident):
            raise reader.fail("sources", f"{ident!r} is not PMID:<number> or DOI:10.<...>")
        raw = reader.mapping(
            raw, f"source {ident}", {"citation", "doi", "note", "reserved_for_ranking"}, {"citation"}
        )
        citations[ident] = Citation(
            id=ident,
            citation=reader.text(raw, "citation", ident) or "",
            doi=reader.text(raw, "doi", ident, optional=True),
            note=reader.text(raw, "note", ident, optional=True),
            reserved_for_ranking=reader.flag(raw, "reserved_for_ranking", ident, False),
        )
    reader = _Reader(path, citations)
    raw_variants = top.get("variants") or []
    if not isinstance(raw_variants, list):
        raise reader.fail("variants", "expected a list")
    variants = [_variant(reader, raw, i) for i, raw in enumerate(raw_variants)]
    seen: set[tuple[str, str]] = set()
    for variant in variants:
        if variant.key in seen:
            where = f"{variant.gene} {variant.hgvs_c}"
            raise reader.fail(where, "the variant is listed twice (merge the rows)")
        seen.add(variant.key)
    curated_on = str(top.get("curated_on") or "")
    return EvidenceSet(
        version=str(top["version"]),
        curated_on=curated_on,
        citations=citations,
        variants=tuple(variants),
        path=path,
    )


def read_evidence(path: Path | str) -> EvidenceSet:
    """Load a user-supplied evidence file in the same schema (clear error, exit 2, on any problem).

    The file goes through the package's safe readers (size limit, regular file, no YAML aliases)."""
    from ipexpath.files import parse_document, read_text

    text = read_text(Path(path), "variant evidence file")
    return parse_evidence(parse_document(text, str(path)), str(path))


def _parse_text(text: str, path: str) -> EvidenceSet:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise EvidenceFileError(f"The variant evidence file '{path}' is not valid YAML ({exc}).") from exc
    return parse_evidence(document, path)


@lru_cache(maxsize=1)
def load_evidence() -> EvidenceSet:
    """The bundled, curated evidence set (read and validated once per process)."""
    text = resources.files("ipexpath.confirm").joinpath("data", BUNDLED_NAME).read_text(encoding="utf-8")
    return _parse_text(text, BUNDLED_NAME)
