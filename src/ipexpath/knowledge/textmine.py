"""Offline concept recognition: clinical text → HPO terms, each with its assertion and experiencer.

Dictionary matching of HPO labels, scoped synonyms and the curated phrase table (order-free, normalised
words — see `lexicon`), longest match first; shorter terms inside a match are kept as nested mentions
("severe intellectual disability" also mentions "intellectual disability"). Negation, hypothesis and family
history come from the ConText algorithm (`context`). Clinical-looking phrases that match no term are listed
as unrecognised so a person can add terms by hand. Also picks up an age ("3 month old"), sex words and a
stated onset. Every span is reported so a person can check and correct it.

Limits: texts up to MAX_TEXT_CHARS characters (longer → a clear error); time and memory are linear in the
text's length (regular expressions are written so that runs of digits cannot make them quadratic).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ipexpath.errors import InputError
from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.context import Assertion, Experiencer, Word, assign_context, words
from ipexpath.knowledge.lexicon import (
    FILLERS,
    QUALIFIERS,
    STOPWORDS,
    NameKind,
    content_key,
    normalise,
    reduced_key,
    stem,
    term_names,
)
from ipexpath.knowledge.textlearned import ANY_PHRASE, LearnedPhrases
from ipexpath.types import DAYS_PER_MONTH, DAYS_PER_YEAR

# Terms outside Phenotypic abnormality that notes state: "Age of death" (Death in infancy, Neonatal death…),
# which for an X-linked disease is often what the family history says ("his maternal uncle died in infancy").
_AGE_OF_DEATH = "HP:0011420"
MAX_TEXT_CHARS = 200_000  # about 60 pages; worst case about 10 s (benchmarks/bench_text_limits.py)
MAX_WINDOW = 8  # longest phrase, in content words, looked up in the dictionary
MAX_UNRECOGNISED_WORDS = 6  # longer uncovered phrases are not listed as unrecognised
MAX_UNRECOGNISED = 50  # phrases listed per text
LOOSE_SCORE = {
    NameKind.NARROW: 0.9,  # the text is more specific than the term: the term is still true
    NameKind.BROAD: 0.6,  # the text is broader than the term: it may mean a sibling
    NameKind.RELATED: 0.5,
    NameKind.LEARNED: 0.7,  # what curators of GSC+ called the phrase, on at least half its occurrences
    NameKind.VETTED: 0.7,  # the same, clinically vetted (knowledge/textvetting.py)
}
_AGE = re.compile(
    r"(?<![\d.])(\d{1,3}(?:\.\d{1,2})?)[\s-]{0,3}(day|week|month|year|yr|mo)s?[\s-]{0,3}old", re.IGNORECASE
)
# Onset of symptoms: "since 2 months", "onset at 3 weeks (of age)", "began at 6 months", "from birth".
_ONSET = re.compile(
    r"\b(?:since|onset\s+(?:at|of|in)|began\s+at|beginning\s+at|started\s+at|starting\s+at|from)"
    r"\s{1,3}(?:the\s+)?(?:age\s+(?:of\s+)?)?(?<![\d.])(\d{1,3}(?:\.\d{1,2})?(?![\d.])|birth)"
    r"(?:[\s-]{0,3}(day|week|month|year|yr|mo)s?)?",
    re.IGNORECASE,
)
_MALE = frozenset("boy male man son he his".split())
_FEMALE = frozenset("girl female woman daughter she her".split())
_MALE_NOUNS = frozenset("boy male man".split())
_FEMALE_NOUNS = frozenset("girl female woman".split())
_ONSET_WORDS = frozenset("since onset began beginning started starting from".split())
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HTML_TAG = re.compile(r"<[A-Za-z/!][^<>]{0,500}>")
_UNITS = frozenset(
    "iu u ku ml dl l mg g kg mmol umol nmol pmol ng pg mcg ug mm mm3 cm ul nl fl percent x10 cells "
    "mmhg meq".split()
)
_COORDINATORS = frozenset(("and", "or", "nor"))
_MAX_LIST = 6  # items of a list sharing one head ("anal, renal, limb and ear anomalies")
_JOINED_NAME = re.compile(r"/|\b(?:and|or|nor)\b", re.IGNORECASE)  # names that may cross an "and"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Medical word parts that make an unmatched phrase look clinical (for the "not recognised" list).
_CLINICAL = re.compile(
    r"(itis|osis|oses|emia|aemia|pathy|penia|megaly|plasia|trophy|algia|rrhea|rrhoea|uria|oma|omas|philia"
    r"|cytosis|iasis|ectasia|opathy|ism|oid|tic|ency|body|bodies|[^a]ia)$|^(hyper|hypo|dys|auto|anti|poly|micro|macro)"
)
_NOT_CLINICAL = frozenset(
    "patient patients history family month months year years week weeks day days old since birth boy girl "
    "male female infant child mother father brother sister uncle aunt cousin antibiotic antibiotics "
    "treatment treated therapy started stopped admitted presented presenting".split()
)
# Grades that HPO names carry ("Severe ...", "..., mild"); a name without them names the graded term's parent.
_SEVERITY = frozenset(
    "mild mildly moderate moderately severe severely profound profoundly borderline".split()
)
# Words that, on their own, match a term name but almost never mean it in clinical text.
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
    "increased",
    "decreased",
}


@dataclass(frozen=True)
class TextHit:
    """A recognised term: where it was found, what the text asserts about it, and which name matched."""

    term_id: str
    label: str
    span: tuple[int, int]
    text: str
    negated: bool
    relative: bool = False  # said of a relative (family history), not of the patient
    uncertain: bool = False  # hypothetical or suspected ("possible enteropathy")
    name_kind: NameKind = NameKind.LABEL
    matched_name: str = ""
    score: float = 1.0  # 1 for labels, EXACT synonyms and curated phrases; lower for looser synonyms
    nested: bool = False  # inside a longer recognised phrase (kept as a mention, not as a finding)

    @property
    def assertion(self) -> Assertion:
        """Present, absent (negated) or possible."""
        if self.negated:
            return Assertion.ABSENT
        return Assertion.POSSIBLE if self.uncertain else Assertion.PRESENT

    @property
    def experiencer(self) -> Experiencer:
        """The patient, or a relative (family history)."""
        return Experiencer.FAMILY if self.relative else Experiencer.PATIENT

    def state(self) -> str:
        """What the text says about this finding, in words."""
        if self.relative:
            return "said of a relative: family history, not used as the patient's feature"
        if self.uncertain:
            return "possible: not used as an observed or excluded feature"
        return "excluded" if self.negated else "observed"

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the batch line format of issue 12, plus the match details)."""
        return {
            "id": self.term_id,
            "label": self.label,
            "text": self.text,
            "start": self.span[0],
            "end": self.span[1],
            "excluded": self.negated,
            "family_history": self.relative,
            "uncertain": self.uncertain,
            "matched": self.name_kind.value,
            "score": self.score,
        }


