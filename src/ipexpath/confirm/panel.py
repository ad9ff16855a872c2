"""The gene panel (FOXP3 and IPEX-like genes) and the ACMG thresholds, read from the bundled YAML files."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ipexpath.errors import InputError, KnowledgeError
from ipexpath.types import Inheritance


@dataclass(frozen=True)
class Domain:
    name: str
    start: int
    end: int
    critical: bool
    source: str
    pm1_strength: str | None = None

    def contains(self, codon: int) -> bool:
        return self.start <= codon <= self.end


@dataclass(frozen=True)
class Transcript:
    accession: str
    protein: str | None
    mane_select: bool
    source: str
    ensembl: str | None = None

    @property
    def base(self) -> str:
        return self.accession.split(".")[0]


@dataclass(frozen=True)
class GeneRegion:
    chrom: str
    start: int
    end: int
    source: str


@dataclass(frozen=True)
class KnownVariant:
    hgvs_c: str
    hgvs_p: str | None
    grch38: str | None
    classification: str
    source: str

    @property
    def codon(self) -> int | None:
        from ipexpath.confirm.hgvs_input import protein_position

        return protein_position(self.hgvs_p) if self.hgvs_p else None


@dataclass(frozen=True)
class Disease:
    id: str
    name: str
    source: str


@dataclass(frozen=True)
class FrequencyModel:
    """Inputs of the maximum credible allele frequency (Whiffin et al. 2017)."""

    prevalence: float
    prevalence_source: str
    max_allelic_contribution: float
    max_allelic_contribution_source: str
    max_genetic_contribution: float
    max_genetic_contribution_source: str
    penetrance: float
    penetrance_source: str


@dataclass(frozen=True)
class Gene:
    symbol: str
    chromosome: str
    diseases: tuple[Disease, ...]
    inheritance: Inheritance
    mechanism: str  # LOF, GOF
    mechanism_source: str
    lof_is_mechanism: bool
    transcripts: tuple[Transcript, ...]
    protein_length: int | None
    regions: dict[str, GeneRegion]
    frequency: FrequencyModel
    domains: tuple[Domain, ...] = ()
    known_variants: tuple[KnownVariant, ...] = ()
    critical_region_end: int | None = None
    hgnc: str | None = None
    strand: str | None = None
    polya_signal: tuple[int, int] | None = None  # c.*start_*end of the canonical poly(A) hexamer
    polya_source: str | None = None

    @property
    def mane(self) -> Transcript:
        for tx in self.transcripts:
            if tx.mane_select:
                return tx
        return self.transcripts[0]

    def domain_at(self, codon: int | None) -> Domain | None:
        if codon is None:
            return None
        for domain in self.domains:
            if domain.contains(codon):
                return domain
        return None


@dataclass(frozen=True)
class BuildInfo:
    name: str
    aliases: tuple[str, ...]
    contig_lengths: dict[str, int]
    par: dict[str, tuple[int, int]]

    def in_par(self, chrom: str, pos: int) -> bool:
        if normalize_chrom(chrom) != "X":
            return False
        return any(start <= pos <= end for start, end in self.par.values())


@dataclass(frozen=True)
class Panel:
    version: str
    genes: tuple[Gene, ...]
    builds: dict[str, BuildInfo]
    criteria: dict[str, Any] = field(repr=False)

    def gene(self, symbol: str) -> Gene | None:
        for gene in self.genes:
            if gene.symbol.upper() == symbol.upper():
                return gene
        return None

    def gene_for_transcript(self, accession: str) -> tuple[Gene, Transcript] | None:
        base = accession.split(".")[0]
        for gene in self.genes:
            for tx in gene.transcripts:
                if tx.base == base or (tx.ensembl and tx.ensembl.split(".")[0] == base):
                    return gene, tx
        return None

    def gene_for_disease(self, disease_id: str) -> Gene | None:
        for gene in self.genes:
            if any(d.id == disease_id for d in gene.diseases):
                return gene
        return None

    def gene_at(self, build: str, chrom: str, pos: int) -> Gene | None:
        chrom = normalize_chrom(chrom)
        for gene in self.genes:
            region = gene.regions.get(build)
            if region and region.chrom == chrom and region.start <= pos <= region.end:
                return gene
        return None

    def transcript_list(self) -> list[str]:
        return [f"{tx.accession} ({gene.symbol})" for gene in self.genes for tx in gene.transcripts]


def normalize_chrom(chrom: str) -> str:
    """'chrX' / 'X' / 'chrx' -> 'X'; 'chrM' / 'MT' -> 'MT'."""
    name = chrom[3:] if chrom.lower().startswith("chr") else chrom
    name = name.upper()
    return "MT" if name == "M" else name


def _load_yaml(name: str) -> Any:
    try:
        text = resources.files("ipexpath.confirm").joinpath("data", name).read_text(encoding="utf-8")
        return yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"The bundled data file {name} could not be read: {exc}.") from exc


def _gene(raw: dict[str, Any]) -> Gene:
    freq = raw["frequency"]
    return Gene(
        symbol=raw["symbol"],
        chromosome=str(raw["chromosome"]),
        diseases=tuple(Disease(d["id"], d["name"], d["source"]) for d in raw["diseases"]),
        inheritance=Inheritance(raw["inheritance"]),
        mechanism=raw["mechanism"],
        mechanism_source=raw["mechanism_source"],
        lof_is_mechanism=bool(raw["lof_is_mechanism"]),
        transcripts=tuple(
            Transcript(
                t["accession"], t.get("protein"), bool(t.get("mane_select")), t["source"], t.get("ensembl")
            )
            for t in raw["transcripts"]
        ),
        protein_length=raw.get("protein_length"),
        regions={
            build: GeneRegion(str(r["chrom"]), int(r["start"]), int(r["end"]), r["source"])
            for build, r in raw["regions"].items()
        },
        frequency=FrequencyModel(**{k: freq[k] for k in FrequencyModel.__dataclass_fields__}),
        domains=tuple(
            Domain(
                d["name"],
                int(d["start"]),
                int(d["end"]),
                bool(d["critical"]),
                d["source"],
                d.get("pm1_strength"),
            )
            for d in raw.get("domains", [])
        ),
        known_variants=tuple(
            KnownVariant(k["hgvs_c"], k.get("hgvs_p"), k.get("grch38"), k["classification"], k["source"])
            for k in raw.get("known_variants", [])
        ),
        critical_region_end=raw.get("critical_region_end"),
        hgnc=raw.get("hgnc"),
        strand=raw.get("strand"),
        polya_signal=(
            (int(raw["polyadenylation_signal"]["start"]), int(raw["polyadenylation_signal"]["end"]))
            if raw.get("polyadenylation_signal")
            else None
        ),
        polya_source=(raw.get("polyadenylation_signal") or {}).get("source"),
    )


@lru_cache(maxsize=1)
def load_panel() -> Panel:
    """The bundled panel (panel.yaml) together with the ACMG thresholds (criteria.yaml)."""
    raw = _load_yaml("panel.yaml")
    criteria = _load_yaml("criteria.yaml")
    builds = {
        name: BuildInfo(
            name=name,
            aliases=tuple(b["aliases"]),
            contig_lengths={str(k): int(v) for k, v in b["contig_lengths"].items()},
            par={k: (int(v[0]), int(v[1])) for k, v in b["par"].items()},
        )
        for name, b in raw["builds"].items()
    }
    try:
        genes = tuple(_gene(g) for g in raw["genes"])
    except (KeyError, TypeError) as exc:
        raise KnowledgeError(f"panel.yaml is malformed: {exc}.") from exc
    return Panel(version=str(raw["version"]), genes=genes, builds=builds, criteria=criteria)


def check_build(panel: Panel, build: str) -> str:
    """Return the canonical build name for a user-given build ('hg38' -> 'GRCh38')."""
    for name, info in panel.builds.items():
        if build.lower() in (a.lower() for a in info.aliases):
            return name
    raise InputError(f"Unknown genome build '{build}'.", f"Use one of: {', '.join(panel.builds)}.")
