"""Normalised names of HPO terms (labels, scoped synonyms, curated phrases) shared by search and text mining.

Words are normalised the same way in term names and in clinical text, so that spelling and inflection do
not decide a match: British → American spelling (haemolytic/hemolytic, diarrhoea/diarrhea, tumour/tumor),
English and Latin plurals (infections, nevi, fistulae, synostoses), one word for each direction of change
(elevated/high/raised/increased; low/reduced/decreased) and for "abnormality" (anomaly, malformation,
defect), and "filler" words that HPO names carry but clinicians leave out ("circulating", "concentration",
"level", "morphology", "positivity"). Adjectives whose noun is a term word are mapped to it
(hypothyroid → hypothyroidism, ataxic → ataxia) only when the adjective itself is no word of any name.
These rules are general English/clinical usage, not fitted to a test corpus (see docs/free-text.md).
"""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass
from enum import Enum
from functools import cache

import yaml

from ipexpath.errors import KnowledgeError
from ipexpath.knowledge.base import SYNONYM_SCOPES, KnowledgeBase

_TOKEN = re.compile(r"[a-z0-9]+")
# Function words that carry no meaning for matching a clinical phrase to a term name.
STOPWORDS = frozenset(
    (
        "a an the of in on at to for with by from and or as is are was were be been "
        "his her their its this that which who whom whose"
    ).split()
)
# Words HPO names carry that clinical text usually leaves out ("IgE" for "circulating IgE concentration").
# "mellitus": "insulin-dependent diabetes" names the HPO's "Insulin-dependent diabetes mellitus"; "blood",
# "count", "number": lab results as written ("high eosinophils" = "High blood eosinophil count"); "test":
# results as written ("thyroid function tests were abnormal" = "Abnormal thyroid function").
FILLERS = frozenset(
    "circulating concentration level serum plasma morphology positivity positive finding mellitus "
    "blood count number test".split()
)
_DIRECTION = {
    **dict.fromkeys("elevated elevation high higher raised increased increase hyper".split(), "increased"),
    **dict.fromkeys("low lower decreased decrease reduced reduction diminished hypo".split(), "decreased"),
}
_DIRECTION_WORDS = frozenset({"increased", "decreased"})
_ABNORMAL = frozenset(
    "abnormal abnormality abnormalities anomaly anomalies malformation malformations defect defects "
    "manifestation manifestations involvement disorder disorders disturbance disturbances "
    "problem problems".split()
)
# Other word families written either way in clinical text and in HPO names.
_SAME = {
    "absence": "absent",
    "delayed": "delay",
    "numerous": "multiple",
    "shortening": "short",
    "shortness": "short",
    "shortened": "short",
    "died": "death",  # "died in infancy" = Death in infancy
    "dies": "death",
    "dying": "death",
    "tumor": "neoplasm",  # "CNS tumours" = Neoplasm of the central nervous system
    "neoplasia": "neoplasm",
    "unable": "inability",  # "unable to walk" = Inability to walk
    "lachrymal": "lacrimal",  # British spelling
}
# Anatomical adjective → noun (standard anatomical usage; both forms occur in HPO names and in notes).
_ORGAN = {
    "renal": "kidney",
    "hepatic": "liver",
    "cardiac": "heart",
    "pulmonary": "lung",
    "cutaneous": "skin",
    "dermal": "skin",
    "palmar": "palm",
    "plantar": "sole",
    "ocular": "eye",
    "dental": "tooth",
    "cerebral": "brain",
    "gastric": "stomach",
    "nasal": "nose",
    "oral": "mouth",
    "facial": "face",
    "vertebral": "vertebra",
    "muscular": "muscle",
    "skeletal": "skeleton",
    "anal": "anus",
    "umbilical": "umbilicus",
    "thoracic": "thorax",
    "cochlear": "cochlea",
    "retinal": "retina",
    "corneal": "cornea",
    "splenic": "spleen",
    "pancreatic": "pancreas",
    "intestinal": "intestine",
    "bowel": "intestine",
    "auricular": "auricle",
    "mandibular": "mandible",
    "maxillary": "maxilla",
    "femoral": "femur",
    "tibial": "tibia",
    "ulnar": "ulna",
    "radial": "radius",
    "humeral": "humerus",
    "ureteral": "ureter",
    "ureteric": "ureter",
    "urethral": "urethra",
    "vaginal": "vagina",
    "vulval": "vulva",
    "vulvar": "vulva",
    "tracheal": "trachea",
    "duodenal": "duodenum",
    "jejunal": "jejunum",
    "rectal": "rectum",
    "colonic": "colon",
    "palatal": "palate",
    "scleral": "sclera",
    "sternal": "sternum",
    "sacral": "sacrum",
    "scapular": "scapula",
    "patellar": "patella",
    "fibular": "fibula",
    "calcaneal": "calcaneus",
    "cerebellar": "cerebellum",
    "thymic": "thymus",
    "thalamic": "thalamus",
    "hypothalamic": "hypothalamus",
    "hippocampal": "hippocampus",
    "mediastinal": "mediastinum",
    "pericardial": "pericardium",
    "pleural": "pleura",
    "peritoneal": "peritoneum",
    "myocardial": "myocardium",
    "placental": "placenta",
    "conjunctival": "conjunctiva",
    "gingival": "gingiva",
    "uvular": "uvula",
    "scrotal": "scrotum",
    "prostatic": "prostate",
    "pyloric": "pylorus",
    "aortic": "aorta",
    "mucosal": "mucosa",
    "orbital": "orbit",
    "digital": "digit",
}
# Words written before the noun they qualify ("retinal pigment", "abnormal cells"): a name never ends on one
# when the text's next word continues the phrase ("absence of retinal pigment" is no Aplasia of the retina).
QUALIFIERS = frozenset(_ORGAN) - {"bowel"} | {"abnormal"}
_IRREGULAR = {"teeth": "tooth", "feet": "foot", "children": "child", "women": "woman", "men": "man"}


