"""The Case: what is known about one patient, as ipexpath understood it.

Observed and excluded HPO terms (already resolved to current ids of the loaded release), sex, ages,
family history; `findings` lists what was noticed while reading the input (obsolete ids mapped, …).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ipexpath.types import Age, Sex

__all__ = ["Age", "Case", "Death", "Finding", "FindingLevel", "Sex", "Term"]


class FindingLevel(Enum):
    """How serious a problem found while reading input is."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Finding:
    """A problem noticed in the input, with a suggested fix (LIRICAL-style sanity issue)."""

    level: FindingLevel
    message: str
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"level": self.level.value, "message": self.message, "suggestion": self.suggestion}


@dataclass(frozen=True)
class Term:
    """A resolved HPO term of the case, with the id the input used when it differs (obsolete/alt id)."""

    id: str
    label: str
    onset: Age | None = None  # age at onset of this feature, when given
    original_id: str | None = None

    @property
    def onset_days(self) -> float | None:
        """The onset in days (for numeric code), or None."""
        return None if self.onset is None else self.onset.days

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        out: dict[str, Any] = {"id": self.id, "label": self.label}
        if self.onset_days is not None:
            out["onset_days"] = self.onset_days
        if self.original_id:
            out["original_id"] = self.original_id
        return out


@dataclass(frozen=True)
class Transplant:
    """A haematopoietic stem cell transplant in the patient's treatment history (so no referral for one)."""

    age: Age | None = None  # age at the transplant, when given
    source: str = "case form"  # where it was read: "case form" or the phenopacket procedure code

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"age_days": None if self.age is None else self.age.days, "source": self.source}


@dataclass(frozen=True)
class Death:
    """The patient has died (vital status): the advice and the leaflet are written for a bereaved family."""

    age: Age | None = None  # age at death, when given
    source: str = "case form"  # where it was read: case form, --deceased, phenopacket subject.vitalStatus

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"age_days": None if self.age is None else self.age.days, "source": self.source}


@dataclass(frozen=True)
class Case:
    """One patient: resolved phenotype, sex and ages; input to every step of the pathway."""

    id: str
    observed: tuple[Term, ...]
    excluded: tuple[Term, ...] = ()
    sex: Sex = Sex.UNKNOWN
    age: Age | None = None  # age at last encounter
    onset: Age | None = None  # age at onset of the disease (first symptoms)
    family_history: str | None = None
    covered: str | None = None  # what the genetic test covered: gene symbols 'FOXP3,IL2RA' or a BED file path
    source: str = "flags"
    findings: tuple[Finding, ...] = field(default=())
    hpo_version: str = ""
    transplants: tuple[Transplant, ...] = ()  # HSCT already done (treatment history)
    death: Death | None = None  # the patient has died (vital status), when recorded

    @property
    def age_days(self) -> float | None:
        """Age at last encounter in days (for numeric code), or None."""
        return None if self.age is None else self.age.days

    @property
    def onset_days(self) -> float | None:
        """Age at onset in days (for numeric code), or None."""
        return None if self.onset is None else self.onset.days

    @property
    def observed_ids(self) -> list[str]:
        """Observed HPO ids."""
        return [t.id for t in self.observed]

    @property
    def excluded_ids(self) -> list[str]:
        """Excluded HPO ids."""
        return [t.id for t in self.excluded]

    def to_dict(self) -> dict[str, Any]:
        """JSON form, as `ipexpath case --json` prints it."""
        return {
            "id": self.id,
            "source": self.source,
            "hpo_version": self.hpo_version,
            "sex": self.sex.value,
            "age_days": self.age_days,
            "onset_days": self.onset_days,
            "family_history": self.family_history,
            "covered": self.covered,
            "observed": [t.to_dict() for t in self.observed],
            "excluded": [t.to_dict() for t in self.excluded],
            "findings": [f.to_dict() for f in self.findings],
            "transplants": [t.to_dict() for t in self.transplants],
            "death": None if self.death is None else self.death.to_dict(),
        }
