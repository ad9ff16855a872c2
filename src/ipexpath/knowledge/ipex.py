"""Load the cited IPEX knowledge file (`knowledge/data/ipex.yaml`) into frozen dataclasses.

Every row of the file names one or more source keys; loading fails with `KnowledgeError` when a row cites
no source or a key that is not defined under `sources:`, so an uncited clinical fact can never be loaded.
"""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ipexpath.errors import KnowledgeError

__all__ = [
    "DATA_PACKAGE",
    "DATA_RESOURCE",
    "Fact",
    "FamilyStatement",
    "Feature",
    "IpexDisease",
    "IpexKnowledge",
    "IpexLikeDisorder",
    "LeafletBlock",
    "NotIncluded",
    "Release",
    "Source",
    "SupportOrganisation",
    "Treatment",
    "WorkupItem",
    "gene_for_disease",
    "ipex_disease_ids",
    "load_ipex_knowledge",
]

DATA_PACKAGE = "ipexpath"
DATA_RESOURCE = "knowledge/data/ipex.yaml"


@dataclass(frozen=True)
class Source:
    """One cited source: a paper, guideline or information page, with what was checked against it."""

    key: str
    citation: str
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None
    evidence: str | None = None
    checked: str | None = None
    notes: str | None = None

    @property
    def link(self) -> str | None:
        """Best resolvable link: DOI, else PubMed, else the URL."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return self.url


@dataclass(frozen=True)
class Release:
    """Name, version and review date of the knowledge file, and the HPO release its ids were checked in."""

    name: str
    version: str
    reviewed: str
    hpo_release: str | None = None


@dataclass(frozen=True)
class Fact:
    """A cited statement about IPEX (onset, prognosis, epidemiology, spectrum, differential)."""

    topic: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Feature:
    """A clinical feature of IPEX as an HPO term, with its category, cited frequency (if any) and sources."""

    hpo: str
    label: str
    category: str
    sources: tuple[str, ...]
    note: str | None = None
    frequency: str | None = None


@dataclass(frozen=True)
class IpexDisease:
    """IPEX itself: identifiers, gene, inheritance, cited facts and features."""

    name: str
    short_name: str
    omim: str
    orpha: str
    gene: str
    hgnc: str
    locus: str
    inheritance: str
    inheritance_hpo: str
    mechanism: str
    sources: tuple[str, ...]
    facts: tuple[Fact, ...]
    features: tuple[Feature, ...]
    notes: str | None = None


@dataclass(frozen=True)
class IpexLikeDisorder:
    """A disorder to consider alongside IPEX (IPEX-like or differential), with its citations."""

    gene: str
    disease: str
    omim: str
    inheritance: str
    mechanism: str
    distinguishing: tuple[str, ...]
    in_hpo_release: bool
    sources: tuple[str, ...]
    orpha: str | None = None
    iuis: str | None = None
    role: str = "ipex-like"
    notes: str | None = None

    @property
    def disease_ids(self) -> tuple[str, ...]:
        """The disorder's disease identifiers (OMIM, then ORPHA when known)."""
        return tuple(i for i in (self.omim, self.orpha) if i)


@dataclass(frozen=True)
class WorkupItem:
    """A diagnostic test, what it is for and its limits."""

    id: str
    test: str
    purpose: str
    sources: tuple[str, ...]
    limitations: str | None = None


@dataclass(frozen=True)
class Treatment:
    """A treatment option with its outcome data and status (standard, observation, experimental)."""

    id: str
    name: str
    kind: str
    summary: str
    status: str
    sources: tuple[str, ...]
    outcome: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class FamilyStatement:
    """A cited counselling statement for the family (optionally the source's exact words in `quote`)."""

    id: str
    text: str
    sources: tuple[str, ...]
    quote: str | None = None


@dataclass(frozen=True)
class SupportOrganisation:
    """A real support or information organisation, with its published URL."""

    name: str
    url: str
    note: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class LeafletBlock:
    """A plain-language leaflet block; `template` holds a sentence with `{placeholders}` when relevant."""

    id: str
    title: str
    text: str
    sources: tuple[str, ...]
    template: str | None = None


@dataclass(frozen=True)
class NotIncluded:
    """A fact deliberately left out of the file, and why."""

    item: str
    reason: str


