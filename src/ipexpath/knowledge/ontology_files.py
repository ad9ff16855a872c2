"""Parse the HPO ontology file (`hp.obo` or the OBO Graphs `hp.json`) into plain term records."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ipexpath.errors import HpoDirectoryError

_QUOTED = re.compile(r'^"((?:[^"\\]|\\.)*)"\s*(\w+)?')
_HP_ID = re.compile(r"HP[:_]\d{7}")


@dataclass
class TermRecord:
    """One ontology term as written in the release file."""

    id: str
    name: str = ""
    definition: str = ""
    synonyms: list[str] = field(default_factory=list)
    synonym_scopes: list[str] = field(default_factory=list)  # EXACT/BROAD/NARROW/RELATED, one per synonym
    parents: list[str] = field(default_factory=list)
    alt_ids: list[str] = field(default_factory=list)
    obsolete: bool = False
    replaced_by: str | None = None
    consider: list[str] = field(default_factory=list)


def parse_ontology(path: Path) -> tuple[list[TermRecord], str]:
    """Return the HP terms of `path` and its data-version line; errors name the file."""
    try:
        terms, version = _parse_json(path) if path.suffix == ".json" else _parse_obo(path)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise HpoDirectoryError(f"The HPO ontology file '{path}' could not be read: {exc}.") from exc
    cycle = find_is_a_cycle(terms)
    if cycle:
        shown = " → ".join([*cycle[:6], "…"] if len(cycle) > 6 else [*cycle, cycle[0]])
        raise HpoDirectoryError(
            f"The HPO ontology file '{path}' has an is_a cycle ({shown}); an ontology must not make a term "
            "its own ancestor.",
            "Use an official HPO release, or correct the is_a lines of these terms.",
        )
    return terms, version


def find_is_a_cycle(terms: list[TermRecord]) -> list[str]:
    """The terms of one is_a cycle (each the parent of the one before), or [] when there is none."""
    parents = {t.id: [p for p in t.parents] for t in terms}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    for root in parents:
        if state.get(root):
            continue
        path: list[str] = [root]
        iters = [iter(parents[root])]
        state[root] = 1
        while path:
            step = next(iters[-1], None)
            if step is None:
                state[path.pop()] = 2
                iters.pop()
                continue
            if step not in parents:
                continue
            seen = state.get(step)
            if seen == 1:
                return path[path.index(step) :]
            if seen is None:
                state[step] = 1
                path.append(step)
                iters.append(iter(parents[step]))
    return []


def _parse_obo(path: Path) -> tuple[list[TermRecord], str]:
    terms: list[TermRecord] = []
    version = ""
    current: TermRecord | None = None
    in_term = False
    from ipexpath.files import MAX_INPUT_BYTES, check_input_file

    check_input_file(path, "HPO ontology file", max_bytes=4 * MAX_INPUT_BYTES)
    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if line.startswith("["):
                if current is not None and in_term:
                    terms.append(current)
                current = None
                in_term = line == "[Term]"
                continue
            if not line or ":" not in line:
                continue
            key, _, value = line.partition(": ")
            if not in_term:
                if key == "data-version":
                    version = value.strip()
                continue
            if key == "id":
                current = TermRecord(id=value.strip())
            elif current is None:
                continue
            elif key == "name":
                current.name = value.strip()
            elif key == "def":
                match = _QUOTED.match(value)
                current.definition = match.group(1).replace('\\"', '"') if match else value
            elif key == "synonym":
                match = _QUOTED.match(value)
                if match:
                    current.synonyms.append(match.group(1).replace('\\"', '"'))
                    current.synonym_scopes.append((match.group(2) or "RELATED").upper())
            elif key == "is_a":
                current.parents.append(value.split("!")[0].strip())
            elif key == "alt_id":
                current.alt_ids.append(value.strip())
            elif key == "is_obsolete":
                current.obsolete = value.strip() == "true"
            elif key == "replaced_by":
                current.replaced_by = value.strip()
            elif key == "consider":
                current.consider.append(value.strip())
    if current is not None and in_term:
        terms.append(current)
    terms = [t for t in terms if t.id.startswith("HP:")]
    if not terms:
        raise ValueError("no HP terms found")
    return terms, version


def _curie(iri: str) -> str:
    match = _HP_ID.search(iri)
    return match.group(0).replace("_", ":") if match else iri


def _json_scope(pred: str) -> str:
    """OBO Graphs synonym predicate ('hasExactSynonym', …) → EXACT/BROAD/NARROW/RELATED."""
    for scope in ("Exact", "Broad", "Narrow"):
        if scope in pred:
            return scope.upper()
    return "RELATED"


def _parse_json(path: Path) -> tuple[list[TermRecord], str]:
    from ipexpath.files import MAX_INPUT_BYTES, check_input_file, parse_document

    check_input_file(path, "HPO ontology file", max_bytes=4 * MAX_INPUT_BYTES)
    data = parse_document(path.read_text(encoding="utf-8"), str(path), yaml_allowed=False)
    graph = data["graphs"][0]
    version = str(graph.get("meta", {}).get("version", ""))
    terms: dict[str, TermRecord] = {}
    for node in graph.get("nodes", []):
        if node.get("type", "CLASS") != "CLASS" or not _HP_ID.search(node.get("id", "")):
            continue
        record = TermRecord(id=_curie(node["id"]), name=node.get("lbl", ""))
        meta = node.get("meta", {})
        record.definition = meta.get("definition", {}).get("val", "")
        record.synonyms = [s.get("val", "") for s in meta.get("synonyms", [])]
        record.synonym_scopes = [_json_scope(s.get("pred", "")) for s in meta.get("synonyms", [])]
        record.obsolete = bool(meta.get("deprecated", False))
        for prop in meta.get("basicPropertyValues", []):
            pred = prop.get("pred", "")
            if pred.endswith("hasAlternativeId"):
                record.alt_ids.append(_curie(prop.get("val", "")))
            elif pred.endswith("IAO_0100001"):
                record.replaced_by = _curie(prop.get("val", ""))
            elif pred.endswith("consider"):
                record.consider.append(_curie(prop.get("val", "")))
        terms[record.id] = record
    for edge in graph.get("edges", []):
        if edge.get("pred") == "is_a":
            child, parent = _curie(edge["sub"]), _curie(edge["obj"])
            if child in terms and parent.startswith("HP:"):
                terms[child].parents.append(parent)
    if not terms:
        raise ValueError("no HP terms found")
    return list(terms.values()), version
