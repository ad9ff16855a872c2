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


@dataclass(frozen=True)
class Estimate:
    """One estimate of a result at a fixed time: group, years, value, 95 % CI and number at risk (text)."""

    group: str
    years: str
    value: str
    interval: str
    at_risk: str


@dataclass(frozen=True)
class ResultView:
    """One result of the analysis as the page shows it: what, how, the estimates and the tests."""

    key: str
    title: str
    what: str
    method: str
    estimates: tuple[Estimate, ...]
    tests: tuple[str, ...]


def _pct(value: Any) -> str:
    return "–" if not isinstance(value, int | float) else f"{100 * float(value):.1f} %"


def _estimate(group: str, point: dict[str, Any], key: str) -> Estimate:
    value = point.get(key)
    if value is None:
        shown, interval = "not estimable (beyond follow-up)", "–"
    elif point.get("ci_low") is None:
        shown, interval = _pct(value), "not computable (no event yet)"
    else:
        shown, interval = _pct(value), f"{_pct(point['ci_low'])} – {_pct(point['ci_high'])}"
    return Estimate(group, f"{point.get('years')}", shown, interval, str(point.get("at_risk", "–")))


def _test_lines(result: dict[str, Any]) -> tuple[str, ...]:
    lines = []
    logrank = result.get("logrank")
    if isinstance(logrank, dict):
        lines.append(f"Log-rank χ² = {logrank['chi2']:.2f} (df {logrank['df']}), p = {logrank['p']:.3g}")
    for key, label in (
        ("cox", "Cox hazard ratio"),
        ("time_varying_cox", "Cox hazard ratio of death, HSCT as a time-varying covariate"),
        ("time_fixed_cox_biased", "Time-fixed Cox (biased by immortal time, shown for comparison)"),
    ):
        cox = result.get(key)
        if isinstance(cox, dict) and "hazard_ratio" in cox:
            lines.append(
                f"{label}: {cox['hazard_ratio']:.2f} (95 % CI {cox['ci_low']:.2f}–{cox['ci_high']:.2f}), "
                f"p = {cox['p']:.3g}"
            )
        elif isinstance(cox, str):
            lines.append(f"{label}: {cox}")
    for key in ("events", "competing_events", "deaths_of_unknown_cause_counted_as_competing"):
        if key in result:
            lines.append(f"{key.replace('_', ' ').capitalize()}: {result[key]}")
    return tuple(lines)


TITLES = {
    "time_zero": "Time zero",
    "overall_survival": "Overall survival",
    "disease_free_survival": "Disease-free survival",
    "transplant_related_mortality": "Transplant-related mortality",
    "survival_by_oi_group": "Survival after HSCT by pre-HSCT organ-involvement group",
    "hsct_vs_is": "HSCT vs immunosuppression",
}


def result_views(payload: dict[str, Any]) -> list[ResultView]:
    """The results of analysis.json as tables: KM survival ({group: [points]}) or cumulative incidence
    ({years: point}) at fixed times with 95 % CIs and numbers at risk, then the tests and models."""
    views = []
    for key, result in (payload.get("results") or {}).items():
        if not isinstance(result, dict):
            continue
        at = result.get("at")
        estimates: list[Estimate] = []
        if isinstance(at, dict):
            for group, points in at.items():
                if isinstance(points, list):  # Kaplan-Meier: per group
                    estimates += [_estimate(group, p, "survival") for p in points if isinstance(p, dict)]
                elif isinstance(points, dict):  # cumulative incidence: per time
                    estimates.append(_estimate("HSCT", points, "incidence"))
        views.append(
            ResultView(
                key=key,
                title=TITLES.get(key, key.replace("_", " ").capitalize()),
                what=": ".join(str(result[k]) for k in ("what", "rule") if result.get(k)),
                method=str(result.get("method") or ""),
                estimates=tuple(estimates),
                tests=_test_lines(result),
            )
        )
    return views


def cohort_rows(payload: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The cohort table with readable headers and numbers rounded for reading (1 decimal; ranges as a–b)."""

    def cell(value: Any) -> str:
        if isinstance(value, bool) or value is None:
            return "–" if value is None else str(value)
        if isinstance(value, float):
            return f"{value:.1f}"
        if isinstance(value, list):
            return "–".join(cell(v) for v in value)
        return str(value)

    rows = [r for r in payload.get("cohort_table") or [] if isinstance(r, dict)]
    if not rows:
        return [], []
    keys = list(rows[0])
    return [HEADERS.get(k, k.replace("_", " ")) for k in keys], [[cell(r.get(k)) for k in keys] for r in rows]


# Cohort-table headers with their units; ages come from imputed birth days (analysis.BIRTH_IMPUTATION)
HEADERS = {
    "median_age_at_treatment_years": "median age at treatment (years, approximate)",
    "age_range_years": "age range at treatment (years, approximate)",
    "median_follow_up_years": "median follow-up from time zero (years, reverse Kaplan–Meier)",
    "pre_hsct_oi_3_5": "pre-HSCT OI 3–5",
    "pre_hsct_oi_0_2": "pre-HSCT OI 0–2",
    "pre_hsct_oi_partial": "pre-HSCT OI partial (no group)",
}
