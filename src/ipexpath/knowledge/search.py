"""Find HPO terms by id, label or synonym: ranked, fast and tolerant of typos (rapidfuzz)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process, utils

from ipexpath.errors import UnknownTermError
from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.lexicon import term_names
from ipexpath.knowledge.resolve import resolve_term


@dataclass(frozen=True)
class TermHit:
    """One search result: the term, the name that matched and a 0–100 score."""

    id: str
    label: str
    matched: str
    score: float
    definition: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id,
            "label": self.label,
            "matched": self.matched,
            "score": round(self.score, 1),
            "definition": self.definition,
        }


def search_terms(kb: KnowledgeBase, query: str, limit: int = 10) -> list[TermHit]:
    """Terms best matching `query` (an HPO id, or words of a label/synonym; typos tolerated)."""
    query = query.strip()
    if not query:
        return []
    if query.upper().startswith("HP:") or query.upper().startswith("HP_"):
        try:
            resolved = resolve_term(kb, query)
        except UnknownTermError:
            return []
        return [
            TermHit(
                resolved.id,
                resolved.label,
                resolved.original_id or resolved.id,
                100.0,
                kb.definitions[resolved.index],
            )
        ]
    names = _names(kb)
    choices = [entry.text for entry in names]
    processed = utils.default_process(query)
    raw = process.extract(
        processed,
        choices,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit * 8,
        score_cutoff=60,
    )
    best: dict[int, TermHit] = {}
    for normalised, score, position in raw:
        entry = names[position]
        text = entry.text
        adjusted = float(score)
        if normalised == processed:
            adjusted += 20  # exact name
        elif normalised.startswith(processed):
            adjusted += 8
        if entry.is_label:
            adjusted += 2
        adjusted -= min(len(normalised), 80) / 40  # prefer shorter, more general names on ties
        current = best.get(entry.term)
        if current is None or adjusted > current.score:
            best[entry.term] = TermHit(
                kb.term_ids[entry.term], kb.labels[entry.term], text, adjusted, kb.definitions[entry.term]
            )
    ranked = sorted(best.values(), key=lambda hit: (-hit.score, hit.label))[:limit]
    return [TermHit(h.id, h.label, h.matched, min(100.0, max(0.0, h.score)), h.definition) for h in ranked]


def _names(kb: KnowledgeBase) -> list[Any]:
    cached = kb._cache.get("names")
    if cached is None:
        cached = term_names(kb)
        kb._cache["names"] = cached
    assert isinstance(cached, list)
    return cached
