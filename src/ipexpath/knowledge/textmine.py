"""Offline concept recognition: clinical text → HPO terms, with simple negation ("no eczema" → excluded).

Dictionary matching of term labels and synonyms (order-free, light stemming), longest match first,
non-overlapping; negation triggers in the style of NegEx (Chapman et al. 2001, doi:10.1006/jbin.2001.1029)
scope to the end of the clause. Also picks up an age ("3 month old") and sex words ("boy", "girl").
Every recognised span is reported so a person can check and correct it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ipexpath.case.ages import DAYS_PER_MONTH, DAYS_PER_YEAR
from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.lexicon import STOPWORDS, content_key, term_names

MAX_WINDOW = 8  # longest phrase, in content words, looked up in the dictionary
_NEGATION_TRIGGERS = (
    "no",
    "not",
    "without",
    "denies",
    "denied",
    "absent",
    "absence",
    "negative",
    "free",
    "never",
    "nor",
    "lacks",
    "lack",
)
_NEGATION_PHRASES = (
    "ruled out",
    "rule out",
    "no evidence of",
    "no sign of",
    "no signs of",
    "negative for",
    "free of",
    "absence of",
)
_SCOPE_BREAKS = {"but", "however", "although", "though", "except", "yet", "whereas", "apart"}
_CLAUSE_END = re.compile(r"[.;:!?\n]")
_WORD = re.compile(r"[A-Za-z0-9]+")
_AGE = re.compile(r"(\d+(?:\.\d+)?)[\s-]*(day|week|month|year|yr|mo)s?[\s-]*old", re.IGNORECASE)
# Onset of symptoms: "since 2 months", "onset at 3 weeks (of age)", "began at 6 months", "from birth".
_ONSET = re.compile(
    r"\b(?:since|onset\s+(?:at|of|in)|began\s+at|beginning\s+at|started\s+at|starting\s+at|from)"
    r"\s+(?:the\s+)?(?:age\s+(?:of\s+)?)?(\d+(?:\.\d+)?|birth)(?:[\s-]*(day|week|month|year|yr|mo)s?)?",
    re.IGNORECASE,
)
_MALE = re.compile(r"\b(boy|male|man|son|he|his)\b", re.IGNORECASE)
_FEMALE = re.compile(r"\b(girl|female|woman|daughter|she|her)\b", re.IGNORECASE)
# Words that put a clause about a relative ("his maternal uncle died of diarrhea"): findings there are family
# history, not the patient's features.
_RELATIVES = {
    "mother",
    "father",
    "brother",
    "brothers",
    "sister",
    "sisters",
    "uncle",
    "uncles",
    "aunt",
    "aunts",
    "cousin",
    "cousins",
    "sibling",
    "siblings",
    "grandmother",
    "grandfather",
    "grandparent",
    "parents",
    "relative",
    "relatives",
    "family",
}
# Words in clinical text that, on their own, match a term name but almost never mean it.
_AMBIGUOUS_SINGLE = {
    "old",
    "boy",
    "girl",
    "male",
    "female",
    "month",
    "year",
    "day",
    "week",
    "onset",
    "case",
    "patient",
    "age",
    "birth",
    "born",
    "type",
    "present",
    "history",
    "normal",
    "abnormal",
}


@dataclass(frozen=True)
class TextHit:
    """A recognised term: where it was found and whether it was negated."""

    term_id: str
    label: str
    span: tuple[int, int]
    text: str
    negated: bool
    relative: bool = False  # said of a relative (family history), not of the patient

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.term_id,
            "label": self.label,
            "text": self.text,
            "start": self.span[0],
            "end": self.span[1],
            "excluded": self.negated,
            "family_history": self.relative,
        }


@dataclass(frozen=True)
class TextResult:
    """Everything recognised in a text."""

    text: str
    hits: tuple[TextHit, ...]
    sex: str | None = None
    age_days: float | None = None
    unmatched: tuple[str, ...] = field(default=())
    onset_days: float | None = None  # earliest onset of symptoms stated in the text

    def describe(self) -> list[str]:
        """One line per recognised span, for a person to check."""
        lines = []
        for hit in self.hits:
            state = "excluded" if hit.negated else "observed"
            if hit.relative:
                state = "said of a relative: family history, not used as the patient's feature"
            lines.append(f"text '{hit.text}' → {hit.term_id} {hit.label} ({state})")
        return lines

    def patient_terms(self) -> tuple[list[TextHit], list[TextHit]]:
        """(observed, excluded) hits said of the patient; hits about relatives are left out."""
        own = [h for h in self.hits if not h.relative]
        return [h for h in own if not h.negated], [h for h in own if h.negated]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "hits": [h.to_dict() for h in self.hits],
            "sex": self.sex,
            "age_days": self.age_days,
            "onset_days": self.onset_days,
        }


@dataclass(frozen=True)
class _Token:
    word: str
    start: int
    end: int
    negated: bool  # inside a negation scope opened before this token
    segment: int  # phrases never span a clause boundary (. ; : ! ? or 'but')
    trigger: bool = False  # a negation word that can also begin a term name ("absent speech")
    relative: bool = False  # the clause is about a relative


# Negation words that are also the first word of HPO term names ("Absent speech", "Absence of ...").
_CONTENT_TRIGGERS = {"absent", "absence", "lack", "lacks", "negative", "free"}


def _dictionary(kb: KnowledgeBase) -> dict[tuple[str, ...], int]:
    cached = kb._cache.get("text_dictionary")
    if isinstance(cached, dict):
        return cached
    from ipexpath.knowledge.lexicon import tokens

    phenotype_root = kb.term_index.get("HP:0000118")
    table: dict[tuple[str, ...], tuple[int, int]] = {}  # key → (priority, term)
    for entry in term_names(kb):
        if phenotype_root is not None and not kb.is_phenotype(entry.term):
            continue
        key = content_key(tokens(entry.text))
        if not key or len(key) > MAX_WINDOW:
            continue
        if len(key) == 1 and (key[0] in _AMBIGUOUS_SINGLE or len(key[0]) < 3):
            continue
        # labels beat synonyms; then the more general term (fewer ancestors) for a shared synonym
        priority = (0 if entry.is_label else 1) * 100000 + len(kb.ancestors(entry.term))
        if key not in table or priority < table[key][0]:
            table[key] = (priority, entry.term)
    result = {key: term for key, (_, term) in table.items()}
    kb._cache["text_dictionary"] = result
    return result


def _tokenise(text: str) -> list[_Token]:
    out: list[_Token] = []
    negated = False
    window = 0
    segment = 0
    relative = False
    lowered = text.lower()
    phrase_starts = {m.start() for p in _NEGATION_PHRASES for m in re.finditer(re.escape(p), lowered)}
    last_end = 0
    for match in _WORD.finditer(text):
        gap = text[last_end : match.start()]
        if _CLAUSE_END.search(gap):
            negated = False
            relative = False
            segment += 1
        elif "," in gap and window > 3:
            negated = False
        last_end = match.end()
        word = match.group(0).lower()
        if word in _SCOPE_BREAKS:
            negated = False
            relative = False
            segment += 1
            continue
        if word in _RELATIVES:
            relative = True
            continue
        if word in _NEGATION_TRIGGERS or match.start() in phrase_starts:
            if word in _CONTENT_TRIGGERS:
                out.append(_Token(word, match.start(), match.end(), negated, segment, True, relative))
            negated = True
            window = 0
            continue
        if word in STOPWORDS:
            continue
        window += 1
        out.append(_Token(word, match.start(), match.end(), negated, segment, False, relative))
    return out


def recognise(kb: KnowledgeBase, text: str) -> TextResult:
    """Recognise HPO terms, negation, age and sex in `text` (no network, deterministic)."""
    dictionary = _dictionary(kb)
    toks = _tokenise(text)
    hits: list[TextHit] = []
    seen: set[tuple[str, bool, bool]] = set()
    i = 0
    while i < len(toks):
        matched = False
        for width in range(min(MAX_WINDOW, len(toks) - i), 0, -1):
            window = toks[i : i + width]
            if window[-1].segment != window[0].segment:
                continue
            key = content_key([t.word for t in window])
            term = dictionary.get(key)
            if term is None:
                continue
            # a term that begins with its own negation word ("absent speech") keeps the scope before it
            negated = window[0].negated
            span = (window[0].start, window[-1].end)
            term_id = kb.term_ids[term]
            relative = window[0].relative
            if (term_id, negated, relative) not in seen:
                seen.add((term_id, negated, relative))
                hits.append(
                    TextHit(term_id, kb.labels[term], span, text[span[0] : span[1]], negated, relative)
                )
            i += width
            matched = True
            break
        if not matched:
            i += 1
    return TextResult(
        text=text, hits=tuple(hits), sex=_sex(text), age_days=_age(text), onset_days=_onset(text)
    )


_UNIT_DAYS = {
    "day": 1.0,
    "week": 7.0,
    "month": DAYS_PER_MONTH,
    "mo": DAYS_PER_MONTH,
    "year": DAYS_PER_YEAR,
    "yr": DAYS_PER_YEAR,
}


def _age(text: str) -> float | None:
    match = _AGE.search(text)
    if not match:
        return None
    return float(match.group(1)) * _UNIT_DAYS[match.group(2).lower()]


def _onset(text: str) -> float | None:
    """Earliest stated onset in days (birth = 0); a number without a unit ("from 2") is not an age."""
    days = []
    for match in _ONSET.finditer(text):
        value, unit = match.group(1).lower(), match.group(2)
        if value == "birth":
            days.append(0.0)
        elif unit:
            days.append(float(value) * _UNIT_DAYS[unit.lower()])
    return min(days) if days else None


def _sex(text: str) -> str | None:
    male, female = bool(_MALE.search(text)), bool(_FEMALE.search(text))
    if male and not female:
        return "MALE"
    if female and not male:
        return "FEMALE"
    return None
