"""The analysis report: HTML with PNG figures (Kaplan–Meier with numbers at risk, cumulative incidence), JSON.

The whole set is written into a staging folder beside `--out` and swapped in (`registry.staging`), so a
failure never leaves a half-written report.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from ipexpath import __version__
from ipexpath.registry.analysis import Analysis
from ipexpath.registry.staging import write_folder
from ipexpath.registry.survival import CIF_CI_METHOD, KM_CI_METHOD, MEDIAN_FOLLOW_UP_METHOD, at_risk

FIGURES = {
    "overall_survival.png": (
        "os_fits",
        "Overall survival by treatment received (Kaplan–Meier, 95 % CI; | = censored).",
    ),
    "disease_free_survival.png": (
        "dfs_fits",
        "Disease-free survival from the start of the group's treatment (event: active autoimmunity other "
        "than T1D, or death).",
    ),
    "survival_by_oi_group.png": (
        "oi_fits",
        "Overall survival after HSCT by pre-HSCT organ-involvement score 0–2 vs 3–5 (complete scores only).",
    ),
    "transplant_related_mortality.png": (
        "trm",
        "Cumulative incidence of transplant-related death after HSCT, "
        "other deaths competing (Aalen–Johansen), with its pointwise 95 % CI (log-log).",
    ),
}


def _ticks(ax: Any, last: float) -> list[float]:
    """Whole-number x ticks from 0 to the last follow-up (the columns of the numbers-at-risk table)."""
    ax.set_xlim(0, max(last, 1.0) * 1.02)
    ticks = [float(t) for t in ax.get_xticks() if 0 <= t <= last * 1.02 and float(t).is_integer()]
    ax.set_xticks(ticks)
    return ticks


def _draw_at_risk(ax: Any, rows: dict[str, list[int]], ticks: list[float]) -> None:
    """The numbers-at-risk table under the x axis, one row per curve, aligned with the ticks."""
    from matplotlib.transforms import blended_transform_factory

    below = blended_transform_factory(ax.transData, ax.transAxes)
    ax.text(0, -0.2, "Number at risk", transform=ax.transAxes, ha="left", fontsize=8, weight="bold")
    for row, (label, counts) in enumerate(rows.items(), start=1):
        y = -0.2 - 0.075 * row
        ax.text(-0.06, y, label, transform=ax.transAxes, ha="right", fontsize=8)
        for tick, count in zip(ticks, counts, strict=True):
            ax.text(tick, y, str(count), transform=below, ha="center", fontsize=8)


def _plot(name: str, analysis: Analysis, path: Path) -> bool:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    key = FIGURES[name][0]
    data: Any = analysis.frames.get(key)
    if data is None or (isinstance(data, dict) and not data):
        return False
    fig, ax = plt.subplots(figsize=(7.5, 5.6), dpi=110)
    if isinstance(data, dict):  # Kaplan-Meier fits: step functions with CI bands and censor marks
        for fitter in data.values():
            fitter.plot_survival_function(
                ax=ax, ci_show=True, show_censors=True, censor_styles={"marker": "|", "ms": 7, "mew": 1}
            )
        last = max(float(f.durations.max()) for f in data.values())
        ticks = _ticks(ax, last)
        rows = {
            label: at_risk(f.durations, ticks, f.entry if f.entry is not None else None)
            for label, f in data.items()
        }
        ax.set_ylabel("probability of survival")
        ax.set_ylim(0, 1.02)
    else:  # Aalen-Johansen cumulative incidence
        last = max(data.exits)
        ax.step([*data.times, last], [*data.cif, data.cif[-1]], where="post", label=data.label)
        band = [
            (t, lo, hi)
            for t, lo, hi in zip(data.times, data.ci_low, data.ci_high, strict=True)
            if lo is not None
        ]
        if band:  # pointwise 95 % CI as a stepped band from the first event of the cause
            xs = [t for t, _, _ in band] + [last]
            lows = [lo for _, lo, _ in band] + [band[-1][1]]
            highs = [hi for _, _, hi in band] + [band[-1][2]]
            ax.fill_between(xs, lows, highs, step="post", alpha=0.25, label="95 % CI (log-log)")
        ax.legend(loc="upper left")
        ticks = _ticks(ax, last)
        rows = {"HSCT": at_risk(data.exits, ticks)}
        ax.set_ylabel("cumulative incidence")
        ax.set_ylim(0, 1.0)
    _draw_at_risk(ax, rows, ticks)
    xlabel = "years after HSCT" if key in ("oi_fits", "trm") else f"years from {analysis.time_zero}"
    if key == "dfs_fits":
        xlabel = "years from the start of the group's treatment"
    ax.set_xlabel(xlabel)
    ax.set_title(FIGURES[name][1], fontsize=9, wrap=True)
    fig.subplots_adjust(bottom=0.12 + 0.075 * (len(rows) + 2), left=0.16)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return True


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        if value != value:
            return "–"
        return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"
    if isinstance(value, list):
        return "–".join(_fmt(v) for v in value)
    return "–" if value is None else str(value)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _estimate_cells(point: dict[str, Any], key: str) -> tuple[str, str]:
    """The estimate and 95 % CI cells of one time point (not estimable beyond follow-up; no interval before
    the first event)."""
    if point[key] is None:
        return "not estimable (beyond follow-up)", "–"
    if point["ci_low"] is None:
        return _percent(point[key]), "not computable (no event yet)"
    return _percent(point[key]), f"{_percent(point['ci_low'])} – {_percent(point['ci_high'])}"


def _estimates_table(result: dict[str, Any]) -> str:
    """The estimates at fixed years as a table: value, 95 % CI, number at risk; 'not estimable' beyond the
    last follow-up."""
    esc = html.escape
    at = result.get("at")
    if not isinstance(at, dict) or not at:
        return ""
    if not all(isinstance(points, list) for points in at.values()):  # cumulative incidence: {years: point}
        cells = []
        for y, p in at.items():
            estimate, interval = _estimate_cells(p, "incidence")
            cells.append(
                f"<tr><td>{esc(str(y))}</td><td>{estimate}</td><td>{interval}</td><td>{p['at_risk']}</td></tr>"
            )
        return (
            "<table><tr><th>years</th><th>cumulative incidence</th><th>95 % CI</th><th>at risk</th></tr>"
            f"{''.join(cells)}</table>"
        )
    rows = []
    for group, points in at.items():
        for p in points:
            estimate, interval = _estimate_cells(p, "survival")
            rows.append(
                f"<tr><td>{esc(str(group))}</td><td>{p['years']}</td><td>{estimate}</td><td>{interval}</td>"
                f"<td>{p['at_risk']}</td></tr>"
            )
    head = "<tr><th>group</th><th>years</th><th>estimate</th><th>95 % CI</th><th>at risk</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def _at_risk_html(result: dict[str, Any]) -> str:
    """The numbers-at-risk table (patients under observation at each time)."""
    esc = html.escape
    table = result.get("numbers_at_risk")
    if not isinstance(table, dict) or "years" not in table:
        return ""
    years = table["years"]
    head = "<tr><th>number at risk</th>" + "".join(f"<th>{y} y</th>" for y in years) + "</tr>"
    body = "".join(
        f"<tr><td>{esc(str(group))}</td>" + "".join(f"<td>{n}</td>" for n in counts) + "</tr>"
        for group, counts in table.items()
        if group != "years"
    )
    return f"<table>{head}{body}</table>"


def _html(analysis: Analysis, figures: list[str], synthetic: bool) -> str:
    esc = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>ipexpath registry analysis</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;"
        "line-height:1.4}"
        "table{border-collapse:collapse}td,th{border:1px solid "
        "#bbb;padding:.25rem .5rem;text-align:left}img{max-width:100%}.warn{background:#fff4d6;padding:.5rem}"
        "</style></head><body>",
        "<h1>IPEX registry — survival analysis</h1>",
        f"<p>Time zero: <strong>{esc(analysis.time_zero)}</strong>. Patients: {analysis.n_patients}. "
        f"ipexpath {esc(__version__)}. Decision support for research and audit, "
        "not a clinical prediction.</p>",
    ]
    if synthetic:
        parts.append(
            "<p class='warn'><strong>Synthetic data.</strong> These patients are simulated from "
            "published figures (Barzaghi et al. 2018, PMID 29241729); they are not real patients.</p>"
        )
    for warning in analysis.warnings:
        parts.append(f"<p class='warn'>{esc(warning)}</p>")
    parts.append("<h2>Cohort by treatment</h2><table><tr>")
    if analysis.cohort_table:
        keys = list(analysis.cohort_table[0])
        parts.append("".join(f"<th>{esc(k.replace('_', ' '))}</th>" for k in keys) + "</tr>")
        for row in analysis.cohort_table:
            parts.append("<tr>" + "".join(f"<td>{esc(_fmt(row[k]))}</td>" for k in keys) + "</tr>")
    parts.append("</table>")
    birth_dates = analysis.results.get("time_zero", {}).get("birth_dates")
    if birth_dates:
        parts.append(f"<p>{esc(str(birth_dates))}</p>")
    for key, result in analysis.results.items():
        parts.append(
            f"<h2>{esc(key.replace('_', ' ').capitalize())}</h2><p>{esc(str(result.get('what', '')))}</p>"
        )
        parts.append(_estimates_table(result) + _at_risk_html(result))
        rest = {k: v for k, v in result.items() if k not in ("what", "at", "numbers_at_risk")}
        if rest:
            parts.append(f"<pre>{esc(json.dumps(rest, indent=1))}</pre>")
    for name in figures:
        parts.append(
            f"<figure><img src='{esc(name)}' alt='{esc(FIGURES[name][1])}'>"
            f"<figcaption>{esc(FIGURES[name][1])}</figcaption></figure>"
        )
    parts.append(
        f"<h2>Methods</h2><p>Kaplan–Meier with log-rank ({esc(KM_CI_METHOD)}; numbers at risk are the "
        "patients under observation at each time, entry ≤ t ≤ exit); median follow-up by "
        f"{esc(MEDIAN_FOLLOW_UP_METHOD)}; Aalen–Johansen cumulative incidence with competing deaths "
        f"(exact with tied times; {esc(CIF_CI_METHOD)}). The Kaplan–Meier intervals equal R's "
        "survfit(conf.type = 'log-log'), not R's default 'log'. No competing-risks regression "
        "(Fine–Gray) and no Gray's test: no well-kept Python library offers them offline, so the "
        "transplant-related mortality is described, not modelled; Cox models (lifelines, Efron ties, "
        "Wald 95 % CI). HSCT is compared "
        "with immunosuppression as a time-varying covariate from the first treatment (Mantel–Byar) "
        "to avoid immortal-time bias "
        "(Suissa 2008, doi 10.1093/aje/kwm324). OI score: Barzaghi et al. 2018 (PMID 29241729); partial "
        "scores get no group.</p></body></html>"
    )
    return "\n".join(parts)


def write_report(analysis: Analysis, out: Path, synthetic: bool) -> list[Path]:
    """Write analysis.html, analysis.json and the PNG figures into `out` as one set (staged, then swapped)."""

    def fill(stage: Path) -> list[str]:
        figures = [name for name in FIGURES if _plot(name, analysis, stage / name)]
        (stage / "analysis.html").write_text(_html(analysis, figures, synthetic), encoding="utf-8")
        payload = {
            "ipexpath_version": __version__,
            "time_zero": analysis.time_zero,
            "synthetic": synthetic,
            "n_patients": analysis.n_patients,
            "cohort_table": analysis.cohort_table,
            "results": analysis.results,
            "warnings": analysis.warnings,
            "figures": figures,
        }
        (stage / "analysis.json").write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
        return ["analysis.html", "analysis.json", *figures]

    return write_folder(out, fill)
