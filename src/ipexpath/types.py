"""The closed vocabularies and small values every step of the pathway shares: Sex, Age, Zygosity, Inheritance.

One type each for the whole package, so that a case, a variant call, a pedigree member and a report line
cannot spell the same fact differently (the phenotype ranking once wrote 'MALE', the pedigree 'male' and
the classifier `None`). Enum values use the GA4GH Phenopacket v2 names where one exists (`Sex`), so JSON
output and phenopackets agree. This module imports nothing from ipexpath except the error types: it sits
below every layer (knowledge → case → suspect/confirm/counsel → report → commands).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import Enum, StrEnum

from ipexpath.errors import InputError

DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
# The oldest documented human lived 122 years; an age beyond this is a typing error, not a patient.
MAX_AGE_YEARS = 130.0
# Ages before birth (antenatal onset, gestational age) go back to conception, about 40 weeks.
MIN_AGE_DAYS = -7.0 * 40


class Sex(Enum):
    """Sex of a person, with the GA4GH Phenopacket v2 `Sex` names as values.

    For X-linked inheritance the engine needs karyotypic sex; `OTHER` and `UNKNOWN` are both treated as
    "not known" there (both chromosome sets are considered).
    """

    MALE = "MALE"
    FEMALE = "FEMALE"
    UNKNOWN = "UNKNOWN_SEX"
    OTHER = "OTHER_SEX"

    @classmethod
    def parse(cls, text: str | Sex | None) -> Sex:
        """Accept 'male'/'m'/'boy'/'MALE', 'female'/'f'/'girl', 'unknown'/'UNKNOWN_SEX', 'other'
        (case-insensitive); InputError naming the value otherwise. Numeric codes are NOT accepted here:
        PED (1 = male) and Phenopacket (1 = female) number sex the other way round, so each reader converts
        its own codes."""
        if isinstance(text, Sex):
            return text
        if text is None:
            return cls.UNKNOWN
        value = str(text).strip().lower().replace("-", "_")
        found = _SEX_WORDS.get(value)
        if found is None:
            raise InputError(f"Unknown sex '{text}'.", "Use male, female, unknown or other.")
        return found

    @property
    def word(self) -> str:
        """The sex in lower-case words: 'male', 'female', 'unknown', 'other'."""
        return _SEX_WORD[self]

    @property
    def is_known(self) -> bool:
        """Male or female (the two the X-linked model distinguishes)."""
        return self in (Sex.MALE, Sex.FEMALE)

    def pronoun(self, case: str = "subject") -> str:
        """'he'/'she'/'they' (subject), 'his'/'her'/'their' (possessive), 'him'/'her'/'them' (object)."""
        table = {
            "subject": ("he", "she", "they"),
            "possessive": ("his", "her", "their"),
            "object": ("him", "her", "them"),
        }[case]
        return table[0] if self is Sex.MALE else table[1] if self is Sex.FEMALE else table[2]

    def child_word(self) -> str:
        """'boy', 'girl' or 'child'."""
        return "boy" if self is Sex.MALE else "girl" if self is Sex.FEMALE else "child"


_SEX_WORD = {Sex.MALE: "male", Sex.FEMALE: "female", Sex.UNKNOWN: "unknown", Sex.OTHER: "other"}
_SEX_WORDS = {
    "male": Sex.MALE,
    "m": Sex.MALE,
    "boy": Sex.MALE,
    "man": Sex.MALE,
    "female": Sex.FEMALE,
    "f": Sex.FEMALE,
    "girl": Sex.FEMALE,
    "woman": Sex.FEMALE,
    "unknown": Sex.UNKNOWN,
    "unknown_sex": Sex.UNKNOWN,
    "u": Sex.UNKNOWN,
    "": Sex.UNKNOWN,
    "other": Sex.OTHER,
    "other_sex": Sex.OTHER,
}


class Zygosity(StrEnum):
    """How many copies of a variant a person carries (GENO allelic states; 'reference' = tested, none)."""

    HEMIZYGOUS = "hemizygous"
    HOMOZYGOUS = "homozygous"
    HETEROZYGOUS = "heterozygous"
    REFERENCE = "reference"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, text: str | Zygosity | None) -> Zygosity:
        """'het', 'heterozygous', 'hom', 'hemi', … (case-insensitive); unknown for None."""
        if isinstance(text, Zygosity):
            return text
        value = str(text or "unknown").strip().lower()
        aliases = {"het": "heterozygous", "hom": "homozygous", "hemi": "hemizygous", "ref": "reference"}
        try:
            return cls(aliases.get(value, value))
        except ValueError:
            raise InputError(
                f"Unknown zygosity '{text}'.", "Use hemizygous, heterozygous or homozygous."
            ) from None

    def for_sex(self, sex: Sex, x_linked: bool) -> Zygosity:
        """A male's single-copy or 'homozygous' call on the X outside the PAR is hemizygous."""
        if x_linked and sex is Sex.MALE and self in (Zygosity.HOMOZYGOUS, Zygosity.HEMIZYGOUS):
            return Zygosity.HEMIZYGOUS
        return self


