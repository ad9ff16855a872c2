"""The registry analysis behind the analysis page: computed once per registry state, time zero and set of
centres, on disk.

Each user sees the analysis of their own centres' patients only. The report
(`registry.analysis_report.write_report`) is written into the data folder under a name made of the time zero,
the centres and the registry state (which changes whenever a registry row changes), so page views reuse it
and a change triggers a new one.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipexpath.registry.models import AuditEvent, Patient
from ipexpath.registry.settings import data_dir

TIME_ZEROS = ("treatment", "birth", "diagnosis")
CHANGES = ("create", "update", "delete", "import", "restore")


@dataclass(frozen=True)
class AnalysisReport:
    """What the page shows: the JSON results and the figure names with their one-sentence captions."""

    time_zero: str
    folder: Path
    payload: dict[str, Any]
    figures: list[tuple[str, str]]


# Rows the survival analysis does not read: storing an assessment or editing a family must not make every
# page view recompute the analysis.
NOT_ANALYSED = ("StoredAssessment", "AssessmentDocuments", "FamilyRecord", "PhenotypeObservation")


def _state() -> str:
    changes = AuditEvent.objects.filter(action__in=CHANGES).exclude(model__in=NOT_ANALYSED)
    last = changes.order_by("-id").values_list("id", flat=True)[:1]
    return f"{Patient.all_objects.count()}-{last[0] if last else 0}"


def _root() -> Path:
    return data_dir() / "web-analysis"


def _folder(time_zero: str, centres: Iterable[str]) -> Path:
    codes = ",".join(sorted(centres))
    scope = hashlib.sha256(codes.encode("utf-8")).hexdigest()[:16]
    return _root() / f"{time_zero}-{scope}-{_state()}"


@contextlib.contextmanager
def _computing(folder: Path) -> Iterator[None]:
    """An exclusive lock (flock) for computing one analysis folder, across threads and gunicorn workers."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_report(time_zero: str, centres: Iterable[str]) -> AnalysisReport:
    """The analysis of the patients of `centres` (codes) as the registry is now (computed if it changed)."""
    from ipexpath.registry.analysis import analyse
    from ipexpath.registry.analysis_report import FIGURES, write_report

    codes = sorted(set(centres))
    folder = _folder(time_zero, codes)
    if not (folder / "analysis.json").is_file():
        with _computing(folder):  # one request computes; the others (threads or workers) wait, then read
            if not (folder / "analysis.json").is_file():
                result = analyse(time_zero, codes)
                synthetic = Patient.objects.filter(synthetic=True, centre__code__in=codes).exists()
                write_report(result, folder, synthetic)
    payload = json.loads((folder / "analysis.json").read_text(encoding="utf-8"))
    figures = [(name, FIGURES[name][1]) for name in payload.get("figures", []) if name in FIGURES]
    return AnalysisReport(time_zero, folder, payload, figures)


def figure_path(time_zero: str, name: str, centres: Iterable[str]) -> Path | None:
    """The PNG of the current analysis of `centres`, if it exists (names checked against the figures)."""
    from ipexpath.registry.analysis_report import FIGURES

    if time_zero not in TIME_ZEROS or name not in FIGURES:
        return None
    path = _folder(time_zero, centres) / name
    return path if path.is_file() else None
