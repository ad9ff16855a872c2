"""Clinical vetting of a learned phrase table: keep what the words say, remove curators' conventions.

A table learned from GSC+ (`textlearned`) also learns how curators annotated 2015/2017 abstracts: a bare
"pits" is Preauricular pit, "cleft lip" is Unilateral cleft lip, Cleft lip is dropped wherever written.
On a clinician's note such readings assert what the text does not say. `vet` removes them by rules
computed from the ontology (never from a benchmark score), then by a short hand-curated deny list with a
clinical reason per row (`data/text_learned_vetting.yaml`). It only removes entries; it never adds one.

The phrase's own reading is what the matcher alone gives for the phrase's words. A learned term is kept
when it is that reading, a broader term (it asserts less than the words), a narrower one whose
distinguishing word the phrase itself writes ("acoustic neuroma" → Vestibular schwannoma), or, where the
words name no term, a reading that adds no qualifier, no abnormality and is not one bare word for a longer
name. A dropped reading is kept only for nested mentions (not patient findings) or for readings that are
not a name of the term written in full.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from enum import Enum
from functools import cache

import yaml

from ipexpath.errors import KnowledgeError
from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.lexicon import content_words, normalise, term_names, tokens
from ipexpath.knowledge.textlearned import ANY_PHRASE, LearnedPhrases

VETTING_FILE = "text_learned_vetting.yaml"
_ASSERTS_ABNORMAL = frozenset({"abnormal", "atypical"})  # label words (normalised) that assert an abnormality


class Rule(Enum):
    """Why an entry of a learned table was kept or removed (`kept` says which)."""

    SAME = ("kept", "the phrase's own words name this term")
    BROADER = ("kept", "a broader term than the words name: asserts less than the text")
    SAID = ("kept", "narrower than the words' term, and the phrase writes the word that narrows it")
    NEW = ("kept", "the words name no term; the learned term adds no qualifier or abnormality")
    NARROWER = ("denied", "narrower than the term the words name: adds a qualifier the text does not say")
    OTHER = ("denied", "replaces the term the words name by one the ontology does not relate to it")
    BARE_WORD = ("denied", "one bare word read as a longer, more specific term (coreference)")
    QUALIFIER = ("denied", "adds laterality, severity or extent the text does not say")
    UNSAID_ABNORMAL = ("denied", "asserts an abnormality the phrase does not state")
    DROP_NESTED = ("kept", "drops a nested reading only (nested mentions are no patient findings)")
    DROP_READING = ("kept", "drops a reading the phrase does not spell out as a name of the term")
    DROP_ANYWHERE = ("denied", "would remove the term wherever it is written")
    DROP_WRITTEN = ("denied", "would remove the term where the text writes one of its names")
    HAND = ("denied", "denied by hand (clinical reason given)")

    @property
    def kept(self) -> bool:
        """The entry stays in the vetted table."""
        return self.value[0] == "kept"

    @property
    def description(self) -> str:
        """The rule in words."""
        return self.value[1]


@dataclass(frozen=True)
class Decision:
    """What vetting did with one entry: a phrase → term reading (`nested` None) or a dropped reading."""

    words: frozenset[str]
    term_id: str
    nested: bool | None
    rule: Rule
    reason: str = ""  # the clinical reason of a hand-denied row

    @property
    def kept(self) -> bool:
        """The entry stays in the vetted table."""
        return self.rule.kept


@dataclass(frozen=True)
class VettingPolicy:
    """The vetting data file: qualifier and abnormality words, and the hand-curated deny list."""

    qualifiers: frozenset[str]
    abnormality_words: frozenset[str]
    deny: dict[tuple[frozenset[str], str, bool | None], str]  # (words, id, nested or None) → reason


@cache
def vetting_policy() -> VettingPolicy:
    """Read data/text_learned_vetting.yaml (once)."""
    resource = importlib.resources.files("ipexpath").joinpath("knowledge").joinpath("data")
    try:
        raw = yaml.safe_load(resource.joinpath(VETTING_FILE).read_text(encoding="utf-8"))
        qualifiers = frozenset(normalise(w) for group in raw["qualifiers"].values() for w in group)
        deny: dict[tuple[frozenset[str], str, bool | None], str] = {}
        for row in raw["deny"]:
            nested = row.get("nested")
            deny[
                (
                    frozenset(str(w) for w in row["words"]),
                    str(row["id"]),
                    None if nested is None else bool(nested),
                )
            ] = str(row["reason"])
        return VettingPolicy(qualifiers, frozenset(normalise(w) for w in raw["abnormality_words"]), deny)
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise KnowledgeError(f"The packaged vetting table {VETTING_FILE} is unreadable: {exc}") from exc


def _name_words(kb: KnowledgeBase) -> dict[int, frozenset[str]]:
    """Normalised words of each term's label and EXACT synonyms (what the term's own names say)."""
    cached = kb._cache.get("vetting_name_words")
    if isinstance(cached, dict):
        return cached
    words: dict[int, set[str]] = {}
    for name in term_names(kb):
        if name.kind.is_exact:
            words.setdefault(name.term, set()).update(content_words(tokens(name.text)))
    frozen = {term: frozenset(w) for term, w in words.items()}
    kb._cache["vetting_name_words"] = frozen
    return frozen


def _own_reading(kb: KnowledgeBase, words: frozenset[str]) -> list[tuple[int, bool]]:
    """(term index, matched by a full name) of what the matcher alone reads in the phrase's words."""
    from ipexpath.knowledge.textmine import recognise

    result = recognise(kb, " ".join(sorted(words)))
    return [(kb.term_index[h.term_id], h.name_kind.is_exact) for h in result.hits]


