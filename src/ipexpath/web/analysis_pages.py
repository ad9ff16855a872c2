"""The registry analysis behind the analysis page: computed once per registry state and time zero, on disk.

The report (`registry.analysis_report.write_report`) is written into the data folder under a name that
changes whenever a registry row changes, so page views reuse it and a change triggers a new one.
"""

from __future__ import annotations

import json
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


def _state() -> str:
    last = AuditEvent.objects.filter(action__in=CHANGES).order_by("-id").values_list("id", flat=True)[:1]
    return f"{Patient.all_objects.count()}-{last[0] if last else 0}"


def _root() -> Path:
    return data_dir() / "web-analysis"


def current_report(time_zero: str) -> AnalysisReport:
    """The analysis for the registry as it is now (computed if the registry changed since last time)."""
    from ipexpath.registry.analysis import analyse
    from ipexpath.registry.analysis_report import FIGURES, write_report

    folder = _root() / f"{time_zero}-{_state()}"
    if not (folder / "analysis.json").is_file():
        result = analyse(time_zero)
        write_report(result, folder, Patient.objects.filter(synthetic=True).exists())
    payload = json.loads((folder / "analysis.json").read_text(encoding="utf-8"))
    figures = [(name, FIGURES[name][1]) for name in payload.get("figures", []) if name in FIGURES]
    return AnalysisReport(time_zero, folder, payload, figures)


def figure_path(time_zero: str, name: str) -> Path | None:
    """The PNG of the current analysis, if it exists (names checked against the known figures)."""
    from ipexpath.registry.analysis_report import FIGURES

    if time_zero not in TIME_ZEROS or name not in FIGURES:
        return None
    path = _root() / f"{time_zero}-{_state()}" / name
    return path if path.is_file() else None