@dataclass(frozen=True)
class IpexKnowledge:
    """Everything in the IPEX knowledge file, validated so that every row cites a defined source."""

    release: Release
    sources: tuple[Source, ...]
    ipex: IpexDisease
    ipex_like: tuple[IpexLikeDisorder, ...]
    workup: tuple[WorkupItem, ...]
    treatment: tuple[Treatment, ...]
    family_inheritance: str
    family: tuple[FamilyStatement, ...]
    support: tuple[SupportOrganisation, ...]
    leaflet_reading_age: str | None
    leaflet: tuple[LeafletBlock, ...]
    not_included: tuple[NotIncluded, ...]

    def source(self, key: str) -> Source:
        """Return the source with this key (KeyError if it is not defined)."""
        for src in self.sources:
            if src.key == key:
                return src
        raise KeyError(key)

    def source_map(self) -> dict[str, Source]:
        """Return a new dict of source key to Source."""
        return {src.key: src for src in self.sources}

    def disease_ids(self, include_differentials: bool = True) -> frozenset[str]:
        """Disease ids (OMIM, ORPHA) of IPEX and IPEX-like rows; differentials optional."""
        ids = {self.ipex.omim, self.ipex.orpha}
        for row in self.ipex_like:
            if include_differentials or row.role != "differential":
                ids.update(row.disease_ids)
        return frozenset(ids)

    def gene_for_disease(self, disease_id: str) -> str | None:
        """Gene symbol for a disease id of IPEX or an IPEX-like disorder, or None if the id is not listed."""
        wanted = _normalise_disease_id(disease_id)
        if wanted in (self.ipex.omim, self.ipex.orpha):
            return self.ipex.gene
        for row in self.ipex_like:
            if wanted in row.disease_ids:
                return row.gene
        return None

    def disorder_for_gene(self, gene: str) -> tuple[IpexLikeDisorder, ...]:
        """IPEX-like rows for a gene symbol (case-insensitive)."""
        return tuple(row for row in self.ipex_like if row.gene.upper() == gene.upper())


# ----------------------------------------------------------------------------------------------------------
# Parsing helpers


def _normalise_disease_id(disease_id: str) -> str:
    """Upper-case the prefix of a CURIE such as 'omim:304790' and strip whitespace."""
    text = disease_id.strip()
    prefix, sep, local = text.partition(":")
    return f"{prefix.upper()}{sep}{local}" if sep else text


def _where(section: str, row: Mapping[str, Any] | None, index: int | None) -> str:
    """Describe a row for error messages: section, index and its id-like field."""
    label = section if index is None else f"{section}[{index}]"
    if row:
        for field in ("id", "hpo", "gene", "topic", "name", "item"):
            value = row.get(field)
            if value:
                return f"{label} ({field}={value!s})"
    return label


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    """Require a mapping."""
    if not isinstance(value, Mapping):
        raise KnowledgeError(f"IPEX knowledge file: {where} must be a mapping, got {type(value).__name__}.")
    return value


def _rows(value: Any, where: str) -> list[Mapping[str, Any]]:
    """Require a list of mappings (None counts as empty)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise KnowledgeError(f"IPEX knowledge file: {where} must be a list, got {type(value).__name__}.")
    return [_mapping(item, f"{where}[{i}]") for i, item in enumerate(value)]


def _text(row: Mapping[str, Any], field: str, where: str) -> str:
    """Require a non-empty scalar field, returned as a stripped string."""
    value = row.get(field)
    if value is None or isinstance(value, (list, dict)) or not str(value).strip():
        raise KnowledgeError(f"IPEX knowledge file: {where} has no '{field}'.")
    return str(value).strip()


def _opt(row: Mapping[str, Any], field: str) -> str | None:
    """Optional scalar field as a stripped string."""
    value = row.get(field)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _strings(value: Any, where: str, field: str) -> tuple[str, ...]:
    """A string or a list of strings, as a tuple."""
    if value is None:
        return ()
    items: Iterable[Any] = [value] if isinstance(value, str) else value
    if not isinstance(items, list) and not isinstance(value, str):
        raise KnowledgeError(f"IPEX knowledge file: {where} field '{field}' must be a string or a list.")
    return tuple(str(item).strip() for item in items if str(item).strip())


def _cites(row: Mapping[str, Any], where: str, known: Mapping[str, Source]) -> tuple[str, ...]:
    """The row's source keys; every row must cite at least one key defined under `sources:`."""
    keys = _strings(row.get("source"), where, "source")
    if not keys:
        raise KnowledgeError(
            f"IPEX knowledge file: {where} cites no source.",
            suggestion="Add `source: <key>` naming an entry of `sources:`, "
            "or move the fact to `not_included:`.",
        )
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise KnowledgeError(
            f"IPEX knowledge file: {where} cites unknown source key(s): {', '.join(unknown)}.",
            suggestion=f"Define them under `sources:` (known keys: {', '.join(sorted(known))}).",
        )
    return keys