def _term_rule(kb: KnowledgeBase, policy: VettingPolicy, words: frozenset[str], term_id: str) -> Rule:
    term = kb.term_index[term_id]
    reading = [t for t, _ in _own_reading(kb, words)]
    said = {normalise(w) for w in words}
    names = _name_words(kb)
    label_words = set(content_words(tokens(kb.labels[term])))
    if term in reading:
        return Rule.SAME
    if reading:
        if any(term in kb.ancestors(r).tolist() for r in reading):
            return Rule.BROADER
        narrower = [r for r in reading if r in kb.ancestors(term).tolist()]
        if narrower:
            own = names.get(term, frozenset())
            if any(said & (own - names.get(r, frozenset())) for r in narrower):
                return Rule.SAID
            return Rule.NARROWER
        return Rule.OTHER
    if len(words) == 1 and len(label_words) >= 2:
        return Rule.BARE_WORD
    if (label_words & policy.qualifiers) - said:
        return Rule.QUALIFIER
    if label_words & _ASSERTS_ABNORMAL and not said & (policy.abnormality_words | _ASSERTS_ABNORMAL):
        return Rule.UNSAID_ABNORMAL
    return Rule.NEW


def _drop_rule(kb: KnowledgeBase, words: frozenset[str], term_id: str, nested: bool) -> Rule:
    if nested:
        return Rule.DROP_NESTED
    if words == ANY_PHRASE:
        return Rule.DROP_ANYWHERE
    term = kb.term_index.get(term_id)
    if any(t == term and full for t, full in _own_reading(kb, words)):
        return Rule.DROP_WRITTEN
    return Rule.DROP_READING


@dataclass(frozen=True)
class Vetting:
    """A vetted table and the decision on every entry of the table it came from."""

    table: LearnedPhrases
    decisions: tuple[Decision, ...]


def vet(kb: KnowledgeBase, table: LearnedPhrases, policy: VettingPolicy | None = None) -> Vetting:
    """Remove the entries of `table` that say more than their words (rules, then the hand deny list)."""
    policy = policy or vetting_policy()
    decisions: list[Decision] = []
    for words, term_id in sorted(table.terms.items(), key=lambda item: (sorted(item[0]), item[1])):
        if term_id not in kb.term_index:
            continue  # a term this release does not know: never applied anyway
        rule = _term_rule(kb, policy, words, term_id)
        reason = policy.deny.get((words, term_id, None), "")
        decisions.append(Decision(words, term_id, None, Rule.HAND if rule.kept and reason else rule, reason))
    for words, term_id, nested in sorted(table.drop, key=lambda item: (sorted(item[0]), item[1], item[2])):
        if term_id not in kb.term_index:
            continue
        rule = _drop_rule(kb, words, term_id, nested)
        reason = policy.deny.get((words, term_id, nested), "")
        decisions.append(
            Decision(words, term_id, nested, Rule.HAND if rule.kept and reason else rule, reason)
        )
    kept_terms = {d.words: d.term_id for d in decisions if d.kept and d.nested is None}
    kept_drop = frozenset(
        (d.words, d.term_id, d.nested) for d in decisions if d.kept and d.nested is not None
    )
    source = (
        f"{table.source}; vetted by knowledge/textvetting.py with data/{VETTING_FILE} "
        f"({sum(d.kept for d in decisions)} of {len(decisions)} entries kept)"
    )
    return Vetting(LearnedPhrases(kept_terms, kept_drop, source, vetted=True), tuple(decisions))


def vetted_json(kb: KnowledgeBase, vetting: Vetting) -> str:
    """The packaged vetted table's text (data/text_learned_vetted.json): the kept entries, then every
    entry of the raw table with its decision (rule and, for hand-denied rows, the clinical reason); one
    entry a line, stable order, so that a rebuild can be compared."""
    import json

    def label(term: str) -> str:
        return kb.labels[kb.term_index[term]]

    kept = [d for d in vetting.decisions if d.kept]
    terms = ",\n".join(
        "  " + json.dumps([sorted(d.words), d.term_id, label(d.term_id)]) for d in kept if d.nested is None
    )
    drop = ",\n".join(
        "  " + json.dumps([sorted(d.words), d.term_id, d.nested, label(d.term_id)])
        for d in kept
        if d.nested is not None
    )
    decisions = ",\n".join(
        "  "
        + json.dumps(
            [
                "phrase" if d.nested is None else "drop",
                sorted(d.words),
                d.term_id,
                d.nested,
                label(d.term_id),
                d.rule.value[0],
                d.rule.name.lower(),
                d.reason or d.rule.description,
            ]
        )
        for d in vetting.decisions
    )
    return (
        "{\n"
        f' "source": {json.dumps(vetting.table.source)},\n'
        ' "columns": {"terms": ["phrase words", "HPO id", "label"], '
        '"drop": ["phrase words", "HPO id", "nested", "label"], '
        '"decisions": ["entry", "phrase words", "HPO id", "nested", "label", "decision", "rule", "why"]},\n'
        f' "terms": [\n{terms}\n ],\n'
        f' "drop": [\n{drop}\n ],\n'
        f' "decisions": [\n{decisions}\n ]\n'
        "}\n"
    )
