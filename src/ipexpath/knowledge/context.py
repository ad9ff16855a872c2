"""Negation, hypothesis and experiencer of each word of a clinical text (the ConText algorithm).

ConText (Harkema et al. 2009, J Biomed Inform 42:839, doi:10.1016/j.jbi.2009.05.002), which extends NegEx
(Chapman et al. 2001, J Biomed Inform 34:301, doi:10.1006/jbin.2001.1029): trigger phrases open a scope
that runs forward (or backward, for post-triggers such as "was ruled out") until the end of the sentence or
a terminator; pseudo-triggers ("no increase in", "not only", "gram-negative") look like triggers but are
not. Scopes here also end at clause boundaries (issue 12): a semicolon; "but"/"however"/"although"; a verb
that starts a new assertion ("has", "with", "presents", "developed"); and a comma, unless the comma is part
of a list closed by "or"/"nor" (negation: "no fever, rash or diarrhea") or by "and"/"or" (relatives:
"his brother had diarrhea, eczema and diabetes"). Findings of relatives ("his maternal uncle died of
diarrhea", "diabetes in his mother", "family history of ...") are family history, not the patient's.
The trigger lists are adapted from the published NegEx/ConText lexicons (pyConTextNLP's KB; medspacy's
default ConText rules) for short clinical notes; docs/free-text.md compares this with medspacy and negspacy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Assertion(Enum):
    """Whether the text says the patient has a finding."""

    PRESENT = "present"
    ABSENT = "absent"  # negated: "no eczema", "diarrhea was ruled out"
    POSSIBLE = "possible"  # hypothetical or uncertain: "possible enteropathy", "rule out celiac disease"


class Experiencer(Enum):
    """Who the finding is said of."""

    PATIENT = "patient"
    FAMILY = "family"


class _Kind(Enum):
    NEGATION = "negation"
    POSSIBLE = "possible"
    FAMILY = "family"
    PSEUDO = "pseudo"


@dataclass(frozen=True)
class WordContext:
    """ConText flags of one word."""

    assertion: Assertion
    experiencer: Experiencer


_NEG_FORWARD = (
    "no",
    "not",
    "without",
    "denies",
    "denied",
    "deny",
    "denying",
    "never",
    "neither",
    "nor",
    "absent",
    "absence of",
    "free of",
    "negative for",
    "no evidence of",
    "no signs of",
    "no sign of",
    "no history of",
    "lack of",
    "lacks",
    "lacked",
    "ruled out",
    "excluded",
    "resolution of",
    "unremarkable for",
)
_NEG_BACKWARD = (
    "absent",
    "was ruled out",
    "were ruled out",
    "has been ruled out",
    "ruled out",
    "was excluded",
    "were excluded",
    "excluded",
    "was negative",
    "were negative",
    "negative",
    "not seen",
    "not present",
    "not found",
    "not detected",
    "not observed",
    "none",
    "resolved",
    "is absent",
    "was absent",
    "were absent",
)
_POSSIBLE_FORWARD = (
    "possible",
    "possibly",
    "probable",
    "probably",
    "suspected",
    "suspect",
    "suspicion of",
    "suspicious for",
    "concern for",
    "concerning for",
    "rule out",
    "r o",
    "query",
    "questionable",
    "may have",
    "might have",
    "could be",
    "may be",
    "cannot exclude",
    "can not exclude",
    "cannot rule out",
    "not ruled out",
    "not excluded",
    "risk of",
    "at risk for",
    "at risk of",
    "evaluate for",
    "evaluation for",
    "screen for",
    "screening for",
    "to exclude",
    "differential diagnosis",
    "if",
)
_POSSIBLE_BACKWARD = (
    "is suspected",
    "was suspected",
    "suspected",
    "cannot be excluded",
    "could not be excluded",
    "not excluded",
    "cannot be ruled out",
    "is possible",
    "is likely",
    "unlikely",
    "was considered",
    "is considered",
)
_FAMILY = (
    "family history of",
    "family history",
    "fh of",
    "mother",
    "father",
    "parent",
    "parents",
    "brother",
    "brothers",
    "sister",
    "sisters",
    "sibling",
    "siblings",
    "sib",
    "sibs",
    "uncle",
    "uncles",
    "aunt",
    "aunts",
    "cousin",
    "cousins",
    "grandmother",
    "grandfather",
    "grandparent",
    "grandparents",
    "nephew",
    "nephews",
    "niece",
    "nieces",
    "relative",
    "relatives",
    "twin",
)
_PSEUDO = (
    "no increase",
    "no increase in",
    "no change",
    "no change in",
    "no significant change",
    "not only",
    "no further",
    "not necessarily",
    "not certain if",
    "not cause",
    "not drain",
    "without difficulty",
    "not extend",
    "no longer",  # handled as a past finding: the text says it was present
    "gram negative",
    "not ruled out",
    "not excluded",
    "if needed",
    "if necessary",
)
# A relative who reports or notices a finding is the informant, not the one who has it: "Mother reports
# diarrhoea since birth", "parents noticed eczema", "per mother" (history given by a parent, everyday
# paediatric usage) say nothing of the relative's own health.
_INFORMANT_VERBS = (
    "reports reported report describes described describe noticed notices notice notes noted says said "
    "states stated observed observes recalls recalled mentions mentioned"
).split()
_INFORMANTS = tuple(
    f"{relative} {verb}" for relative in _FAMILY if " " not in relative for verb in _INFORMANT_VERBS
) + tuple(
    f"{lead} {relative}"
    for relative in ("mother", "father", "parent", "parents", "the mother", "the father", "the parents")
    for lead in ("per", "according to")
)
_TELLING = frozenset(_INFORMANT_VERBS) | {"brought", "brings", "relates", "related", "explains", "explained"}
# Words that end every scope (besides sentence end and ';').
_TERMINATORS = frozenset(
    "but however although though except yet whereas which apart aside nevertheless still".split()
)
# Words that start a new assertion about the patient: they end negation and hypothesis scopes.
_NEW_ASSERTION = frozenset(
    "has have had with presents presented presenting shows showed developed develops reports reported "
    "complains complained".split()
)
# Words that bring the sentence back to the patient: they end a relative's scope.
_PATIENT_WORDS = frozenset("patient proband he she boy girl infant child index our himself herself".split())
MAX_SCOPE_WORDS = 30  # a scope never runs further (keeps the work linear in the text's length)
_SENTENCE_CHARS = frozenset(".!?;\n")
_SENTENCE_END = re.compile(r"[.!?;\n]")
_WORD = re.compile(r"\d+(?:[.,]\d+)+|[A-Za-z0-9]+")
_GAP_WORD = re.compile(r"([^A-Za-z0-9]*)(\d+(?:[.,]\d+)+|[A-Za-z0-9]+)")  # what precedes a word; the word
_UP_TO_LAST_WORD = re.compile(r"(?s:.*)[A-Za-z0-9]")  # greedy, then one step back: linear


def _phrases(
    items: tuple[str, ...], kind: _Kind, backward: bool
) -> list[tuple[tuple[str, ...], _Kind, bool]]:
    return [(tuple(item.split()), kind, backward) for item in items]


_RULES = sorted(
    _phrases(_PSEUDO + _INFORMANTS, _Kind.PSEUDO, False)
    + _phrases(_NEG_FORWARD, _Kind.NEGATION, False)
    + _phrases(_NEG_BACKWARD, _Kind.NEGATION, True)
    + _phrases(_POSSIBLE_FORWARD, _Kind.POSSIBLE, False)
    + _phrases(_POSSIBLE_BACKWARD, _Kind.POSSIBLE, True)
    + _phrases(_FAMILY, _Kind.FAMILY, False),
    key=lambda rule: -len(rule[0]),
)
_FIRST_WORDS = {rule[0][0] for rule in _RULES}
_RULES_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
_OPTIONS: dict[tuple[str, ...], list[tuple[_Kind, bool]]] = {}
for _phrase, _kind, _backward in _RULES:
    if _phrase not in _OPTIONS:
        _RULES_BY_FIRST.setdefault(_phrase[0], []).append(_phrase)  # longest first, as _RULES
    _OPTIONS.setdefault(_phrase, []).append((_kind, _backward))
_LIST_CLOSERS = {_Kind.NEGATION: {"or", "nor"}, _Kind.POSSIBLE: {"or"}, _Kind.FAMILY: {"and", "or"}}
_PREPOSITIONS = {"in", "of", "affecting", "by"}
_DETERMINERS = {"his", "her", "their", "the", "a", "an", "maternal", "paternal", "older", "younger", "elder"}


@dataclass(slots=True)
class Word:
    """A word of the text with its offsets and what precedes it (punctuation, for clause boundaries)."""

    text: str
    lower: str
    start: int
    end: int
    comma_before: bool
    sentence_before: bool  # . ! ? ; or a line break (or the text's start) before the word
    hyphen_before: bool  # glued to the previous word by '-' or '/'
    colon_before: bool = False  # ':' before the word (ends a phrase, not a ConText scope)


def words(text: str) -> list[Word]:
    """Words and numbers ("4,500" is one) of `text` with the punctuation in front of each."""
    out: list[Word] = []
    append = out.append
    sentence_chars = _SENTENCE_CHARS
    position = 0
    # stop at the last letter or digit: a trailing run of punctuation would make findall quadratic
    last = _UP_TO_LAST_WORD.match(text)
    for gap, word in _GAP_WORD.findall(text, 0, last.end() if last else 0):  # offsets follow from lengths
        start = position + len(gap)
        position = start + len(word)
        if gap == " ":
            append(Word(word, word.lower(), start, position, False, not out, False))
        else:
            append(
                Word(
                    word,
                    word.lower(),
                    start,
                    position,
                    "," in gap,
                    not out or not sentence_chars.isdisjoint(gap),
                    gap == "-" or gap == "/",
                    ":" in gap,
                )
            )
    return out


@dataclass(frozen=True)
class ContextFlags:
    """ConText flags of every word, by word position."""

    negated: list[bool]
    possible: list[bool]
    family: list[bool]

    def at(self, k: int) -> WordContext:
        """The flags of word `k` as assertion and experiencer."""
        assertion = (
            Assertion.ABSENT
            if self.negated[k]
            else Assertion.POSSIBLE
            if self.possible[k]
            else Assertion.PRESENT
        )
        return WordContext(assertion, Experiencer.FAMILY if self.family[k] else Experiencer.PATIENT)


def assign_context(items: list[Word], protected: set[int]) -> ContextFlags:
    """ConText flags for every word; words in `protected` (inside a recognised term) fire no trigger."""
    n = len(items)
    negated = [False] * n
    possible = [False] * n
    family = [False] * n
    flags = {_Kind.NEGATION: negated, _Kind.POSSIBLE: possible, _Kind.FAMILY: family}
    i = 0
    while i < n:
        if items[i].lower not in _FIRST_WORDS:
            i += 1
            continue
        rule = _match_rule(items, i, protected)
        if rule is None:
            i += 1
            continue
        length, kind, backward = rule
        if kind is _Kind.PSEUDO:
            i += length
            continue
        if kind is _Kind.FAMILY and _is_informant(items, i, length):
            i += length  # "according to his mother, …", "noticed by the parents": the parent tells the story
            continue
        target = flags[kind]
        if backward or (kind is _Kind.FAMILY and _is_backward_relative(items, i)):
            for j in _backward_scope(items, i, kind):
                target[j] = True
        else:
            for j in _forward_scope(items, i + length, kind):
                target[j] = True
        i += length
    return ContextFlags(negated, possible, family)


def _match_rule(items: list[Word], i: int, protected: set[int]) -> tuple[int, _Kind, bool] | None:
    first = items[i].lower
    if first not in _FIRST_WORDS or i in protected:
        return None
    # "Coombs-negative", "non-bloody": a trigger glued to the word before it qualifies only that word
    if items[i].hyphen_before:
        return None
    n = len(items)
    for phrase in _RULES_BY_FIRST[first]:
        k = len(phrase)
        if i + k > n or (k > 1 and items[i + 1].lower != phrase[1]):
            continue  # the second word decides most rules without the loop below
        if k > 1 and not all(
            items[i + m].lower == phrase[m] and not items[i + m].sentence_before for m in range(1, k)
        ):
            continue
        options = _OPTIONS[phrase]
        has_after = i + k < n and not items[i + k].sentence_before and not items[i + k].comma_before
        has_before = i > 0 and not items[i].sentence_before and not items[i].comma_before
        for kind, backward in options:
            if kind in (_Kind.PSEUDO, _Kind.FAMILY) or (has_after and not backward):
                return k, kind, backward
        for kind, backward in options:
            if has_before and backward:
                return k, kind, backward
        return k, _Kind.PSEUDO, False  # a trigger with nothing to act on
    return None


def _is_informant(items: list[Word], i: int, length: int) -> bool:
    """ "Per his mother", "according to the parents", "reported by the mother", "his mother brought him":
    a relative (after determiners) who tells the patient's story; `_INFORMANTS` covers the adjacent forms."""
    after = i + length
    if after < len(items) and not items[after].sentence_before and items[after].lower in _TELLING:
        return True
    j = i - 1
    while j >= 0 and items[j].lower in _DETERMINERS and not items[j + 1].sentence_before:
        j -= 1
    if j < 0 or items[j + 1].sentence_before:
        return False
    before = items[j].lower
    if before == "per" or (before == "to" and j > 0 and items[j - 1].lower == "according"):
        return True
    return before == "by" and j > 0 and items[j - 1].lower in _TELLING


