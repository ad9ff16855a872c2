"""Ages as days: ISO 8601 durations (P3M, P1Y2M10D), plain numbers with units, and HPO onset classes."""

from __future__ import annotations

import re

from ipexpath.errors import InputError

DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
_ISO = re.compile(r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?$")
_PLAIN = re.compile(r"^(\d+(?:\.\d+)?)\s*(d|day|days|w|wk|week|weeks|m|mo|month|months|y|yr|year|years)?$")

# HPO onset classes (sub-ontology HP:0003674) as (start, end) in days, from the term definitions in hp.obo
# (e.g. Neonatal onset HP:0003623 "within the first 28 days of life", Infantile onset HP:0003593 "between
# 28 days to one year", Childhood HP:0011463 "between the age of 1 and 5 years", Juvenile HP:0003621
# "between the age of 5 and 15 years", Adult HP:0003581 "16 years or later").
ONSET_CLASSES: dict[str, tuple[float, float]] = {
    "HP:0003577": (0.0, 0.0),  # Congenital onset
    "HP:0030674": (-280.0, 0.0),  # Antenatal onset
    "HP:0003623": (0.0, 28.0),  # Neonatal onset
    "HP:0003593": (28.0, DAYS_PER_YEAR),  # Infantile onset
    "HP:0011463": (DAYS_PER_YEAR, 5 * DAYS_PER_YEAR),  # Childhood onset
    "HP:0003621": (5 * DAYS_PER_YEAR, 15 * DAYS_PER_YEAR),  # Juvenile onset
    "HP:0003581": (16 * DAYS_PER_YEAR, 100 * DAYS_PER_YEAR),  # Adult onset
    "HP:0011462": (16 * DAYS_PER_YEAR, 40 * DAYS_PER_YEAR),  # Young adult onset
    "HP:0003596": (40 * DAYS_PER_YEAR, 60 * DAYS_PER_YEAR),  # Middle age onset
    "HP:0003584": (60 * DAYS_PER_YEAR, 100 * DAYS_PER_YEAR),  # Late onset
}


def parse_iso8601_duration(text: str) -> float:
    """'P3M' → 91.3 days; raise InputError for anything that is not an ISO 8601 age."""
    match = _ISO.match(text.strip().upper())
    if not match or not any(match.groups()):
        raise InputError(
            f"'{text}' is not an ISO 8601 age.", "Write ages like P3M (3 months), P1Y6M or P10D."
        )
    years, months, weeks, days = (float(g) if g else 0.0 for g in match.groups())
    return years * DAYS_PER_YEAR + months * DAYS_PER_MONTH + weeks * 7 + days


def parse_age(text: str | float | int) -> float:
    """Accept ISO 8601 (P3M), '3 months', '10 d', '2y' or a number of years; return days."""
    if isinstance(text, int | float):
        if text < 0:
            raise InputError(f"Age {text} is negative.")
        return float(text) * DAYS_PER_YEAR
    raw = str(text).strip()
    if raw.upper().startswith("P"):
        return parse_iso8601_duration(raw)
    match = _PLAIN.match(raw.lower())
    if not match:
        raise InputError(
            f"'{raw}' is not an age ipexpath understands.",
            "Write ages like P3M, '3 months', '10 days' or '2 years'.",
        )
    value = float(match.group(1))
    unit = (match.group(2) or "y")[0]
    factor = {"d": 1.0, "w": 7.0, "m": DAYS_PER_MONTH, "y": DAYS_PER_YEAR}[unit]
    return value * factor


def onset_class_midpoint(term_id: str) -> float | None:
    """Midpoint in days of an HPO onset class, or None if the term is not one."""
    span = ONSET_CLASSES.get(term_id)
    if span is None:
        return None
    return (span[0] + span[1]) / 2


def describe_days(days: float | None) -> str:
    """A human age: '3 months', '10 days', '2 years'."""
    if days is None:
        return "unknown"
    if days < 0:
        return "before birth"
    if days < 60:
        return f"{round(days)} days"
    if days < 2 * DAYS_PER_YEAR:
        return f"{round(days / DAYS_PER_MONTH)} months"
    return f"{days / DAYS_PER_YEAR:.0f} years"