def _parse_sources(raw: Any) -> dict[str, Source]:
    """Parse the `sources:` mapping; each needs a citation and a DOI, PMID or URL."""
    table = _mapping(raw, "sources")
    if not table:
        raise KnowledgeError("IPEX knowledge file: `sources:` is empty.")
    out: dict[str, Source] = {}
    for key, value in table.items():
        where = f"sources.{key}"
        row = _mapping(value, where)
        src = Source(
            key=str(key),
            citation=" ".join(_text(row, "citation", where).split()),
            doi=_opt(row, "doi"),
            pmid=_opt(row, "pmid"),
            url=_opt(row, "url"),
            evidence=_opt(row, "evidence"),
            checked=_opt(row, "checked"),
            notes=_opt(row, "notes"),
        )
        if not (src.doi or src.pmid or src.url):
            raise KnowledgeError(f"IPEX knowledge file: {where} has no DOI, PMID or URL.")
        out[src.key] = src
    return out


def _parse_ipex(raw: Any, known: Mapping[str, Source]) -> IpexDisease:
    """Parse the `ipex:` block with its facts and features."""
    row = _mapping(raw, "ipex")
    facts = tuple(
        Fact(
            topic=_text(f, "topic", _where("ipex.facts", f, i)),
            text=" ".join(_text(f, "text", _where("ipex.facts", f, i)).split()),
            sources=_cites(f, _where("ipex.facts", f, i), known),
        )
        for i, f in enumerate(_rows(row.get("facts"), "ipex.facts"))
    )
    features = tuple(
        Feature(
            hpo=_text(f, "hpo", _where("ipex.features", f, i)),
            label=_text(f, "label", _where("ipex.features", f, i)),
            category=_opt(f, "category") or "other",
            note=_opt(f, "note"),
            frequency=_opt(f, "frequency"),
            sources=_cites(f, _where("ipex.features", f, i), known),
        )
        for i, f in enumerate(_rows(row.get("features"), "ipex.features"))
    )
    return IpexDisease(
        name=_text(row, "name", "ipex"),
        short_name=_opt(row, "short_name") or "IPEX syndrome",
        omim=_normalise_disease_id(_text(row, "omim", "ipex")),
        orpha=_normalise_disease_id(_text(row, "orpha", "ipex")),
        gene=_text(row, "gene", "ipex"),
        hgnc=_text(row, "hgnc", "ipex"),
        locus=_text(row, "locus", "ipex"),
        inheritance=_text(row, "inheritance", "ipex"),
        inheritance_hpo=_text(row, "inheritance_hpo", "ipex"),
        mechanism=" ".join(_text(row, "mechanism", "ipex").split()),
        sources=_cites(row, "ipex", known),
        facts=facts,
        features=features,
        notes=_opt(row, "notes"),
    )


def _parse_ipex_like(raw: Any, known: Mapping[str, Source]) -> tuple[IpexLikeDisorder, ...]:
    """Parse the `ipex_like:` rows."""
    out = []
    for i, row in enumerate(_rows(raw, "ipex_like")):
        where = _where("ipex_like", row, i)
        in_release = row.get("in_hpo_release")
        if not isinstance(in_release, bool):
            raise KnowledgeError(f"IPEX knowledge file: {where} needs `in_hpo_release: true|false`.")
        orpha = _opt(row, "orpha")
        out.append(
            IpexLikeDisorder(
                gene=_text(row, "gene", where),
                disease=_text(row, "disease", where),
                omim=_normalise_disease_id(_text(row, "omim", where)),
                orpha=_normalise_disease_id(orpha) if orpha else None,
                inheritance=_text(row, "inheritance", where),
                mechanism=" ".join(_text(row, "mechanism", where).split()),
                distinguishing=_strings(row.get("distinguishing"), where, "distinguishing"),
                iuis=_opt(row, "iuis"),
                in_hpo_release=in_release,
                role=_opt(row, "role") or "ipex-like",
                sources=_cites(row, where, known),
                notes=_opt(row, "notes"),
            )
        )
    return tuple(out)