def _is_backward_relative(items: list[Word], i: int) -> bool:
    """ "diabetes in his mother": a relative word after a preposition refers back to the finding."""
    j = i - 1
    while j >= 0 and items[j].lower in _DETERMINERS and not items[j + 1].sentence_before:
        j -= 1
    return j >= 0 and items[j].lower in _PREPOSITIONS and not items[j + 1].sentence_before and j > 0


def _ends_scope(items: list[Word], j: int, kind: _Kind) -> bool:
    word = items[j]
    if word.sentence_before or word.lower in _TERMINATORS:
        return True
    if kind is _Kind.FAMILY:
        return word.lower in _PATIENT_WORDS
    return word.lower in _NEW_ASSERTION


def _list_continues(items: list[Word], j: int, kind: _Kind) -> bool:
    """After a comma at word j: does a list closed by 'or'/'nor' ('and' for relatives) follow?"""
    closers = _LIST_CLOSERS[kind]
    for k in range(j, min(len(items), j + MAX_SCOPE_WORDS)):
        if k > j and _ends_scope(items, k, kind):
            return False
        if items[k].lower in closers:
            return True
        if kind is not _Kind.FAMILY and items[k].lower == "and":
            return False
    return False


def _forward_scope(items: list[Word], start: int, kind: _Kind) -> range:
    j = start
    end = min(len(items), start + MAX_SCOPE_WORDS)
    while j < end:
        if j > start and _ends_scope(items, j, kind):
            break
        if j == start and items[j].sentence_before:
            break
        if j > start and items[j].comma_before and not _list_continues(items, j, kind):
            break
        j += 1
    return range(start, j)


def _backward_scope(items: list[Word], trigger: int, kind: _Kind) -> range:
    j = trigger
    while j > max(0, trigger - MAX_SCOPE_WORDS):
        if items[j].sentence_before or items[j].comma_before:
            break
        if items[j - 1].lower in _TERMINATORS or (
            kind is not _Kind.FAMILY and items[j - 1].lower in _NEW_ASSERTION
        ):
            break
        j -= 1
    return range(j, trigger)
