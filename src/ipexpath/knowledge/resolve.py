"""Resolve an HPO identifier as written by a person or an older tool to a current term of the release.

Alternative ids and obsolete ids with a `replaced_by` are mapped forward with a note; obsolete ids
without a replacement and ids the release does not know are errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ipexpath.errors import UnknownTermError
from ipexpath.knowledge.base import KnowledgeBase

_CURIE = re.compile(r"^HP[:_](\d{7})$", re.IGNORECASE)


@dataclass(frozen=True)
class ResolvedTerm:
    """A current term of the release; `note` says how the input id was mapped, if it was."""

    index: int
    id: str
    label: str
    original_id: str | None = None
    note: str | None = None


def normalise_curie(text: str) -> str:
    """'hp_0002014', ' HP:0002014 ' → 'HP:0002014'; anything else raises UnknownTermError."""
    match = _CURIE.match(text.strip())
    if not match:
        raise UnknownTermError(
            f"'{text}' is not an HPO identifier.",
            "HPO identifiers look like HP:0002014 (HP, a colon and seven digits); "
            "use `ipexpath terms WORDS` to find one.",
        )
    return f"HP:{match.group(1)}"


def resolve_term(kb: KnowledgeBase, text: str) -> ResolvedTerm:
    """Map `text` to a current (non-obsolete) term of `kb`, or raise UnknownTermError naming the id."""
    curie = normalise_curie(text)
    index = kb.term_index.get(curie)
    if index is None:
        alt = kb.alt_index.get(curie)
        if alt is None:
            raise UnknownTermError(
                f"{curie} is not a term of HPO release {kb.release_label}.",
                "Check the identifier, or point --hpo-dir to a newer HPO release if the term is new.",
            )
        current = kb.term_ids[alt]
        return ResolvedTerm(
            alt,
            current,
            kb.labels[alt],
            curie,
            f"{curie} is an alternative id of {current} ({kb.labels[alt]}); using {current}.",
        )
    if kb.obsolete[index]:
        replacement = int(kb.replaced_by[index])
        if replacement < 0:
            raise UnknownTermError(
                f"{curie} ({kb.labels[index]}) is obsolete in HPO release {kb.release_label} "
                "and has no single replacement.",
                "Choose a current term instead; `ipexpath terms` helps to find one.",
            )
        current = kb.term_ids[replacement]
        return ResolvedTerm(
            replacement,
            current,
            kb.labels[replacement],
            curie,
            f"{curie} is obsolete; replaced by {current} ({kb.labels[replacement]}).",
        )
    return ResolvedTerm(index, curie, kb.labels[index])