def _parse(data: Any) -> IpexKnowledge:
    """Build and validate an IpexKnowledge from the parsed YAML document."""
    doc = _mapping(data, "the document")
    rel = _mapping(doc.get("release"), "release")
    known = _parse_sources(doc.get("sources"))
    family = _mapping(doc.get("family") or {}, "family")
    leaflet = _mapping(doc.get("leaflet") or {}, "leaflet")
    return IpexKnowledge(
        release=Release(
            name=_text(rel, "name", "release"),
            version=_text(rel, "version", "release"),
            reviewed=_text(rel, "reviewed", "release"),
            hpo_release=_opt(rel, "hpo_release"),
        ),
        sources=tuple(known.values()),
        ipex=_parse_ipex(doc.get("ipex"), known),
        ipex_like=_parse_ipex_like(doc.get("ipex_like"), known),
        workup=tuple(
            WorkupItem(
                id=_text(r, "id", _where("workup", r, i)),
                test=_text(r, "test", _where("workup", r, i)),
                purpose=" ".join(_text(r, "purpose", _where("workup", r, i)).split()),
                limitations=_opt(r, "limitations"),
                sources=_cites(r, _where("workup", r, i), known),
            )
            for i, r in enumerate(_rows(doc.get("workup"), "workup"))
        ),
        treatment=tuple(
            Treatment(
                id=_text(r, "id", _where("treatment", r, i)),
                name=_text(r, "name", _where("treatment", r, i)),
                kind=_text(r, "kind", _where("treatment", r, i)),
                summary=" ".join(_text(r, "summary", _where("treatment", r, i)).split()),
                status=_text(r, "status", _where("treatment", r, i)),
                outcome=_opt(r, "outcome"),
                notes=_opt(r, "notes"),
                sources=_cites(r, _where("treatment", r, i), known),
            )
            for i, r in enumerate(_rows(doc.get("treatment"), "treatment"))
        ),
        family_inheritance=_opt(family, "inheritance") or "X-linked recessive",
        family=tuple(
            FamilyStatement(
                id=_text(r, "id", _where("family.statements", r, i)),
                text=" ".join(_text(r, "text", _where("family.statements", r, i)).split()),
                quote=_opt(r, "quote"),
                sources=_cites(r, _where("family.statements", r, i), known),
            )
            for i, r in enumerate(_rows(family.get("statements"), "family.statements"))
        ),
        support=tuple(
            SupportOrganisation(
                name=_text(r, "name", _where("support", r, i)),
                url=_text(r, "url", _where("support", r, i)),
                note=_text(r, "note", _where("support", r, i)),
                sources=_cites(r, _where("support", r, i), known),
            )
            for i, r in enumerate(_rows(doc.get("support"), "support"))
        ),
        leaflet_reading_age=_opt(leaflet, "reading_age"),
        leaflet=tuple(
            LeafletBlock(
                id=_text(r, "id", _where("leaflet.blocks", r, i)),
                title=_text(r, "title", _where("leaflet.blocks", r, i)),
                text=" ".join(_text(r, "text", _where("leaflet.blocks", r, i)).split()),
                template=_opt(r, "template"),
                sources=_cites(r, _where("leaflet.blocks", r, i), known),
            )
            for i, r in enumerate(_rows(leaflet.get("blocks"), "leaflet.blocks"))
        ),
        not_included=tuple(
            NotIncluded(
                item=_text(r, "item", _where("not_included", r, i)),
                reason=" ".join(_text(r, "reason", _where("not_included", r, i)).split()),
            )
            for i, r in enumerate(_rows(doc.get("not_included"), "not_included"))
        ),
    )


def _read_text(path: Path | None) -> tuple[str, str]:
    """Read the named file, or the packaged one; return (text, description for messages)."""
    if path is not None:
        try:
            return Path(path).read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise KnowledgeError(f"Cannot read IPEX knowledge file {path}: {exc}") from exc
    resource = importlib.resources.files(DATA_PACKAGE)
    for part in DATA_RESOURCE.split("/"):
        resource = resource.joinpath(part)
    try:
        return resource.read_text(encoding="utf-8"), f"packaged {DATA_PACKAGE}/{DATA_RESOURCE}"
    except (OSError, ModuleNotFoundError) as exc:
        raise KnowledgeError(f"Cannot read the packaged IPEX knowledge file: {exc}") from exc


def load_ipex_knowledge(path: Path | None = None) -> IpexKnowledge:
    """Load and validate the IPEX knowledge file (the packaged one when `path` is None)."""
    if path is None:
        return _load_packaged()
    return _load(path)


def _load(path: Path | None) -> IpexKnowledge:
    """Read, parse and validate without caching."""
    text, what = _read_text(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"IPEX knowledge file ({what}) is not valid YAML: {exc}") from exc
    try:
        return _parse(data)
    except KnowledgeError as exc:
        raise KnowledgeError(f"{exc.message} [{what}]", suggestion=exc.suggestion) from exc


@functools.lru_cache(maxsize=1)
def _load_packaged() -> IpexKnowledge:
    """The packaged knowledge, loaded once per process."""
    return _load(None)


def ipex_disease_ids(
    knowledge: IpexKnowledge | None = None, include_differentials: bool = True
) -> frozenset[str]:
    """Disease ids (OMIM and ORPHA) of IPEX and the IPEX-like disorders in the knowledge file."""
    return (knowledge or _load_packaged()).disease_ids(include_differentials=include_differentials)


def gene_for_disease(disease_id: str, knowledge: IpexKnowledge | None = None) -> str | None:
    """Gene symbol for an IPEX or IPEX-like disease id (e.g. 'OMIM:304790' -> 'FOXP3'); None if unlisted."""
    return (knowledge or _load_packaged()).gene_for_disease(disease_id)
