"""Ages of a case: parsing helpers over the package's one `Age` type, and the HPO onset classes."""

from __future__ import annotations

import re

from ipexpath.errors import InputError
from ipexpath.types import DAYS_PER_MONTH, DAYS_PER_YEAR, Age, describe_age

_BARE_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")

__all__ = [
    "DAYS_PER_MONTH",
    "DAYS_PER_YEAR",
    "ONSET_CLASSES",
    "Age",
    "describe_age",
    "describe_days",
    "onset_class_midpoint",
    "parse_age",
    "parse_iso8601_duration",
    "parse_stated_age",
]

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


def parse_iso8601_duration(text: str) -> Age:
    """'P3M' → Age of 91.3 days; InputError for anything that is not an ISO 8601 age."""
    return Age.from_iso8601(text)


def parse_age(text: str | float | int) -> Age:
    """Accept ISO 8601 (P3M), '3 months', '10 d', '2y' or a number of years."""
    return Age.parse(text)


def parse_stated_age(value: str | float | int, where: str = "age") -> Age:
    """An age that must carry its unit (case form, --age/--onset): ISO 8601 (P5M, P5Y) or '5 months'.

    A bare number is refused rather than read as years: in a form about infants "age: 5" is as likely to mean
    months as years, and a 5-year-old and a 5-month-old are different clinical pictures (onset class, the
    leaflet's wording, adult or child).
    """
    if isinstance(value, bool):
        return Age.parse(value)  # refused there with its own message
    bare = isinstance(value, int | float) or _BARE_NUMBER.match(str(value).strip()) is not None
    if bare and float(value) != 0.0:
        raise InputError(
            f"{where}: {value!r} has no unit. A bare number is ambiguous: for an infant it is often months, "
            "not years.",
            f"Write the unit: P{value}M or '{value} months', P{value}Y or '{value} years' (ISO 8601 or "
            "words).",
        )
    return Age.parse(value)


def onset_class_midpoint(term_id: str) -> Age | None:
    """Midpoint of an HPO onset class, or None if the term is not one."""
    span = ONSET_CLASSES.get(term_id)
    if span is None:
        return None
    return Age.from_days((span[0] + span[1]) / 2)


def describe_days(days: float | Age | None) -> str:
    """A human age: '3 months', '10 days', '2 years' ('unknown' when None)."""
    if days is None:
        return "unknown"
    return describe_age(days if isinstance(days, Age) else Age.from_days(float(days)))
