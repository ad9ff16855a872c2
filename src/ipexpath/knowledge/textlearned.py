"""Phrase → HPO term mappings learned from curators' annotations (GSC+), kept apart from the ontology's names.

Dictionary matching names what the text says; curators of a gold standard often annotate something else:
the term their release used ("severe mental retardation" → Intellectual disability, profound), a
convention ("laughter" → Inappropriate laughter), or nothing at all for a phrase that matches a name.
`learn` reads annotated documents and keeps, per phrase (its content words as written, plurals stemmed,
order-free: "renal anomalies" and "renal malformations" are two phrases, as they are to curators and to the
HPO's own synonyms):

- `terms`: the HPO id curators gave the phrase, when they gave it that id in at least `MIN_DOCUMENTS`
  documents and on at least `MIN_PRECISION` of the phrase's occurrences (the text's phrase then names
  that id: it is added where nothing matched, and replaces the matcher's term where one did);
- `drop`: (phrase, id, nested) readings the matcher gives that curators confirmed on fewer than
  `DROP_PRECISION` of at least `MIN_DROP` occurrences in `MIN_DOCUMENTS` documents or more; the same for
  the id whatever phrase named it (phrase `ANY_PHRASE`), a per-term precision filter.

The thresholds were fixed before any measurement, not tuned. The packaged table
(`data/text_learned_gsc.json`) is built from all of GSC+ by `scripts/build_text_learned.py`; the GSC+
benchmark measures the approach by document-grouped cross-validation (each test fold is annotated with a
table learned from the other folds only). The raw table is not offered to users: `textvetting` removes
the entries that encode curators' conventions rather than what the words say, and the vetted table
(`data/text_learned_vetted.json`) is what `recognise(..., packaged_vetted())` and `terms --learned-phrases`
use (off by default: its cross-validated GSC+ figure stays below the issue's 0.80, docs/free-text.md).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from ipexpath.errors import KnowledgeError
from ipexpath.knowledge.base import KnowledgeBase

MIN_DOCUMENTS = 2  # a mapping seen in one document only is that document's, not a convention
MIN_PRECISION = 0.5  # share of the phrase's occurrences curators gave the id
DROP_PRECISION = 0.2  # the matcher's id is dropped when curators confirmed it less often than this
MIN_DROP = 3  # occurrences needed before dropping
MAX_WORDS = 8  # longest phrase learned, in content words (the matcher's window)
PACKAGED = "text_learned_gsc.json"
PACKAGED_VETTED = "text_learned_vetted.json"
ANY_PHRASE: frozenset[str] = frozenset()  # a `drop` entry for the term whatever phrase names it


@dataclass(frozen=True)
class Annotated:
    """A document with its gold mentions: (start, end, HPO id) with ids of the loaded release."""

    document_id: str
    text: str
    mentions: tuple[tuple[int, int, str], ...]


GSC_FILES = ("GSCplus_dev_gold.tsv", "GSCplus_test_gold.tsv")


def read_gsc_plus(kb: KnowledgeBase, folder: Path) -> tuple[list[Annotated], int]:
    """GSC+ documents (dev and test files; ids mapped to the release's primary ids) and the number of gold
    mentions whose id the release does not know (dropped)."""
    from ipexpath.errors import UnknownTermError
    from ipexpath.knowledge.resolve import resolve_term

    documents: list[Annotated] = []
    dropped = 0
    for name in GSC_FILES:
        for block in (folder / name).read_text(encoding="utf-8").split("\n\n"):
            lines = [line for line in block.split("\n") if line.strip()]
            if len(lines) < 2:
                continue
            gold: list[tuple[int, int, str]] = []
            for line in lines[2:]:
                start, end, _, term = line.split("\t")
                try:
                    gold.append((int(start), int(end), resolve_term(kb, term.strip()).id))
                except UnknownTermError:
                    dropped += 1
            documents.append(Annotated(lines[0].strip(), lines[1], tuple(gold)))
    return documents, dropped


def provenance(kb: KnowledgeBase, folder: Path, documents: Sequence[Annotated]) -> str:
    """Where a table comes from: the GSC+ files (sha256), the HPO release, the thresholds."""
    digests = ", ".join(
        f"{name} sha256 {hashlib.sha256((folder / name).read_bytes()).hexdigest()[:16]}" for name in GSC_FILES
    )
    return (
        "GSC+ (Lobo et al. 2017, extended from Groza et al. 2015; copy from the PhenoTagger repository, "
        "MIT): "
        f"{len(documents)} abstracts ({digests}); HPO release {kb.release_label}; built by "
        f"scripts/build_text_learned.py with MIN_DOCUMENTS {MIN_DOCUMENTS}, MIN_PRECISION {MIN_PRECISION}, "
        f"DROP_PRECISION {DROP_PRECISION}, MIN_DROP {MIN_DROP}"
    )


@dataclass(frozen=True)
class LearnedPhrases:
    """What curators call a phrase (`terms`) and which of the matcher's readings they never use (`drop`)."""

    terms: dict[frozenset[str], str]
    drop: frozenset[tuple[frozenset[str], str, bool]]  # (phrase, id, nested inside a longer match)
    source: str = ""
    vetted: bool = False  # clinically vetted (`textvetting`): hits say so

    def __bool__(self) -> bool:
        """A table that changes nothing is false."""
        return bool(self.terms or self.drop)

    @cached_property
    def longest(self) -> int:
        """Most content words of a learned phrase."""
        return max((len(k) for k in self.terms), default=0)

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every word of a learned phrase (a window with another word cannot be one)."""
        return frozenset(word for key in self.terms for word in key)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (sorted, so that a rebuild gives the same file)."""
        return {
            "source": self.source,
            "terms": sorted([sorted(k), v] for k, v in self.terms.items()),
            "drop": sorted([sorted(k), v, n] for k, v, n in self.drop),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LearnedPhrases:
        """Read the JSON form."""
        return cls(
            {frozenset(entry[0]): str(entry[1]) for entry in data["terms"]},
            frozenset((frozenset(entry[0]), str(entry[1]), bool(entry[2])) for entry in data["drop"]),
            str(data.get("source", "")),
        )


def _read_packaged(name: str) -> dict[str, Any]:
    resource = importlib.resources.files("ipexpath").joinpath("knowledge").joinpath("data").joinpath(name)
    try:
        data = json.loads(resource.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        return data
    except (OSError, ValueError, TypeError) as exc:
        raise KnowledgeError(f"The packaged learned phrase table {name} is unreadable: {exc}") from exc


def packaged_learned() -> LearnedPhrases:
    """The raw table learned from all of GSC+ (data/text_learned_gsc.json; benchmark and vetting input)."""
    try:
        return LearnedPhrases.from_dict(_read_packaged(PACKAGED))
    except (KeyError, TypeError, IndexError) as exc:
        raise KnowledgeError(f"The packaged learned phrase table is unreadable: {exc}") from exc


@cache
def packaged_vetted() -> LearnedPhrases:
    """The clinically vetted table (data/text_learned_vetted.json, written by scripts/build_text_learned.py):
    what `terms --learned-phrases` uses."""
    data = _read_packaged(PACKAGED_VETTED)
    try:
        return LearnedPhrases(
            {frozenset(e[0]): str(e[1]) for e in data["terms"]},
            frozenset((frozenset(e[0]), str(e[1]), bool(e[2])) for e in data["drop"]),
            str(data["source"]),
            vetted=True,
        )
    except (KeyError, TypeError, IndexError) as exc:
        raise KnowledgeError(f"The packaged vetted phrase table is unreadable: {exc}") from exc


def fold_of(document_id: str, folds: int) -> int:
    """Cross-validation fold of a document (a hash of its id: each abstract is its own publication)."""
    return hashlib.sha256(document_id.encode()).digest()[1] % folds


def learn(kb: KnowledgeBase, documents: Sequence[Annotated], source: str = "") -> LearnedPhrases:
    """Learn phrase → id mappings and the matcher's readings to drop from annotated documents."""
    from ipexpath.knowledge.textmine import phrase_windows, recognise

    # every occurrence of every phrase (windows of 1..MAX_WORDS content words), per document
    occurrences: dict[frozenset[str], list[tuple[int, int, int]]] = defaultdict(list)
    gold_keys: set[frozenset[str]] = set()
    golds: list[tuple[tuple[int, int, str], ...]] = []
    predicted: list[list[tuple[frozenset[str], int, int, str, bool]]] = []
    for number, document in enumerate(documents):
        windows = phrase_windows(kb, document.text, MAX_WORDS)
        spans = {(start, end): key for key, start, end in windows}
        for key, start, end in windows:
            occurrences[key].append((number, start, end))
        golds.append(document.mentions)
        for start, end, _ in document.mentions:
            gold_key = spans.get((start, end))  # the window the mention covers exactly
            if gold_key is not None:
                gold_keys.add(gold_key)
        result = recognise(kb, document.text)  # the matcher's own readings
        predicted.append(
            [
                (mention_key, h.span[0], h.span[1], h.term_id, h.nested)
                for h in result.mentions
                if (mention_key := spans.get(h.span)) is not None
            ]
        )
    terms: dict[frozenset[str], str] = {}
    for key in gold_keys:
        found = occurrences.get(key, [])
        given: Counter[str] = Counter()
        documents_of: dict[str, set[int]] = defaultdict(set)
        for number, start, end in found:
            for term in {t for s, e, t in golds[number] if s == start and e == end}:
                given[term] += 1
                documents_of[term].add(number)
        if not given:
            continue
        term, count = max(given.items(), key=lambda item: (item[1], item[0]))
        if count >= MIN_PRECISION * len(found) and len(documents_of[term]) >= MIN_DOCUMENTS:
            terms[key] = term
    confirmed: Counter[tuple[frozenset[str], str, bool]] = Counter()
    seen: Counter[tuple[frozenset[str], str, bool]] = Counter()
    seen_in: dict[tuple[frozenset[str], str, bool], set[int]] = defaultdict(set)
    for number, mentions in enumerate(predicted):
        for key, start, end, term, nested in mentions:
            hit = any(t == term and s < end and start < e for s, e, t in golds[number])
            for pair in ((key, term, nested), (ANY_PHRASE, term, nested)):
                seen[pair] += 1
                seen_in[pair].add(number)
                confirmed[pair] += hit
    drop = frozenset(
        pair
        for pair, count in seen.items()
        if count >= MIN_DROP
        and len(seen_in[pair]) >= MIN_DOCUMENTS
        and confirmed[pair] < DROP_PRECISION * count
        and pair[0] not in terms
    )
    return LearnedPhrases(terms, drop, source)


def build_from_gsc_plus(kb: KnowledgeBase, folder: Path) -> LearnedPhrases:
    """The packaged table: learned from every GSC+ document (provenance in its `source`)."""
    documents, _ = read_gsc_plus(kb, folder)
    return learn(kb, documents, provenance(kb, folder, documents))


def table_json(kb: KnowledgeBase, table: LearnedPhrases) -> str:
    """The packaged file's text: one entry a line, with the term's label for a reader (stable order, so
    that a rebuild can be compared)."""
    data = table.to_dict()

    def label(term: str) -> str:
        return kb.labels[kb.term_index[term]] if term in kb.term_index else ""

    terms = ",\n".join("  " + json.dumps([*entry, label(entry[1])]) for entry in data["terms"])
    drop = ",\n".join("  " + json.dumps([*entry, label(entry[1])]) for entry in data["drop"])
    return (
        "{\n"
        f' "source": {json.dumps(data["source"])},\n'
        ' "columns": {"terms": ["phrase words", "HPO id", "label"], '
        '"drop": ["phrase words", "HPO id", "nested", "label"]},\n'
        f' "terms": [\n{terms}\n ],\n'
        f' "drop": [\n{drop}\n ]\n'
        "}\n"
    )
