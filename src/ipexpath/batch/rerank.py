"""Batch re-ranking: many cases ranked by the same code as `ipexpath rank`, on local processes or on Dask.

Tasks carry a few hundred cases (Dask's per-task overhead is a few ms); each worker process builds the
ranking model once from the cached knowledge arrays and keeps it for every later task. A task returns one
JSON line per case: `{"id": …, "results": [the top N rows exactly as rank --json writes them],
"ipex_and_ipex_like": [every IPEX / IPEX-like row, its rank and scores, without explanation]}` — or
`{"id": …, "error": "…"}` for a case that cannot be ranked. Only the top N rows are explained.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ipexpath.errors import IpexpathError
from ipexpath.suspect.benchmark import RawCase

TASK_SIZE = 250  # cases per task: Dask's overhead (~3-4 ms/task) stays well under 1 % of the work
_MODEL: dict[str, Any] = {}


@dataclass(frozen=True)
class CaseInput:
    """One case to rank: its id (phenopacket id, else where it came from) and the phenopacket mapping."""

    case_id: str
    packet: dict[str, Any] | None
    error: str | None = None


def case_inputs(raw: Iterable[RawCase]) -> Iterator[CaseInput]:
    """Ids for the benchmark reader's cases (the phenopacket id, else the file or line it came from)."""
    for item in raw:
        packet_id = item.packet.get("id") if isinstance(item.packet, dict) else None
        case_id = str(packet_id) if isinstance(packet_id, str) and packet_id.strip() else item.where
        yield CaseInput(case_id, item.packet, item.error)


def _model(hpo_dir: str | None) -> Any:
    """The worker's ranking model: memory-mapped from the machine's model store, loaded once per process."""
    key = hpo_dir or ""
    if key not in _MODEL:
        _MODEL[key] = prepare_model(hpo_dir)
    return _MODEL[key]


def prepare_model(hpo_dir: str | None) -> tuple[Any, Any]:
    """Knowledge base and ranking model from the cache (building and storing them if they are missing).

    Called once by the client before workers start, so that local workers only open the stored files.
    """
    from pathlib import Path

    from ipexpath.batch.model_store import shared_model
    from ipexpath.knowledge import require_knowledge
    from ipexpath.knowledge.cache import cache_path
    from ipexpath.knowledge.release import locate_release

    folder = Path(hpo_dir) if hpo_dir else None
    kb = require_knowledge(folder)
    kb_cache = cache_path(locate_release(folder))
    return kb, shared_model(kb, kb_cache if kb_cache.is_dir() else None)


@dataclass(frozen=True)
class Contradiction:
    """A term a published case lists both as observed and as excluded (kept as observed, and counted)."""

    case_id: str
    term: str

    def describe(self) -> str:
        """One line naming the case and the term."""
        return f"case '{self.case_id}': {self.term} is both observed and excluded; it was kept as observed."

    def to_dict(self) -> dict[str, str]:
        """JSON form."""
        return {"id": self.case_id, "term": self.term}


@dataclass(frozen=True)
class TaskResult:
    """What one task returns: a JSON line per case, how many were errors, and the contradictions kept."""

    lines: list[str]
    errors: int
    contradictions: list[Contradiction] = field(default_factory=list)


def both_observed_and_excluded(packet: dict[str, Any]) -> list[str]:
    """HPO ids a phenopacket lists both as observed and as excluded (the rule `case` refuses: same id)."""
    observed: set[str] = set()
    excluded: set[str] = set()
    for feature in packet.get("phenotypicFeatures") or []:
        if not isinstance(feature, dict) or not isinstance(feature.get("type"), dict):
            continue
        term = feature["type"].get("id")
        if isinstance(term, str) and term.strip():
            (excluded if feature.get("excluded") is True else observed).add(term.strip().upper())
    return sorted(observed & excluded)


def rank_lines(cases: list[CaseInput], top: int, hpo_dir: str | None = None) -> TaskResult:
    """Rank a task's cases: one JSON line each (input errors on the case's own line), the error count, and
    the terms listed both observed and excluded (kept as observed for a published case, named in the
    line's 'warnings' and counted in the run's summary)."""
    from ipexpath.case.readers import case_from_phenopacket
    from ipexpath.suspect import rank_case

    kb, model = _model(hpo_dir)
    lines = []
    errors = 0
    contradictions: list[Contradiction] = []
    for item in cases:
        if item.packet is None:
            lines.append(json.dumps({"id": item.case_id, "error": item.error or "unreadable"}))
            errors += 1
            continue
        try:
            case = case_from_phenopacket(item.packet, kb, lenient=True, source=item.case_id)
            ranked = rank_case(model, case, top=top, similar=0, explain_ipex_rows=False)
        except IpexpathError as exc:
            lines.append(json.dumps({"id": item.case_id, "error": exc.message}))
            errors += 1
            continue
        row: dict[str, Any] = {
            "id": item.case_id,
            "results": [r.to_dict() for r in ranked.results[:top]],
            "ipex_and_ipex_like": [_compact(r.to_dict()) for r in ranked.ipex_rows],
        }
        both = [Contradiction(item.case_id, term) for term in both_observed_and_excluded(item.packet)]
        if both:
            row["warnings"] = [f"{c.term} is both observed and excluded; kept as observed." for c in both]
            contradictions += both
        lines.append(json.dumps(row, ensure_ascii=False))
    return TaskResult(lines, errors, contradictions)


def _compact(row: dict[str, Any]) -> dict[str, Any]:
    """An IPEX / IPEX-like row for --compare: the rank --json row without explanation and factors."""
    return {k: v for k, v in row.items() if k not in ("explanation", "factors")}


def chunks(items: Iterable[CaseInput], size: int = TASK_SIZE) -> Iterator[list[CaseInput]]:
    """Consecutive tasks of `size` cases."""
    batch: list[CaseInput] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def worker_environment() -> dict[str, str]:
    """Environment for worker processes: one BLAS thread each (the machine's cores are the workers)."""
    return {
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        **{k: v for k, v in os.environ.items() if k.startswith("IPEXPATH_")},
    }
