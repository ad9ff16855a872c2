"""Ages shown the way they were entered, and (re-exported) relationships to the patient.

Relationships are worked out once, in `conclusions.people` (the leaflet's wording needs them too).
"""

from __future__ import annotations

from ipexpath.case.ages import DAYS_PER_MONTH, DAYS_PER_YEAR
from ipexpath.conclusions.people import Relative, relationships

__all__ = ["Relative", "age_as_entered", "ages_disagree", "relationships"]

AGE_TOLERANCE_DAYS = 15.0  # two ages of the same person further apart than half a month are flagged


def age_as_entered(days: float | None) -> str:
    """An age the way a clinician wrote it: 30.44 days (P1M) → '1 month'; 121.75 → '4 months'."""
    if days is None:
        return "—"
    if days < 0:  # a gestational age is stored as days before term (40 weeks): readers.py
        return f"{round(40 + days / 7)} weeks of gestation"
    years = days / DAYS_PER_YEAR
    months = days / DAYS_PER_MONTH
    if years >= 2 and abs(years - round(years)) < 1e-6:
        return f"{round(years)} years"
    if days >= DAYS_PER_MONTH * 0.99 and abs(months - round(months)) < 1e-3:
        n = round(months)
        if n % 12 == 0 and n >= 24:
            return f"{n // 12} years"
        return f"{n} month{'s' if n != 1 else ''}"
    if days < 60 and abs(days / 7 - round(days / 7)) < 1e-6 and days >= 7:
        n = round(days / 7)
        return f"{n} week{'s' if n != 1 else ''}"
    if days < 60:
        n = round(days)
        return f"{n} day{'s' if n != 1 else ''}"
    if years < 2:
        return f"{round(months)} months"
    return f"{years:.0f} years" if years >= 10 else f"{years:.1f} years".replace(".0 ", " ")


def ages_disagree(first_days: float | None, second_days: float | None) -> bool:
    """Two ages of the same person that differ by more than half a month."""
    if first_days is None or second_days is None:
        return False
    return abs(float(first_days) - float(second_days)) > AGE_TOLERANCE_DAYS