@dataclass(frozen=True)
class TextSpan:
    """A clinical-looking phrase that matched no HPO term."""

    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class TextResult:
    """Everything recognised in a text: findings, nested mentions, unrecognised phrases, age, sex."""

    text: str
    hits: tuple[TextHit, ...]
    sex: str | None = None
    age_days: float | None = None
    unrecognised: tuple[TextSpan, ...] = field(default=())
    onset_days: float | None = None  # earliest onset of symptoms stated in the text
    nested: tuple[TextHit, ...] = field(default=())
    repeats: tuple[TextHit, ...] = field(default=())  # later mentions of a finding already in hits/nested
    adoption: tuple[TextSpan, ...] = field(default=())  # clauses saying someone was adopted

    @property
    def mentions(self) -> tuple[TextHit, ...]:
        """Every recognised mention in text order: nested ones and repeats included (what GSC+ scores)."""
        return tuple(sorted(self.hits + self.nested + self.repeats, key=lambda h: h.span))

    @property
    def observed(self) -> tuple[TextHit, ...]:
        """Findings the text asserts of the patient."""
        return tuple(h for h in self.hits if h.assertion is Assertion.PRESENT and not h.relative)

    @property
    def excluded(self) -> tuple[TextHit, ...]:
        """Findings the text negates for the patient."""
        return tuple(h for h in self.hits if h.negated and not h.relative)

    @property
    def family_history(self) -> tuple[TextHit, ...]:
        """Findings said of relatives."""
        return tuple(h for h in self.hits if h.relative)

    @property
    def possible(self) -> tuple[TextHit, ...]:
        """Findings the text only suspects for the patient."""
        return tuple(h for h in self.hits if h.assertion is Assertion.POSSIBLE and not h.relative)

    def describe(self) -> list[str]:
        """One line per recognised span and per unrecognised phrase, for a person to check."""
        lines = []
        for hit in self.hits:
            how = ""
            if not hit.name_kind.is_exact:
                how = (
                    f"; via {hit.name_kind.value} '{hit.matched_name}', score {hit.score:.1f} — please check"
                )
            lines.append(f"text '{hit.text}' → {hit.term_id} {hit.label} ({hit.state()}{how})")
        lines.extend(f"not recognised: '{span.text}'" for span in self.unrecognised)
        lines.extend(f"adoption: '{span.text}' — {ADOPTION_LIMIT}" for span in self.adoption)
        return lines

    def family_history_note(self) -> str | None:
        """Relatives' findings with the clause that states them, and any adoption the text states (the
        biological family history may then be unknown), for a case's family history (or None).

        Also quotes clauses naming a relative with a diagnosis, a death or a carrier state that gave no HPO
        term ("her brother died of IPEX at 8 months"): for an X-linked disease that is the key family fact.
        """
        clauses: dict[tuple[int, int], list[str]] = {}
        for hit in self.family_history:
            start, end = _clause(self.text, hit.span)
            labels = clauses.setdefault((start, end), [])
            if hit.label not in labels:
                labels.append(hit.label)
        for start, end in _family_statements(self.text):
            if not any(s <= start < e or start <= s < end for s, e in clauses):
                clauses[(start, end)] = []
        notes = []
        if clauses:
            parts = [
                f"'{self.text[start:end]}'" + (f" ({', '.join(labels)})" if labels else "")
                for (start, end), labels in sorted(clauses.items())
            ]
            notes.append(
                "From the text, said of relatives (not the patient's features): " + "; ".join(parts) + "."
            )
        if self.adoption:
            quoted = "; ".join(f"'{span.text}'" for span in self.adoption)
            notes.append(f"From the text, adoption: {quoted} — {ADOPTION_LIMIT}.")
        return " ".join(notes) or None

    def patient_death_clauses(self) -> list[str]:
        """Clauses that may say the patient died ("Died at 5 months"): no relative named in them."""
        out: list[str] = []
        for death in _DEATH.finditer(self.text):
            start, end = _clause(self.text, death.span())
            clause = self.text[start:end]
            if not _RELATIVE.search(clause) and not _NOT_PATIENT.search(clause) and clause not in out:
                out.append(clause)
        return out

    def patient_terms(self) -> tuple[list[TextHit], list[TextHit]]:
        """(observed, excluded) hits said of the patient; relatives' and merely possible findings left out."""
        return list(self.observed), list(self.excluded)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "hits": [h.to_dict() for h in self.hits],
            "unrecognised": [s.to_dict() for s in self.unrecognised],
            "sex": self.sex,
            "age_days": self.age_days,
            "onset_days": self.onset_days,
            "adoption": [s.to_dict() for s in self.adoption],
        }


ADOPTION_LIMIT = "the biological family history may be unknown or incomplete"
_ADOPTION_WORDS = frozenset({"adopted", "adoption", "adoptive"})
_NOT_ADOPTED = frozenset({"not", "never", "non"})
_CLAUSE_END = re.compile(r"[.;!?\n]")
_MAX_CLAUSE = 160  # characters of a clause quoted in a family-history note


