"""Find HPO terms by id, label or synonym: ranked, fast and tolerant of typos (rapidfuzz)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process, utils

from ipexpath.errors import UnknownTermError
from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.lexicon import FILLERS, NameEntry, content_key, term_names, tokens
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
    exact = _exact_names(kb)
    query_key = content_key(tokens(query))
    best: dict[int, TermHit] = {}

    def offer(entry: NameEntry, score: float) -> None:
        if entry.is_label:
            score += 0.5
        current = best.get(entry.term)
        if current is None or score > current.score:
            best[entry.term] = TermHit(
                kb.term_ids[entry.term], kb.labels[entry.term], entry.text, score, kb.definitions[entry.term]
            )

    # 1. the query is a whole name (label, synonym, cited abbreviation): 200+
    for entry in exact.get(" ".join(tokens(query)), []):
        offer(entry, 200.0 + (10.0 if entry.kind.is_exact else 0.0))
    # 2. query words found among the name's words, in any order: 100-150, the rarer words weighing more
    #    (every word matched > some words; fewer extra words first; the more general term on ties)
    if query_key:
        weights = {word: _word_weight(kb, word) for word in query_key}
        total = sum(weights.values())
        keys = _name_keys(kb)
        for entry in _word_index(kb, query_key):
            shared = keys[id(entry)] & query_key
            extra = len((keys[id(entry)] - FILLERS) - query_key)
            coverage = sum(weights[w] for w in shared) / total
            score = 100.0 + 40.0 * coverage - 3.0 * min(extra, 9) - 0.01 * len(kb.ancestors(entry.term))
            offer(entry, score + (2.0 if entry.kind.is_exact else 0.0))
    # 3. typos and partial names (rapidfuzz), never above a word match: at most 100
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
    for normalised, score, position in raw:
        entry = names[position]
        adjusted = float(score)
        if normalised.startswith(processed):
            adjusted += 8
        adjusted -= min(len(normalised), 80) / 40  # prefer shorter, more general names on ties
        # a fuzzy hit that shares no word with a multi-word query is a spelling accident ("Apathy")
        if len(query_key) > 1 and not (_name_keys(kb)[id(entry)] & query_key):
            adjusted -= 30
        offer(entry, min(adjusted, 100.0))
    ranked = sorted(best.values(), key=lambda hit: (-hit.score, len(hit.label), hit.label))[:limit]
    top = max((h.score for h in ranked), default=1.0)
    return [
        TermHit(h.id, h.label, h.matched, round(100.0 * max(0.0, h.score) / max(top, 1.0), 1), h.definition)
        for h in ranked
    ]


def _names(kb: KnowledgeBase) -> list[NameEntry]:
    cached = kb._cache.get("names")
    if cached is None:
        cached = term_names(kb)
        kb._cache["names"] = cached
    assert isinstance(cached, list)
    return cached


def _exact_names(kb: KnowledgeBase) -> dict[str, list[NameEntry]]:
    """Name (lower-case words joined by one space) → entries; abbreviations like 'IgE', 'T1DM', 'AIHA'."""
    cached = kb._cache.get("search_exact")
    if isinstance(cached, dict):
        return cached
    table: dict[str, list[NameEntry]] = {}
    for entry in _names(kb):
        table.setdefault(" ".join(tokens(entry.text)), []).append(entry)
    kb._cache["search_exact"] = table
    return table


def _name_keys(kb: KnowledgeBase) -> dict[int, frozenset[str]]:
    """id(entry) → normalised word set of the name."""
    cached = kb._cache.get("search_keys")
    if not isinstance(cached, dict):
        cached = {id(entry): content_key(tokens(entry.text)) for entry in _names(kb)}
        kb._cache["search_keys"] = cached
    return cached


def _word_lists(kb: KnowledgeBase) -> dict[str, list[NameEntry]]:
    cached = kb._cache.get("search_words")
    if isinstance(cached, dict):
        return cached
    lists: dict[str, list[NameEntry]] = {}
    for entry in _names(kb):
        for word in _name_keys(kb)[id(entry)]:
            lists.setdefault(word, []).append(entry)
    kb._cache["search_words"] = lists
    return lists


def _word_weight(kb: KnowledgeBase, word: str) -> float:
    """Inverse frequency of a word among names: 'enteropathy' says more than 'autoimmune'."""
    return 1.0 / math.log(2.0 + len(_word_lists(kb).get(word, [])))


def _word_index(kb: KnowledgeBase, query_key: frozenset[str]) -> list[NameEntry]:
    """Names sharing at least one word with the query (all of them when the query has one word)."""
    lists = _word_lists(kb)
    seen: dict[int, NameEntry] = {}
    for word in query_key:
        for entry in lists.get(word, []):
            seen.setdefault(id(entry), entry)
    return list(seen.values())