class Inheritance(StrEnum):
    """Mode of inheritance of a gene–disease pair (the panel's short codes)."""

    XLR = "XLR"
    AR = "AR"
    AD = "AD"

    @property
    def x_linked(self) -> bool:
        """On the X chromosome."""
        return self is Inheritance.XLR

    @property
    def words(self) -> str:
        """'X-linked recessive', 'autosomal recessive', 'autosomal dominant'."""
        return {"XLR": "X-linked recessive", "AR": "autosomal recessive", "AD": "autosomal dominant"}[
            self.value
        ]

    def explains(self, zygosities: list[Zygosity], sex: Sex, n_variants: int) -> bool | None:
        """Whether (likely) pathogenic variant(s) with these zygosities can by themselves cause the disease.

        XLR: a hemizygous male or a homozygous female (a heterozygous female is a carrier; GeneReviews
        NBK1118 for FOXP3). AR: homozygous, or two variants (phase not known: counted as compatible).
        AD: one variant. None when every zygosity is unknown.
        """
        known = [z for z in zygosities if z is not Zygosity.UNKNOWN]
        if not known:
            return None
        if self is Inheritance.XLR:
            if sex is Sex.FEMALE:
                return Zygosity.HOMOZYGOUS in known
            if sex is Sex.MALE:
                return any(z in (Zygosity.HEMIZYGOUS, Zygosity.HOMOZYGOUS) for z in known)
            return any(z in (Zygosity.HEMIZYGOUS, Zygosity.HOMOZYGOUS) for z in known)
        if self is Inheritance.AR:
            return Zygosity.HOMOZYGOUS in known or n_variants >= 2
        return any(z is not Zygosity.REFERENCE for z in known)


# Gestational age as clinicians write it: "32 weeks gestation", "32+3 weeks' gestation", "GA 32+3",
# "GA: 32w3d", "gestational age 32 weeks", "32/40" (UK notes: 32 of 40 weeks). Weeks completed plus days
# (0-6), counted from the first day of the last menstrual period; term is 40+0 weeks (WHO ICD-11 and ACOG
# Committee Opinion 579, "Definition of term pregnancy", 2013). A gestational age is held as an `Age` of
# days before term birth (negative), the same convention as a phenopacket's `gestationalAge`.
TERM_GESTATION_WEEKS = 40
_GA_NUMBER = (
    r"(?P<weeks>\d{1,3})(?:\s*\+\s*(?P<plus>\d{1,2}))?(?:\s*(?:w|wk|wks|week|weeks)(?![a-z]))?"
    r"(?:\s*(?:\+|and)?\s*(?P<days>\d{1,2})\s*(?:d|day|days)(?![a-z]))?"
)
_GESTATIONAL = (
    re.compile(rf"^(?:ga|gestational age|gestation)\s*[:=]?\s*{_GA_NUMBER}$"),
    re.compile(rf"^{_GA_NUMBER}\s*(?:of\s+)?(?:ga|gestational age|gestation)$"),
    re.compile(r"^(?P<weeks>\d{1,3})(?:\s*\+\s*(?P<plus>\d{1,2}))?\s*/\s*40$"),
)
_GA_AMBIGUOUS = (
    (
        re.compile(r"\b(?:corrected|adjusted)\b"),
        "is a corrected age (for prematurity); ipexpath needs the age since birth or a gestational age",
        "Give the age since birth (e.g. '3 months') or the gestational age before birth (e.g. 'GA 32+3').",
    ),
    (
        re.compile(r"\b(?:pma|pca|cga|post[- ]?menstrual|post[- ]?conceptional)\b"),
        "is a postmenstrual or postconceptional age, which mixes the age before and after birth",
        "Give the age since birth (e.g. '3 weeks'); the gestational age at birth belongs in the notes.",
    ),
    (
        re.compile(r"\b(?:born|delivered|preterm|premature)\b"),
        "describes the birth, not an age",
        "Give the age now or at onset since birth (e.g. '10 days'), or a gestational age before birth "
        "(e.g. 'GA 32+3').",
    ),
    (
        re.compile(r"^\d{1,2}\s*\+\s*\d{1,2}$"),
        "could be a gestational age (weeks+days) but says so nowhere",
        "Write 'GA 32+3' (or '32+3 weeks gestation') for a gestational age, or the age since birth.",
    ),
)