# A relative named with a diagnosis, a death or a carrier state: a family fact even without an HPO term.
_RELATIVE = re.compile(
    r"\b(?:mother|father|parents?|brothers?|sisters?|siblings?|sibs?|uncles?|aunts?|cousins?|"
    r"grand(?:mother|father|parents?)|nephews?|nieces?|relatives?|twin|son|daughter|half-brother|"
    r"half-sister|family history)\b",
    re.IGNORECASE,
)
_FAMILY_FACT = re.compile(
    r"\b(?:IPEX|FOXP3|died|dead|death|deceased|passed away|stillb\w*|miscarr\w*|carriers?|affected|"
    r"diagnosed|consanguin\w*|transplant\w*|HSCT)\b",
    re.IGNORECASE,
)

_DEATH = re.compile(r"\b(?:died|passed away|deceased)\b", re.IGNORECASE)
_NOT_PATIENT = re.compile(
    r"\b(?:family|families|patients|cases|children|boys|no one|none|nobody)\b", re.IGNORECASE
)
_INFORMANT_AFTER = re.compile(
    r"\s+(?:reports|reported|noticed|notes|noted|describes|described|says|said|states|stated|observed|"
    r"mentions|mentioned|relates|explains|explained|recalls|recalled|brought)\b",
    re.IGNORECASE,
)
_INFORMANT_BEFORE = re.compile(
    r"(?:\bper|\baccording\s+to|\b(?:reported|noticed|noted|described|observed|brought)\s+by)"
    r"(?:\s+(?:his|her|their|the))?\s*$",
    re.IGNORECASE,
)


def _family_statements(text: str) -> list[tuple[int, int]]:
    """Clauses (sentence parts) that name a relative together with a diagnosis, death or carrier state."""
    found: list[tuple[int, int]] = []
    for relative in _RELATIVE.finditer(text):
        if _INFORMANT_AFTER.match(text, relative.end()) or _INFORMANT_BEFORE.search(
            text, max(0, relative.start() - 40), relative.start()
        ):
            continue  # "per mother, he was diagnosed with diabetes": the parent tells the patient's story
        start, end = _clause(text, relative.span())
        if _FAMILY_FACT.search(text, start, end) and (start, end) not in found:
            found.append((start, end))
    return found


