"""Normalised names of HPO terms (labels and synonyms) shared by term search and text recognition."""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass
from functools import cache

import yaml

from ipexpath.errors import KnowledgeError
from ipexpath.knowledge.base import KnowledgeBase

_TOKEN = re.compile(r"[a-z0-9]+")
# Function words that carry no meaning for matching a clinical phrase to a term name.
STOPWORDS = frozenset(
    (
        "a an the of in on at to for with by from and or as is are was were be been "
        "his her their its this that which who whom whose"
    ).split()
)


def stem(token: str) -> str:
    """A light English plural stemmer (enough to match 'infections' with 'infection')."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is", "ous")):
        return token[:-1]
    return token


def tokens(text: str) -> list[str]:
    """Lower-case alphanumeric tokens of `text`."""
    return _TOKEN.findall(text.lower())


def content_key(words: list[str]) -> tuple[str, ...]:
    """Order-free key of a phrase: sorted stemmed tokens without function words."""
    return tuple(sorted({stem(w) for w in words if w not in STOPWORDS}))


@dataclass(frozen=True)
class NameEntry:
    """One name of a term: its label (is_label), one of its synonyms, or a cited clinical abbreviation."""

    term: int
    text: str
    is_label: bool


@dataclass(frozen=True)
class Abbreviation:
    """A clinical abbreviation of one HPO term and a publication that uses it (data/abbreviations.yaml)."""

    abbreviation: str
    hpo: str
    source: str


@cache
def abbreviations() -> tuple[Abbreviation, ...]:
    """The packaged abbreviation table (read once)."""
    resource = importlib.resources.files("ipexpath").joinpath("knowledge").joinpath("data")
    try:
        raw = yaml.safe_load(resource.joinpath("abbreviations.yaml").read_text(encoding="utf-8"))
        return tuple(
            Abbreviation(str(e["abbreviation"]), str(e["hpo"]), str(e["source"]))
            for e in raw["abbreviations"]
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise KnowledgeError(f"The packaged abbreviation table is unreadable: {exc}") from exc


def term_names(kb: KnowledgeBase) -> list[NameEntry]:
    """All labels and synonyms of current (non-obsolete) terms."""
    obsolete = kb.obsolete.tolist()
    names = [NameEntry(i, label, True) for i, label in enumerate(kb.labels) if label and not obsolete[i]]
    names.extend(
        NameEntry(term, text, False)
        for text, term in zip(kb.synonym_text, kb.synonym_term.tolist(), strict=True)
        if text and not obsolete[term]
    )
    names.extend(
        NameEntry(kb.term_index[a.hpo], a.abbreviation, False)
        for a in abbreviations()
        if a.hpo in kb.term_index and not obsolete[kb.term_index[a.hpo]]
    )
    return names