def stem(token: str) -> str:
    """A light English and Latin plural stemmer ('infections', 'nevi', 'fistulae', 'synostoses')."""
    if token in _IRREGULAR:
        return _IRREGULAR[token]
    if len(token) > 5 and token.endswith(("oses", "ases", "yses")):
        return token[:-2] + "is"
    if len(token) > 5 and token.endswith("omata"):
        return token[:-2]
    if len(token) > 4 and token.endswith("ae"):
        return token[:-1]
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is", "ous")):
        return token[:-1]
    if len(token) > 3 and token.endswith("i") and token[-2] not in "aeiou":
        return token[:-1] + "us"  # nevi → nevus, bronchi → bronchus
    return token


@cache
def normalise(token: str) -> str:
    """One lower-case word in the form used for matching (spelling, plural, direction, abnormality)."""
    word = token.lower()
    if word in _DIRECTION:
        return _DIRECTION[word]
    if word in _ABNORMAL:
        return "abnormal"
    if word in _SAME:
        return _SAME[word]
    if word in _ORGAN:
        return _ORGAN[word]
    if len(word) > 7 and word.endswith("ally"):
        word = word[:-2]  # mentally → mental, developmentally → developmental
    word = stem(word)
    if len(word) > 4:
        word = word.replace("ae", "e").replace("oe", "e")  # haem → hem, oedema → edema, naevus → nevus
    if len(word) > 5 and word.endswith("our"):
        word = word[:-3] + "or"  # tumour → tumor, behaviour → behavior
    word = _ORGAN.get(word, _SAME.get(word, word))
    return _DIRECTION.get(word, "abnormal" if word in _ABNORMAL else word)


def tokens(text: str) -> list[str]:
    """Lower-case alphanumeric tokens of `text`."""
    return _TOKEN.findall(text.lower())


def content_words(words: list[str]) -> list[str]:
    """Normalised words of a phrase without function words ('a' stays after 'type': "type A")."""
    return [
        normalise(t)
        for k, t in enumerate(words)
        if t not in STOPWORDS or (t == "a" and k > 0 and words[k - 1] == "type")
    ]


def content_key(words: list[str]) -> frozenset[str]:
    """Order-free key of a phrase: its normalised words without function words."""
    return frozenset(content_words(words))


def reduced_key(key: frozenset[str]) -> frozenset[str] | None:
    """The key without filler words, when at least two words remain ("increased IgE")."""
    reduced = key - FILLERS
    if reduced <= _DIRECTION_WORDS | {"cell"}:
        return None  # "Reduced plasma cell count" is no "reduced cell": a direction needs its analyte
    return reduced if reduced != key and len(reduced) >= 2 else None


class NameKind(Enum):
    """Where a name comes from; decides how far a match on it can be trusted (issue 12 item 3)."""

    LABEL = "label"
    EXACT = "exact synonym"
    CURATED = "curated phrase"
    NARROW = "narrow synonym"
    BROAD = "broad synonym"
    RELATED = "related synonym"
    LEARNED = "phrase learned from GSC+ curators"
    VETTED = "phrase learned from GSC+ curators, vetted"  # the default table (knowledge/textvetting.py)

    @property
    def is_exact(self) -> bool:
        """Label, EXACT synonym or curated table entry: the name means the term."""
        return self in (NameKind.LABEL, NameKind.EXACT, NameKind.CURATED)

    @property
    def rank(self) -> int:
        """Lower is more trusted (used to pick between terms sharing one name)."""
        return _KIND_RANK[self]


_KIND_RANK = {kind: rank for rank, kind in enumerate(NameKind)}


_SCOPE_KIND = {
    SYNONYM_SCOPES["EXACT"]: NameKind.EXACT,
    SYNONYM_SCOPES["BROAD"]: NameKind.BROAD,
    SYNONYM_SCOPES["NARROW"]: NameKind.NARROW,
    SYNONYM_SCOPES["RELATED"]: NameKind.RELATED,
}


@dataclass(frozen=True)
class NameEntry:
    """One name of a term: its label, one of its synonyms (with OBO scope), or a curated clinical phrase."""

    term: int
    text: str
    kind: NameKind

    @property
    def is_label(self) -> bool:
        """The term's own label."""
        return self.kind is NameKind.LABEL


@dataclass(frozen=True)
class Abbreviation:
    """A clinical abbreviation or phrase for one HPO term and a publication that uses it."""

    abbreviation: str
    hpo: str
    source: str


@cache
def abbreviations() -> tuple[Abbreviation, ...]:
    """The packaged table of abbreviations and clinical phrases (data/abbreviations.yaml; read once)."""
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
    """All labels, scoped synonyms and curated phrases of current (non-obsolete) terms."""
    obsolete = kb.obsolete.tolist()
    names = [
        NameEntry(i, label, NameKind.LABEL) for i, label in enumerate(kb.labels) if label and not obsolete[i]
    ]
    names.extend(
        NameEntry(term, text, _SCOPE_KIND.get(scope, NameKind.RELATED))
        for text, term, scope in zip(
            kb.synonym_text, kb.synonym_term.tolist(), kb.synonym_scope.tolist(), strict=True
        )
        if text and not obsolete[term]
    )
    names.extend(
        NameEntry(kb.term_index[a.hpo], a.abbreviation, NameKind.CURATED)
        for a in abbreviations()
        if a.hpo in kb.term_index and not obsolete[kb.term_index[a.hpo]]
    )
    return names