_ISO = re.compile(r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?$")
_PLAIN = re.compile(r"^(\d+(?:\.\d+)?)\s*(d|day|days|w|wk|week|weeks|m|mo|month|months|y|yr|year|years)?$")


@dataclass(frozen=True, order=True)
class Age:
    """An age (or a time since birth) held in days, the one unit of the package.

    Build it with a named constructor: `Age.from_iso8601("P3M")`, `Age.from_years(2)`, `Age.from_days(14)`
    or `Age.parse("3 months")`. Negative values are before birth (antenatal onset).
    """

    days: float

    def __post_init__(self) -> None:
        if not isinstance(self.days, int | float) or not math.isfinite(self.days):
            raise InputError(f"Age {self.days!r} is not a number of days.", "Write ages like P3M or 2 years.")
        if self.days > MAX_AGE_YEARS * DAYS_PER_YEAR:
            raise InputError(
                f"Age {self.days / DAYS_PER_YEAR:.0f} years is beyond a human lifespan.",
                f"Ages must be below {MAX_AGE_YEARS:.0f} years; check the unit (days, months, years).",
            )
        if self.days < MIN_AGE_DAYS:
            raise InputError(
                f"Age {self.days:g} days is before conception.", "Ages before birth go back 40 weeks at most."
            )

    @classmethod
    def from_days(cls, days: float) -> Age:
        """An age of `days` days."""
        return cls(float(days))

    @classmethod
    def from_years(cls, years: float) -> Age:
        """An age of `years` years (365.25 days each)."""
        return cls(float(years) * DAYS_PER_YEAR)

    @classmethod
    def from_iso8601(cls, text: str) -> Age:
        """'P3M' → 91.3 days; InputError for anything that is not an ISO 8601 duration."""
        match = _ISO.match(str(text).strip().upper())
        if not match or not any(match.groups()):
            raise InputError(
                f"'{text}' is not an ISO 8601 age.", "Write ages like P3M (3 months), P1Y6M or P10D."
            )
        years, months, weeks, days = (float(g) if g else 0.0 for g in match.groups())
        return cls(years * DAYS_PER_YEAR + months * DAYS_PER_MONTH + weeks * 7 + days)

    @classmethod
    def from_gestation(cls, weeks: int, days: int = 0) -> Age:
        """A gestational age of `weeks`+`days` (days 0-6), held as days before term birth (40+0 weeks).

        Beyond 40+0 a gestational age would read as an age after birth (41+0 weeks as 7 days old), so it is
        refused rather than guessed."""
        if not 0 <= days <= 6:
            raise InputError(
                f"Gestational age {weeks}+{days}: the days after the completed weeks go from 0 to 6.",
                "Write completed weeks and days, e.g. 'GA 32+3' (32 weeks and 3 days).",
            )
        if weeks > TERM_GESTATION_WEEKS or (weeks == TERM_GESTATION_WEEKS and days > 0):
            raise InputError(
                f"Gestational age {weeks}+{days} weeks is after term (40+0); ipexpath holds ages before "
                "birth as time before term, so a later one cannot be told from an age after birth.",
                "After birth, give the age since birth (e.g. '3 days'); before birth, check the weeks.",
            )
        return cls(-7.0 * (TERM_GESTATION_WEEKS - weeks) + days)

    @property
    def gestation(self) -> tuple[int, int] | None:
        """(completed weeks, days) of gestation for an age before birth; None after birth."""
        if self.days >= 0:
            return None
        total = round(TERM_GESTATION_WEEKS * 7 + self.days)
        return total // 7, total % 7

    @classmethod
    def parse(cls, text: str | float | Age) -> Age:
        """ISO 8601 (P3M), '3 months', '10 d', '2y', a bare number of years, or a gestational age ('GA 32+3',
        '32 weeks gestation', '32/40'); an ambiguous one (corrected age, postmenstrual age, '32+3') is
        refused."""
        if isinstance(text, Age):
            return text
        if isinstance(text, bool):
            raise InputError(f"Age {text!r} is not an age.", "Write ages like P3M, '3 months' or '2 years'.")
        if isinstance(text, int | float):
            if not math.isfinite(text) or text < 0:
                raise InputError(f"Age {text} is not a valid number of years.")
            return cls.from_years(float(text))
        raw = str(text).strip()
        gestational = _gestational_age(raw)
        if gestational is not None:
            return gestational
        if raw.upper().startswith("P"):
            return cls.from_iso8601(raw)
        match = _PLAIN.match(raw.lower())
        if not match:
            raise InputError(
                f"'{raw[:40]}' is not an age ipexpath understands.",
                "Write ages like P3M, '3 months', '10 days' or '2 years'.",
            )
        value = float(match.group(1))
        unit = (match.group(2) or "y")[0]
        factor = {"d": 1.0, "w": 7.0, "m": DAYS_PER_MONTH, "y": DAYS_PER_YEAR}[unit]
        return cls(value * factor)

    @property
    def years(self) -> float:
        """The age in years."""
        return self.days / DAYS_PER_YEAR

    @property
    def is_minor(self) -> bool:
        """Younger than 18 years (the age of majority used for consent to predictive testing)."""
        return self.years < ADULT_YEARS

    @property
    def iso8601(self) -> str:
        """The age as an ISO 8601 duration ('P4M', 'P1Y2M', 'P10D'); before birth as 'P0D'."""
        days = max(self.days, 0.0)
        years = int(days // DAYS_PER_YEAR)
        rest = days - years * DAYS_PER_YEAR
        months = int(rest // DAYS_PER_MONTH)
        rest_days = round(rest - months * DAYS_PER_MONTH)
        text = "P" + (f"{years}Y" if years else "") + (f"{months}M" if months else "")
        if rest_days or text == "P":
            text += f"{rest_days}D"
        return text

    def describe(self) -> str:
        """A human age: '3 months', '10 days', '2 years', 'before birth'."""
        if self.days < 0:
            return "before birth"
        if self.days < 60:
            return f"{round(self.days)} days"
        if self.days < 2 * DAYS_PER_YEAR:
            return f"{round(self.days / DAYS_PER_MONTH)} months"
        return f"{self.years:.0f} years"


def _gestational_age(raw: str) -> Age | None:
    """A gestational age written as clinicians write it, or None when `raw` is not one; InputError when it
    is a form that cannot be placed on the one time line (corrected, postmenstrual, at birth, bare 32+3)."""
    text = " ".join(raw.lower().replace("\u2019", "").replace("'", "").replace(".", " ").split())
    for pattern in _GESTATIONAL:
        match = pattern.match(text)
        if match:
            groups = match.groupdict()
            if groups.get("plus") and groups.get("days"):
                raise InputError(
                    f"'{raw[:60]}' gives the days twice.", "Write e.g. 'GA 32+3' or 'GA 32 weeks 3 days'."
                )
            days = groups.get("plus") or groups.get("days") or "0"
            return Age.from_gestation(int(match["weeks"]), int(days))
    for pattern, problem, suggestion in _GA_AMBIGUOUS:
        if pattern.search(text):
            raise InputError(f"'{raw[:60]}' {problem}.", suggestion)
    return None


# Age of majority for consent to predictive genetic testing (Botkin et al. 2015, ASHG points to consider,
# Am J Hum Genet 97:6-21, PMID 26140447: carrier testing of minors deferred until they can decide).
ADULT_YEARS = 18.0


def describe_age(age: Age | None) -> str:
    """'3 months', or 'unknown' when the age was not given."""
    return "unknown" if age is None else age.describe()
