"""The seam between `ipexpath rank --json` and `ipexpath classify --ranking`: one schema both sides use.

`rank --json` writes `Differential.to_dict()` plus the case; `classify --ranking` and the genotype re-rank
read it back with `RankingFile.from_json`, which knows the exact keys the writer uses (`results`,
`ipex_and_ipex_like`, `case`). A test feeds real `rank --json` output into `classify --ranking`, so the two
cannot drift apart again (the reader once looked for `ipex_rows`, so PP4 said IPEX "is not in the
phenotype differential" whenever IPEX was outside `--top`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ipexpath.errors import InputError
from ipexpath.suspect.ranking import Differential, DiseaseScore
from ipexpath.types import Sex

RESULTS_KEY = "results"
IPEX_ROWS_KEY = "ipex_and_ipex_like"
CASE_KEY = "case"


@dataclass(frozen=True)
class RankedDisease:
    """One disease of the phenotype differential, as the later steps need it (true rank among all)."""

    rank: int
    disease_id: str
    name: str
    posterior: float
    log10_lr: float
    genes: tuple[str, ...] = ()
    ipex_flag: str | None = None  # "IPEX", "IPEX-like" or None
    cross_references: tuple[str, ...] = ()

    @classmethod
    def from_score(cls, row: DiseaseScore) -> RankedDisease:
        """From the ranking's own row (exact posterior, not the JSON's rounded one)."""
        return cls(
            rank=row.rank,
            disease_id=row.disease_id,
            name=row.name,
            posterior=float(row.posterior),
            log10_lr=float(row.log10_lr),
            genes=tuple(row.genes),
            ipex_flag=None if row.flag is None else row.flag.value,
            cross_references=tuple(row.cross_references),
        )

    @classmethod
    def from_json(cls, row: Any, where: str) -> RankedDisease:
        """From one row of `rank --json` (`results` or `ipex_and_ipex_like`); InputError naming the row."""
        if not isinstance(row, dict):
            raise InputError(f"{where}: a differential row is not an object.", _FIX)
        try:
            rank = int(row["rank"])
            posterior = float(row["posterior"])
            log10_lr = float(row.get("log10_lr") or 0.0)
            disease_id = str(row["disease_id"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(
                f"{where}: a differential row lacks a valid {exc.args[0] if exc.args else 'field'}.", _FIX
            ) from None
        if rank < 1 or not 0.0 <= posterior <= 1.0:
            raise InputError(f"{where}: row {disease_id} has rank {rank} / posterior {posterior}.", _FIX)
        genes = row.get("genes") or []
        refs = row.get("cross_references") or []
        return cls(
            rank=rank,
            disease_id=disease_id,
            name=str(row.get("name") or disease_id),
            posterior=posterior,
            log10_lr=log10_lr,
            genes=tuple(str(g) for g in genes) if isinstance(genes, list) else (),
            ipex_flag=str(row["ipex"]) if row.get("ipex") else None,
            cross_references=tuple(str(r) for r in refs) if isinstance(refs, list) else (),
        )

    def to_json(self) -> dict[str, Any]:
        """The row in the keys `rank --json` uses."""
        return {
            "rank": self.rank,
            "disease_id": self.disease_id,
            "cross_references": list(self.cross_references),
            "name": self.name,
            "posterior": self.posterior,
            "log10_lr": self.log10_lr,
            "ipex": self.ipex_flag,
            "genes": list(self.genes),
        }


_FIX = "Give the output of `ipexpath rank --json` unchanged."


@dataclass(frozen=True)
class RankingFile:
    """A phenotype differential as passed between commands: top rows plus every IPEX/IPEX-like row."""

    case_id: str
    n_diseases: int
    rows: tuple[RankedDisease, ...]  # unique diseases, best rank first
    sex: Sex = Sex.UNKNOWN

    @classmethod
    def from_differential(cls, differential: Differential, sex: Sex = Sex.UNKNOWN) -> RankingFile:
        """From the ranking itself (what `rank --json` writes)."""
        return cls(
            differential.case_id,
            differential.n_diseases,
            _unique([RankedDisease.from_score(r) for r in (*differential.results, *differential.ipex_rows)]),
            sex,
        )

    @classmethod
    def from_json(cls, data: Any, source: str) -> RankingFile:
        """From the parsed JSON of `rank --json`; a clear InputError when it is something else."""
        if not isinstance(data, dict) or not isinstance(data.get(RESULTS_KEY), list):
            raise InputError(f"The ranking file '{source}' has no '{RESULTS_KEY}' list.", _FIX)
        extra = data.get(IPEX_ROWS_KEY, [])
        if not isinstance(extra, list):
            raise InputError(f"The ranking file '{source}': '{IPEX_ROWS_KEY}' is not a list.", _FIX)
        rows = [RankedDisease.from_json(r, source) for r in (*data[RESULTS_KEY], *extra)]
        case_raw, prior_raw = data.get(CASE_KEY), data.get("prior")
        case: dict[str, Any] = case_raw if isinstance(case_raw, dict) else {}
        prior: dict[str, Any] = prior_raw if isinstance(prior_raw, dict) else {}
        try:
            n = round(1.0 / float(prior["value"])) if prior.get("value") else len(rows)
        except (TypeError, ValueError, ZeroDivisionError):
            n = len(rows)
        try:
            sex = Sex.parse(case.get("sex"))
        except InputError:
            sex = Sex.UNKNOWN
        return cls(str(data.get("case_id") or case.get("id") or "case"), int(n), _unique(rows), sex)


def _unique(rows: list[RankedDisease]) -> tuple[RankedDisease, ...]:
    seen: dict[str, RankedDisease] = {}
    for row in rows:
        seen.setdefault(row.disease_id, row)
    return tuple(sorted(seen.values(), key=lambda r: r.rank))
