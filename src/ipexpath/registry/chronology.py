"""Dates a registry row cannot have: before the patient's birth month, in the future, after death (a
post-mortem diagnosis excepted), or out of order within the row; and a boost with conditioning (Barzaghi 2018:
a boost is an infusion without conditioning). One set of rules for imports (`store`) and for rows saved one
by one (the models' `clean`, which the web forms and API call).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Dates that may fall after death: a diagnosis can be confirmed post mortem on stored DNA, a phenotype
# recorded from the notes afterwards. Every other dated row (treatment, measurement, visit) cannot.
AFTER_DEATH_ALLOWED = {
    ("diagnosis", "diagnosis_date"),
    ("diagnosis", "confirmation_date"),
    ("phenotype", "recorded_on"),
}
# Row-internal order: (table, earlier column, later column, what the later one is).
ORDER = (
    ("immunosuppression", "start", "stop", "the course's stop"),
    ("supportive_care", "start", "stop", "the episode's stop"),
    ("hsct", "day0", "neutrophil_engraftment", "neutrophil engraftment"),
    ("hsct", "day0", "platelet_engraftment", "platelet engraftment"),
    ("hsct", "day0", "graft_failure_date", "graft failure"),
)
BOOST_WITH_CONDITIONING = (
    "a boost is an infusion without conditioning (Barzaghi 2018); a new donor with conditioning is a second "
    "transplant"
)


SECOND_WITHOUT_CONDITIONING = (
    "a second transplant is an infusion from a different donor with conditioning (Barzaghi 2018); without "
    "conditioning it is a boost"
)


@dataclass(frozen=True)
class Problem:
    """One impossible value: the column and a sentence a clinician understands."""

    column: str
    text: str


@dataclass(frozen=True)
class Life:
    """What the rules need to know of the patient: birth year and month, death date."""

    birth_year: int
    birth_month: int | None
    death_date: dt.date | None

    @property
    def born(self) -> dt.date:
        """The first day the patient can have lived (the registry keeps birth year and month only)."""
        return dt.date(self.birth_year, self.birth_month or 1, 1)

    @property
    def born_text(self) -> str:
        """Birth as the registry knows it: 2019-03, or 2019."""
        return f"{self.birth_year}-{self.birth_month:02d}" if self.birth_month else str(self.birth_year)


def birth_problem(year: int, month: int | None) -> Problem | None:
    """A birth year before 1900 or a birth (year, month) after the current month, or None."""
    today = dt.date.today()
    if not 1900 <= year <= today.year:
        return Problem("birth_year", f"{year} is not a plausible birth year (1900 to {today.year}).")
    if month is not None and 1 <= month <= 12 and (year, month) > (today.year, today.month):
        return Problem("birth_month", f"{year}-{month:02d} is in the future.")
    return None


def patient_problem(life: Life, values: Mapping[str, Any]) -> Problem | None:
    """The first impossible date of a patient row (death, last follow-up, consent), or None."""
    today = dt.date.today()
    for column in ("death_date", "last_follow_up", "consent_date"):
        day = values.get(column)
        if day is None:
            continue
        if day < life.born:
            return Problem(column, f"{day} is before the patient's birth ({life.born_text}).")
        if day > today:
            return Problem(column, f"{day} is in the future.")
    death, last = values.get("death_date"), values.get("last_follow_up")
    if death is not None and last is not None and last > death:
        return Problem(
            "last_follow_up",
            f"{last} is after the death on {death} (for a deceased patient the last follow-up is the date "
            "of death or earlier).",
        )
    return None


def row_problem(table: str, values: Mapping[str, Any], life: Life) -> Problem | None:
    """The first impossible date (or boost with conditioning) of a row of `table`, or None."""
    today = dt.date.today()
    for column, day in values.items():
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            continue
        if day < life.born:
            return Problem(column, f"{day} is before the patient's birth ({life.born_text}).")
        if day > today:
            return Problem(column, f"{day} is in the future.")
        death = life.death_date
        if death is not None and day > death and (table, column) not in AFTER_DEATH_ALLOWED:
            return Problem(column, f"{day} is after the patient's death on {death}.")
    for name, first, later, label in ORDER:
        if name == table and values.get(first) and values.get(later) and values[later] < values[first]:
            return Problem(
                later, f"{values[later]} is before {first} {values[first]} ({label} cannot come first)."
            )
    conditioning = values.get("conditioning_intensity")
    if table == "hsct" and values.get("kind") == "boost" and conditioning in ("full", "rit"):
        return Problem("conditioning_intensity", f"{BOOST_WITH_CONDITIONING}.")
    if table == "hsct" and values.get("kind") == "second" and conditioning == "none":
        return Problem("conditioning_intensity", f"{SECOND_WITHOUT_CONDITIONING}.")
    return None