def _clause(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """(start, end) of the sentence or clause holding `span`, at most _MAX_CLAUSE characters around it."""
    low = max(0, span[0] - _MAX_CLAUSE)
    before = [m.end() for m in _CLAUSE_END.finditer(text, low, span[0])]
    start = before[-1] if before else low
    after = _CLAUSE_END.search(text, span[1], min(len(text), span[1] + _MAX_CLAUSE))
    end = after.start() if after else min(len(text), span[1] + _MAX_CLAUSE)
    while start < span[0] and text[start].isspace():
        start += 1
    return start, end


@dataclass(frozen=True)
class _Entry:
    term: int
    kind: NameKind
    name: str
    upper_only: bool  # an all-capitals abbreviation synonym ("ODD"): matched only when written in capitals
    surface: frozenset[str] = frozenset()  # the name's own words (only stemmed): breaks ties between terms


@dataclass(frozen=True)
class _Dictionary:
    entries: dict[frozenset[str], _Entry]
    rivals: dict[frozenset[str], tuple[_Entry, ...]]  # keys that several terms share, best first
    vocabulary: frozenset[str]
    longest: dict[str, int]  # word → most words of a name that holds it (bounds the window)
    alternatives: dict[str, str]  # adjective → noun that is also a term word (ataxic → ataxia)
    names_vocabulary: frozenset[str]  # words of names before adjectives were mapped
    comma_keys: frozenset[frozenset[str]] = frozenset()  # keys of names written with a comma
    joined_keys: frozenset[frozenset[str]] = frozenset()  # keys of names written with and/or/nor or "/"
    norms: dict[str, str] = field(default_factory=dict)  # memo: lower-case text word → matching form
    # word → every word that shares a name with it (bounds the matching window)
    partners: dict[str, frozenset[str] | set[str]] = field(default_factory=dict)
    singles: frozenset[str] = frozenset()  # words that are a whole name on their own

    def norm(self, lower: str) -> str:
        """The matching form of a lower-case word (normalised; adjective → noun when that is a term word)."""
        found = self.norms.get(lower)
        if found is None:
            found = normalise(lower)
            if found not in self.names_vocabulary:
                found = _derived(found, self.names_vocabulary)
            found = self.alternatives.get(found, found)
            if len(self.norms) < 200_000:
                self.norms[lower] = found
        return found


def _dictionary(kb: KnowledgeBase) -> _Dictionary:
    cached = kb._cache.get("text_dictionary_v5")
    if isinstance(cached, _Dictionary):
        return cached
    from ipexpath.knowledge.lexicon import stem, tokens

    phenotype_root = kb.term_index.get("HP:0000118")
    death_root = kb.term_index.get(_AGE_OF_DEATH)
    table: dict[frozenset[str], list[tuple[tuple[int, int, int], _Entry]]] = {}
    phenotype: dict[int, bool] = {}  # memo per term (a term has several names)
    depth: dict[int, int] = {}
    stems = cache(stem)
    for entry in term_names(kb):
        term = entry.term
        if term not in phenotype:
            phenotype[term] = (
                phenotype_root is None
                or kb.is_phenotype(term)
                or (death_root is not None and kb.is_under(term, _AGE_OF_DEATH))
            )
            depth[term] = len(kb.ancestors(term))
        if not phenotype[term] or term == phenotype_root:
            continue  # the root "Phenotypic abnormality" says nothing ("phenotypic findings")
        key = content_key(tokens(entry.text))
        if not key or len(key) > MAX_WINDOW:
            continue
        single = next(iter(key))
        if (
            len(key) == 1
            and (single in _AMBIGUOUS_SINGLE or len(single) < 3)
            and entry.kind is not NameKind.CURATED
        ):
            continue
        stripped = entry.text.strip()
        upper_only = entry.kind is not NameKind.CURATED and bool(re.fullmatch(r"[A-Z0-9-]{2,6}", stripped))
        # labels and exact names beat looser synonyms; then the more general term (fewer ancestors)
        surface = frozenset(stems(w) for w in tokens(entry.text))
        candidate = _Entry(term, entry.kind, entry.text, upper_only, surface)
        reduced = reduced_key(key)
        for variant, key_ in ((0, key), (1, reduced)):
            if key_ is None:
                continue
            priority = (variant, entry.kind.rank, depth[term])
            table.setdefault(key_, []).append((priority, candidate))
        general = key - _SEVERITY
        parents = kb.parents(term).tolist() if general != key and len(general) >= 2 else []
        if len(parents) == 1:
            # a graded term's name without its grade names its one parent ("Severe psychomotor
            # retardation" → "psychomotor retardation" → Global developmental delay); used only where no
            # name of the release has these words (lowest priority)
            parent = parents[0]
            priority = (2, entry.kind.rank, len(kb.ancestors(parent)))
            table.setdefault(general, []).append(
                (priority, _Entry(parent, entry.kind, entry.text, False, surface))
            )
    # adjectives whose noun is also a term word are matched as the noun, in names and text alike
    # ("myoclonic seizure" also names myoclonus; "ataxic" → ataxia); a noun that is a whole name on its
    # own is preferred ("myoclonic" → myoclonus, not "myoclonia", a word of longer names only)
    names_vocabulary = frozenset(word for key in table for word in key) | FILLERS
    whole_names = frozenset(word for key in table if len(key) == 1 for word in key)
    alternatives = {}
    for word in names_vocabulary:
        noun = _derived(word, whole_names, include_plain=False)
        if noun == word:
            noun = _derived(word, names_vocabulary, include_plain=False)
        if noun != word:
            alternatives[word] = noun
    merged: dict[frozenset[str], list[tuple[tuple[int, int, int], _Entry]]] = {}
    for key, options in table.items():
        merged.setdefault(frozenset(alternatives.get(w, w) for w in key), []).extend(options)
    entries: dict[frozenset[str], _Entry] = {}
    rivals: dict[frozenset[str], tuple[_Entry, ...]] = {}
    for key, options in merged.items():
        options.sort(key=lambda option: option[0])
        entries[key] = options[0][1]
        distinct: dict[int, _Entry] = {}
        for priority, option in options:
            if priority[0] == options[0][0][0] and option.term not in distinct:
                distinct[option.term] = option
        if len(distinct) > 1:
            rivals[key] = tuple(distinct.values())[:4]
    vocabulary = frozenset(word for key in entries for word in key) | FILLERS
    longest: dict[str, int] = {}
    for key in entries:
        for word in key:
            longest[word] = max(longest.get(word, 0), len(key))
    comma_keys = frozenset(
        key for key, options in merged.items() if any("," in option.name for _, option in options)
    )
    joined_keys = frozenset(
        key
        for key, options in merged.items()
        if any(_JOINED_NAME.search(option.name) for _, option in options)
    )
    together: dict[str, set[str]] = {}
    for key in entries:
        for word in key:
            together.setdefault(word, set()).update(key)
    partners: dict[str, frozenset[str] | set[str]] = {}
    for word, others in together.items():
        if word not in FILLERS:  # a filler ("serum") may start a phrase whose name lacks it: no limit
            others.update(FILLERS)
            partners[word] = others
    result = _Dictionary(
        entries,
        rivals,
        vocabulary,
        longest,
        alternatives,
        names_vocabulary,
        comma_keys,
        joined_keys,
        partners=partners,
        singles=frozenset(word for key in entries if len(key) == 1 for word in key),
    )
    kb._cache["text_dictionary_v5"] = result
    return result


def clean_text(text: str) -> str:
    """Control characters and HTML tags replaced by spaces, accents dropped (offsets unchanged)."""
    text = _CONTROL.sub(" ", text)
    if not text.isascii():
        text = text.translate(_ACCENTS)
    if "<" in text:
        text = _HTML_TAG.sub(lambda m: " " * len(m.group(0)), text)
    return text


@dataclass(slots=True)
class _Content:
    """A word that can be part of a term name, with its position among all words."""

    norm: str
    index: int
    segment: int  # sentence or clause (phrases never cross one)
    part: int  # comma-separated part (only names with a comma, "Intellectual disability, severe", cross)
    last: int  # last word it covers: `index`, or the next word when two were joined ("A-1")
    # part between coordinators ("and", "or", "nor"): only names written with one or with "/" ("Aplasia/
    # Hypoplasia of the thumb") cross it, so "abnormalities and lip" is no "Abnormal lip morphology"
    link: int = 0


def _accent_table() -> dict[int, str]:
    """Latin letters with accents → their base letter (café → cafe), one character for one."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFKD", chr(code))[0]
        if base.isascii() and base.isalpha():
            table[code] = base
    return table


_ACCENTS = _accent_table()


def _content_words(items: list[Word], dictionary: _Dictionary) -> list[_Content]:
    out: list[_Content] = []
    append = out.append
    segment = part = link = 0
    previous_number = False  # the previous word was a number: a unit after it is skipped
    glued = -1  # a number already joined to the letter before it ("type A-1" → "a1")
    norm = dictionary.norm
    known = dictionary.norms  # the memo, read directly (most words were seen before)
    stopwords = STOPWORDS
    count = len(items)
    for index in range(count):
        item = items[index]
        if item.sentence_before or item.colon_before:
            segment += 1
        if item.comma_before:
            part += 1
        if index == glued:
            continue
        lower = item.lower
        if (
            len(lower) == 1
            and lower.isalpha()
            and index + 1 < count
            and items[index + 1].hyphen_before
            and len(items[index + 1].lower) <= 2
            and items[index + 1].lower.isdigit()
        ):
            glued = index + 1  # subtype written with a hyphen: "A-1", "B-2" (names write "A1")
            combined = lower + items[glued].lower
            append(_Content(known.get(combined) or norm(combined), index, segment, part, glued, link))
            continue
        if lower in stopwords:
            if lower in _COORDINATORS:
                link += 1
                continue
            if lower != "a" or index == 0 or items[index - 1].lower != "type":
                continue
            # "type A" keeps its letter
        elif lower[0].isdigit() and _NUMBER.fullmatch(lower):
            if "," in lower or "." in lower or (index + 1 < count and items[index + 1].lower in _UNITS):
                previous_number = True  # a measurement ("4,500", "3 mg"): not a term word
                continue
        elif previous_number and lower in _UNITS:
            continue
        previous_number = False
        append(_Content(known.get(lower) or norm(lower), index, segment, part, index, link))
    return out


def _derived(word: str, vocabulary: frozenset[str], include_plain: bool = True) -> str:
    """An adjective's noun when the adjective is no term word (hypothyroid → hypothyroidism)."""
    candidates = [word + "ism", word + "ness"] if include_plain else []
    if word.endswith("ar"):
        candidates.append(word[:-1])  # cochlear → cochlea
    if word.endswith("plastic"):
        candidates.append(word[:-7] + "plasia")
    if word.endswith("otic"):
        candidates.append(word[:-4] + "osis")
    if word.endswith("ic"):
        candidates += [word[:-2] + "ia", word[:-2] + "us"]  # ataxic → ataxia, myoclonic → myoclonus
    if word.endswith("ed"):
        candidates += [word[:-2] + "ation", word[:-1] + "ation"]  # hypopigmented, retarded
    if len(word) > 5 and word.endswith("ly"):
        candidates.append(word[:-2])  # adverb → adjective: mildly → mild, anteriorly → anterior
    if len(word) > 5 and word.endswith("e"):
        candidates.append(word[:-1] + "ic")  # noun → adjective of names: episode → episodic
    for candidate in candidates:
        if candidate in vocabulary:
            return candidate
    return word


def _surface(items: list[Word], c: _Content) -> str:
    """A content word as written (lower case, plural stemmed), the key of learned phrases: curators tell
    "renal anomalies" (Abnormality of the kidney) from "renal malformations" (Abnormal renal morphology),
    which the matcher's normalised words do not."""
    lower = items[c.index].lower if c.last == c.index else items[c.index].lower + items[c.last].lower
    return _stem(lower)


_stem = cache(stem)  # the few thousand words of a corpus, stemmed once


def phrase_windows(kb: KnowledgeBase, text: str, longest: int) -> list[tuple[frozenset[str], int, int]]:
    """(word key, start, end) of every run of 1..`longest` content words within a clause (for learning; the
    key is the words as written, plurals stemmed, order-free)."""
    text = clean_text(text)
    dictionary = _dictionary(kb)
    items = words(text)
    content = _content_words(items, dictionary)
    out = []
    for i, first in enumerate(content):
        for j in range(i, min(len(content), i + longest)):
            if content[j].segment != first.segment:
                break
            key = frozenset(_surface(items, c) for c in content[i : j + 1])
            out.append((key, items[first.index].start, items[content[j].last].end))
    return out


def _apply_learned(
    kb: KnowledgeBase,
    items: list[Word],
    content: list[_Content],
    found: list[tuple[int, int, _Entry, bool]],
    learned: LearnedPhrases,
) -> list[tuple[int, int, _Entry, bool]]:
    """Curators' readings (learned): replace or drop the matcher's terms, add learned phrases elsewhere."""
    kind = NameKind.VETTED if learned.vetted else NameKind.LEARNED
    position = {c.index: k for k, c in enumerate(content)}
    surfaces = [_surface(items, c) for c in content]
    out: list[tuple[int, int, _Entry, bool]] = []
    for first, last, entry, nested in found:
        inside: set[str] = set()
        for k in range(position.get(first, 0), len(content)):
            if content[k].index > last:
                break
            inside.add(surfaces[k])
        key = frozenset(inside)
        term = learned.terms.get(key)
        if term is not None and term in kb.term_index:
            if kb.term_index[term] != entry.term:
                entry = _Entry(kb.term_index[term], kind, " ".join(sorted(key)), False)
        elif any((phrase, kb.term_ids[entry.term], nested) in learned.drop for phrase in (key, ANY_PHRASE)):
            continue
        out.append((first, last, entry, nested))
    taken = {k for first, last, _, nested in found if not nested for k in range(first, last + 1)}
    vocabulary = learned.vocabulary
    longest = learned.longest
    i = 0
    while i < len(content):
        matched = 0
        run = 0  # consecutive words from i that occur in some learned phrase (others cannot start one)
        while i + run < len(content) and run < longest and surfaces[i + run] in vocabulary:
            run += 1
        for width in range(run, 0, -1):
            window = content[i : i + width]
            if window[-1].segment != window[0].segment:
                continue
            term = learned.terms.get(frozenset(surfaces[i : i + width]))
            if term is None or term not in kb.term_index:
                continue
            first, last = window[0].index, window[-1].last
            if any(k in taken for k in range(first, last + 1)):
                continue
            name = " ".join(sorted(set(surfaces[i : i + width])))
            out.append((first, last, _Entry(kb.term_index[term], kind, name, False), False))
            matched = width
            break
        i += matched or 1
    return sorted(out, key=lambda f: (f[0], -f[1]))


def recognise(kb: KnowledgeBase, text: str, learned: LearnedPhrases | None = None) -> TextResult:
    """Recognise HPO terms (with negation, hypothesis, family history), age and sex in `text`, offline.

    `learned`: phrase readings learned from a gold standard's curators (`textlearned`; off by default; the
    opt-in table is the clinically vetted one, `textlearned.packaged_vetted`, vetting in `textvetting`).
    """
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(
            f"The text is {len(text):,} characters long; at most {MAX_TEXT_CHARS:,} are read at once.",
            "Split it into separate notes (ipexpath terms --batch FILE.jsonl reads many notes).",
        )
    text = clean_text(text)
    dictionary = _dictionary(kb)
    items = words(text)
    content = _content_words(items, dictionary)
    found = _match(kb, dictionary, items, content, text)
    if learned:
        found = _apply_learned(kb, items, content, found, learned)
    protected = {k for start, end, _, _ in found for k in range(start, end + 1)}
    context = assign_context(items, protected)
    hits: list[TextHit] = []
    nested: list[TextHit] = []
    repeats: list[TextHit] = []
    seen: set[tuple[str, bool, bool, bool, bool]] = set()
    for first, last, entry, is_nested in found:
        flags = context.at(first)
        negated = flags.assertion is Assertion.ABSENT
        uncertain = flags.assertion is Assertion.POSSIBLE
        relative = flags.experiencer is Experiencer.FAMILY
        key = (kb.term_ids[entry.term], negated, relative, uncertain, is_nested)
        repeated = key in seen
        seen.add(key)
        span = (items[first].start, items[last].end)
        hit = TextHit(
            kb.term_ids[entry.term],
            kb.labels[entry.term],
            span,
            text[span[0] : span[1]],
            negated,
            relative,
            uncertain,
            entry.kind,
            entry.name,
            LOOSE_SCORE.get(entry.kind, 1.0),
            is_nested,
        )
        (repeats if repeated else nested if is_nested else hits).append(hit)
    covered = protected  # words inside a recognised term
    return TextResult(
        text=text,
        hits=tuple(hits),
        sex=_sex(lowers := {item.lower for item in items}),
        age_days=_age(text) if "old" in lowers else None,
        unrecognised=_unrecognised(items, covered, text),
        onset_days=_onset(text) if not _ONSET_WORDS.isdisjoint(lowers) else None,
        nested=tuple(nested),
        repeats=tuple(repeats),
        adoption=_adoption(items, text) if not _ADOPTION_WORDS.isdisjoint(lowers) else (),
    )


def _adoption(items: list[Word], text: str) -> tuple[TextSpan, ...]:
    """Clauses saying someone was adopted ("The patient was adopted", "his mother was adopted"): the
    biological family history may then be unknown (a limitation for pedigree-based counselling)."""
    spans: list[TextSpan] = []
    for k, item in enumerate(items):
        if item.lower not in _ADOPTION_WORDS or (k > 0 and items[k - 1].lower in _NOT_ADOPTED):
            continue
        start, end = _clause(text, (item.start, item.end))
        if not spans or spans[-1].start != start:
            spans.append(TextSpan(text[start:end], start, end))
    return tuple(spans)


def _lookup(
    dictionary: _Dictionary, items: list[Word], window: list[_Content], listed: bool = False
) -> _Entry | None:
    """The entry a window of words names (`listed`: a window built from a list, which crosses its commas)."""
    key = frozenset([c.norm for c in window])
    entry = dictionary.entries.get(key)
    if entry is None and not FILLERS.isdisjoint(key) and len(key - FILLERS) >= 2:
        key = key - FILLERS
        entry = dictionary.entries.get(key)
    if entry is None:
        return None
    rivals = dictionary.rivals.get(key)
    if rivals:
        # several terms share the normalised words: the one whose own words the text uses ("cerebral atrophy")
        from ipexpath.knowledge.lexicon import stem

        said = {stem(items[c.index].lower) for c in window}
        entry = max(rivals, key=lambda option: len(option.surface & said))
    if entry.upper_only and not all(items[c.index].text.isupper() for c in window):
        return None
    if listed:
        return entry
    if len(window) > 1 and _qualifies_next(items, window):
        return None
    if window[0].part != window[-1].part and key not in dictionary.comma_keys:
        return None
    if window[0].link != window[-1].link and key not in dictionary.joined_keys:
        return None
    return entry


def _qualifies_next(items: list[Word], window: list[_Content]) -> bool:
    """The window's last word is an adjective that qualifies the text's next word ("absence of retinal
    pigment", "cells with abnormal nuclei"), so the window is not a phrase of its own."""
    last = max(window, key=lambda c: c.index)
    if items[last.index].lower not in QUALIFIERS or last.last + 1 >= len(items):
        return False
    following = items[last.last + 1]
    return not (
        following.comma_before
        or following.sentence_before
        or following.colon_before
        or following.hyphen_before
        or following.lower in STOPWORDS
        or not following.lower.isalpha()
    )


def _match(
    kb: KnowledgeBase, dictionary: _Dictionary, items: list[Word], content: list[_Content], text: str
) -> list[tuple[int, int, _Entry, bool]]:
    """(first word, last word, entry, nested) of every match: longest first, then nested ones inside it."""
    vocabulary = dictionary.vocabulary
    longest = dictionary.longest
    partners = dictionary.partners
    singles = dictionary.singles
    entries = dictionary.entries
    fillers = FILLERS
    found: list[tuple[int, int, _Entry, bool]] = []
    norms = [c.norm for c in content]
    segments = [c.segment for c in content]
    i = 0
    n = len(content)
    while i < n:
        first = norms[i]
        if first not in vocabulary:
            i += 1
            continue
        # extend the window while a name could still hold all its (non-filler) words: each word must share
        # a name with the first one (a precomputed set, so most windows stop after a word or two)
        limit, words_in, shortest = i, 0, MAX_WINDOW
        seen_words: set[str] = set()
        company = partners.get(first, vocabulary)
        segment = segments[i]
        end_limit = min(n, i + MAX_WINDOW)
        while limit < end_limit and segments[limit] == segment and norms[limit] in company:
            word = norms[limit]
            if word in seen_words:
                break  # "tonic seizure and focal seizure" is two phrases, not one name
            seen_words.add(word)
            if word not in FILLERS:
                shortest = min(shortest, longest.get(word, 0))
                words_in += 1
                if words_in > shortest:
                    break
            limit += 1
        matched = False
        for width in range(limit - i, 0, -1):
            if width == 1 and first not in singles:
                break
            key = frozenset(norms[i : i + width])
            if key not in entries and (fillers.isdisjoint(key) or key - fillers not in entries):
                continue  # the common case, decided without a call
            window = content[i : i + width]
            entry = _lookup(dictionary, items, window)
            if entry is None:
                continue
            found.append((window[0].index, window[-1].last, entry, False))
            # nested mentions: shorter terms the longer one implies (its ancestors: "severe intellectual
            # disability" → intellectual disability); others are another reading of its words that the
            # ontology rejects ("basal cell carcinoma" is no Carcinoma, "acoustic neuroma" no Neuroma)
            implied: set[int] | None = None
            for start in range(i, i + width):
                for end in range(start + 1, i + width + 1):
                    if end - start == width:
                        continue
                    key = frozenset(norms[start:end])
                    if key not in entries and (fillers.isdisjoint(key) or key - fillers not in entries):
                        continue
                    inner = _lookup(dictionary, items, content[start:end])
                    if inner is None or inner.term == entry.term or inner.kind is NameKind.CURATED:
                        continue
                    if implied is None:
                        implied = set(kb.ancestors(entry.term).tolist())
                    if inner.term in implied:
                        found.append((content[start].index, content[end - 1].last, inner, True))
            i += width
            matched = True
            break
        if not matched:
            i += 1
    covered = {c.index for c in content} & {
        k for first, last, _, nested in found if not nested for k in range(first, last + 1)
    }
    found = _interposed(kb, dictionary, items, content, found, covered)
    known = {entry.term for _, _, entry, _ in found}
    found.extend(_coordinated(dictionary, items, content, known, covered))
    found.extend(_defined_abbreviations(items, text, found))
    return found


# An abbreviation defined in parentheses after its long form: "brachydactyly type A-1 (BDA1)".
_DEFINED = re.compile(r"\(\s?([A-Za-z][A-Za-z0-9-]{1,9})\s?[);,]")
_MIN_DEFINITIONS_GAP = 3  # characters between the long form's end and "(" at most (a space)


def _abbreviates(short: str, long: str) -> bool:
    """Schwartz & Hearst's test: the short form starts with the long form's first letter and its letters
    and digits appear in the long form in the same order ("BDA-1" / "brachydactyly type A-1")."""
    long = long.lower()
    if not long or short[0].lower() != long[0]:
        return False
    position = 0
    for char in short.lower():
        if char.isalnum():
            position = long.find(char, position)
            if position < 0:
                return False
            position += 1
    return True


def _defined_abbreviations(
    items: list[Word], text: str, found: list[tuple[int, int, _Entry, bool]]
) -> list[tuple[int, int, _Entry, bool]]:
    """Every use of an abbreviation the text defines after a recognised term (Schwartz & Hearst 2003).

    The abbreviation must be written with at least two capitals, start with the long form's first letter and
    have its letters in the long form in order (Schwartz & Hearst, Pac Symp Biocomput 2003:451, PMID
    12603049): "elevated immunoglobulin E (IgE)" does not make every "IgE" a raised IgE. Its uses, the
    definition included, become mentions of the long form's term.
    """
    if "(" not in text:
        return []
    ends = {items[last].end: (first, entry) for first, last, entry, nested in found if not nested}
    definitions: dict[str, _Entry] = {}
    for match in _DEFINED.finditer(text):
        short = match.group(1)
        if sum(c.isupper() for c in short) < 2:
            continue
        before = match.start()
        long_end = len(text[:before].rstrip())
        if before - long_end > _MIN_DEFINITIONS_GAP or long_end not in ends:
            continue
        first, entry = ends[long_end]
        if short not in definitions and _abbreviates(short, text[items[first].start : long_end]):
            definitions[short] = entry
    if not definitions:
        return []
    starts = {w.start: k for k, w in enumerate(items)}
    taken = {k for first, last, _, _ in found for k in range(first, last + 1)}
    out: list[tuple[int, int, _Entry, bool]] = []
    for short, entry in definitions.items():
        for use in re.finditer(
            r"(?<![A-Za-z0-9-])" + re.escape(short) + r"(?![A-Za-z0-9]|-[A-Za-z0-9])", text
        ):
            start_word = starts.get(use.start())
            if start_word is None or start_word in taken:
                continue
            first = last = start_word
            while last + 1 < len(items) and items[last + 1].end <= use.end():
                last += 1
            out.append((first, last, entry, False))
    return out


# Words that change what a finding means, never skipped between a modifier and its finding.
_NOT_SKIPPED = frozenset(
    "negative positive normal absent non no not without free mild moderate "
    "increased decreased elevated raised high low reduced".split()
)


def _interposed(
    kb: KnowledgeBase,
    dictionary: _Dictionary,
    items: list[Word],
    content: list[_Content],
    found: list[tuple[int, int, _Entry, bool]],
    covered: set[int],
) -> list[tuple[int, int, _Entry, bool]]:
    """A modifier one descriptive word before a name: "intractable watery diarrhea" → Intractable diarrhea.

    Taken only when the modifier and the name form a name of a more specific term (a descendant of the one
    matched), so an unrelated word never joins; the matched term stays as a nested mention. The skipped word
    may not carry polarity or direction ("Coombs-negative", "chronic low …") nor be joined by a hyphen.
    """
    position = {c.index: pos for pos, c in enumerate(content)}
    out: list[tuple[int, int, _Entry, bool]] = []
    for first, last, entry, nested in found:
        pos = position.get(first)
        if nested or pos is None or pos < 2:
            out.append((first, last, entry, nested))
            continue
        modifier, skipped, head = content[pos - 2], content[pos - 1], content[pos]
        adjacent = skipped.index == modifier.last + 1 and head.index == skipped.last + 1
        same_clause = modifier.segment == skipped.segment == head.segment and modifier.part == head.part
        longer = None
        if (
            adjacent
            and same_clause
            and modifier.index not in covered
            and skipped.index not in covered
            and skipped.norm.isalpha()
            and skipped.norm not in _NOT_SKIPPED
            and not items[skipped.index].hyphen_before
            and not items[head.index].hyphen_before
        ):
            window = [modifier]
            for c in content[pos:]:
                if c.index > last:
                    break
                window.append(c)
            key = frozenset(c.norm for c in window)
            if key in dictionary.entries or key - FILLERS in dictionary.entries:
                longer = _lookup(dictionary, items, window)
        specific = longer is not None and entry.term in set(kb.ancestors(longer.term).tolist())
        if longer is None or longer.term == entry.term or not specific:
            out.append((first, last, entry, nested))
            continue
        out.append((modifier.index, last, longer, False))
        out.append((first, last, entry, True))
        covered.update((modifier.index, skipped.index))
    return out


def _coordinated(
    dictionary: _Dictionary,
    items: list[Word],
    content: list[_Content],
    known: set[int],
    covered: set[int],
) -> list[tuple[int, int, _Entry, bool]]:
    """Terms named by coordination: "palmar and plantar pits" → palmar pits; "renal hypoplasia/dysplasia".

    Shared head: a list of one-word items separated by commas, "and", "or", "nor" or "/", its last item
    joined by a coordinator, and the 1-3 words right after the last item are the head every item shares
    ("anal, renal and ear anomalies" → anal anomalies). A run with a two-word item ("anomalies, followed by
    BCCs and palmar pits") is no such list. Shared modifier: "renal hypoplasia/dysplasia", "cleft lip and
    palate" (the word before the first item also qualifies the item joined to it without a comma).
    """
    out: list[tuple[int, int, _Entry, bool]] = []
    n = len(content)
    if n < 2:
        return out

    # joins[k]: a coordinator, "/" or "-" between content[k - 1] and content[k]; seps[k]: that or a comma
    links = [c.link for c in content]
    if links[-1] == 0 and not any(items[c.index].hyphen_before for c in content):
        return out  # no list and no shared modifier without a coordinator
    parts = [c.part for c in content]
    joins = [False] + [
        a != b or items[c.index].hyphen_before for a, b, c in zip(links, links[1:], content[1:], strict=False)
    ]
    seps = [False] + [j or a != b for j, a, b in zip(joins[1:], parts, parts[1:], strict=False)]

    def joined(k: int) -> bool:
        return joins[k]

    def separated(k: int) -> bool:
        return seps[k]

    vocabulary = dictionary.vocabulary
    entries = dictionary.entries
    for j in [k - 1 for k in range(1, n) if seps[k]]:
        left, right = content[j], content[j + 1]
        if left.segment != right.segment or left.norm not in vocabulary:
            continue
        windows: list[list[_Content]] = []
        if left.index not in covered:
            k, coordinated, commas = j + 1, False, False
            while k < n and k <= j + _MAX_LIST and content[k].segment == left.segment and separated(k):
                coordinated = joined(k)  # the separator before the last item so far
                commas = commas or content[k].part != content[k - 1].part
                k += 1
            # in a list with commas the first item is one word too, not the end of a longer phrase: the
            # word before it shares no name with it ("motor coordination, and sleep disturbances" shares
            # no head; "had anal, renal and ear anomalies" does)
            alone = (
                j == 0
                or separated(j)
                or content[j - 1].segment != left.segment
                or content[j - 1].last + 1 < left.index
                or content[j - 1].norm not in dictionary.partners.get(left.norm, ())
            )
            coordinated = coordinated and (alone or not commas)
            if coordinated and k < n and content[k].segment == left.segment:
                for width in (1, 2, 3):
                    tail = content[k : k + width]
                    if (
                        len(tail) == width
                        and tail[-1].segment == left.segment
                        and not any(separated(m) for m in range(k + 1, k + width))
                    ):
                        windows.append([left, *tail])
        if joined(j + 1) and right.part == left.part and right.index not in covered:
            for width in (1, 2):
                head = content[max(0, j - width) : j]
                if (
                    len(head) == width
                    and head[0].segment == left.segment
                    and not any(separated(m) for m in range(j - width + 1, j + 1))
                ):
                    windows.append([*head, right])
        for window in windows:
            key = frozenset([c.norm for c in window])
            if key not in entries and (FILLERS.isdisjoint(key) or key - FILLERS not in entries):
                continue
            entry = _lookup(dictionary, items, window, listed=True)
            if entry is not None and entry.term not in known:
                known.add(entry.term)
                first, last = min(c.index for c in window), max(c.last for c in window)
                out.append((first, last, entry, False))
    return out


def _unrecognised(items: list[Word], covered: set[int], text: str) -> tuple[TextSpan, ...]:
    """Clinical-looking phrases (medical word parts, lab abbreviations) that no term covers."""
    spans: list[TextSpan] = []
    first = -1  # first word of the open phrase
    clean = True  # no word of the open phrase is covered by a term
    clinical = False
    n = len(items)
    for k in range(n + 1):
        item = items[k] if k < n else None
        ends = item is None or item.sentence_before or item.comma_before or item.colon_before
        breaks = item is not None and (item.lower in _PHRASE_BREAKS or item.lower[0].isdigit())
        if first >= 0 and (ends or breaks):
            if clean and clinical and k - first <= MAX_UNRECOGNISED_WORDS:
                start, end = items[first].start, items[k - 1].end
                spans.append(TextSpan(text[start:end], start, end))
                if len(spans) >= MAX_UNRECOGNISED:
                    break
            first = -1
        if item is None or breaks:
            continue
        if first < 0:
            first, clean, clinical = k, True, False
        if k in covered:
            clean = False
        elif not clinical and _clinical_word(item.text):
            clinical = True
    return tuple(spans)


# Words that end a candidate phrase: function words, ConText triggers, verbs, age/sex/time words.
_PHRASE_BREAKS = (
    STOPWORDS
    | _NOT_CLINICAL
    | frozenset(
        "no not without denies denied never nor absent negative possible possibly suspected probable "
        "has have had presents presented shows showed developed but however although".split()
    )
)


@cache
def _clinical_word(word: str) -> bool:
    if len(word) >= 4 and _CLINICAL.search(word.lower()):
        return True
    # lab and clinical abbreviations: IgE, TSH, ANCA (capitals inside the word)
    return 2 <= len(word) <= 6 and word[0].isalpha() and sum(c.isupper() for c in word) >= 2


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


def _sex(lowers: set[str]) -> str | None:
    """MALE or FEMALE when the text names only one sex: nouns ("boy") first, then pronouns.

    Pronouns often point at a relative ("boy …; her brother died", the mother's brother), so a noun that
    names one sex decides; pronouns decide only when no such noun does.
    """
    for male_words, female_words in ((_MALE_NOUNS, _FEMALE_NOUNS), (_MALE, _FEMALE)):
        male, female = not male_words.isdisjoint(lowers), not female_words.isdisjoint(lowers)
        if male and not female:
            return "MALE"
        if female and not male:
            return "FEMALE"
        if male and female:
            return None
    return None
