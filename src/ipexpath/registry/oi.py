"""Barzaghi's organ-involvement (OI) score, computed from its five items with missing items kept missing.

Barzaghi F et al. Long-term follow-up of IPEX syndrome patients after different therapeutic strategies.
J Allergy Clin Immunol 2018;141:1036-1049.e5, PMID 29241729: "1 point was assigned for the presence of each of
the following: intractable diarrhea, malnutrition, liver dysfunction, respiratory impairment, kidney
dysfunction" (range 0-5); groups 0-2 (low) and 3-5 (high); the paper gives no numeric threshold for any item
(physician judgement). A score with a missing item is partial: it is reported as such ("at least 2, 3 of 5
items assessed") and gets no low/high group.
"""

from __future__ import annotations

from dataclasses import dataclass

ITEMS: tuple[tuple[str, str], ...] = (
    ("intractable_diarrhea", "intractable diarrhoea"),
    ("malnutrition", "malnutrition"),
    ("liver_dysfunction", "liver dysfunction"),
    ("respiratory_impairment", "respiratory impairment"),
    ("kidney_dysfunction", "kidney dysfunction"),
)
HIGH_FROM = 3  # Barzaghi 2018: low 0-2, high 3-5 (OS after HSCT lower in 3-5, P = .002)
SOURCE = "Barzaghi et al. 2018, J Allergy Clin Immunol 141:1036, PMID 29241729"


@dataclass(frozen=True)
class OiScore:
    """The score of one assessment: points counted, items assessed, and the group when complete."""

    points: int
    assessed: int
    present: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """All five items were assessed."""
        return not self.missing

    @property
    def group(self) -> str | None:
        """'0-2' or '3-5' for a complete score; None for a partial one (never imputed)."""
        if not self.complete:
            return None
        return "3-5" if self.points >= HIGH_FROM else "0-2"

    @property
    def value(self) -> int | None:
        """The score 0-5 when complete, None when partial."""
        return self.points if self.complete else None

    def text(self) -> str:
        """'3 of 5 (high, 3-5)' or 'at least 2 (3 of 5 items assessed)'."""
        if self.complete:
            return f"{self.points} of 5 ({'high' if self.group == '3-5' else 'low'}, {self.group})"
        return f"at least {self.points} ({self.assessed} of 5 items assessed; no group)"


def oi_score(items: dict[str, bool | None]) -> OiScore:
    """Score five items given as True (present), False (absent) or None/missing (not assessed)."""
    unknown = set(items) - {name for name, _ in ITEMS}
    if unknown:
        raise ValueError(f"Unknown OI score item(s): {', '.join(sorted(unknown))}.")
    present = tuple(label for name, label in ITEMS if items.get(name) is True)
    missing = tuple(label for name, label in ITEMS if items.get(name) is None)
    return OiScore(points=len(present), assessed=5 - len(missing), present=present, missing=missing)
