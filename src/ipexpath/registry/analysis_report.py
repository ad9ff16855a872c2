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

FIGURES = {
    "overall_survival.png": ("os_fits", "Overall survival by treatment received (Kaplan–Meier, 95 % CI)."),
    "disease_free_survival.png": (
        "dfs_fits",
        "Disease-free survival (event: active autoimmunity other than T1D, or death) by treatment received.",
    ),
    "survival_by_oi_group.png": (
        "oi_fits",
        "Overall survival after HSCT by pre-HSCT organ-involvement score 0–2 vs 3–5 (complete scores only).",
    ),
    "transplant_related_mortality.png": (
        "trm",
        "Cumulative incidence of transplant-related death after HSCT, "
        "other deaths competing (Aalen–Johansen).",
    ),
}


def _plot(name: str, analysis: Analysis, path: Path) -> bool:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from lifelines.plotting import add_at_risk_counts

    key = FIGURES[name][0]
    data: Any = analysis.frames.get(key)
    if data is None or (isinstance(data, dict) and not data):
        return False
    fig, ax = plt.subplots(figsize=(7.5, 5.2), dpi=110)
    if isinstance(data, dict):
        fitters = list(data.values())
        for fitter in fitters:
            fitter.plot_survival_function(ax=ax, ci_show=True)
        add_at_risk_counts(*fitters, ax=ax)
        ax.set_ylabel("probability")
        ax.set_ylim(0, 1.02)
    else:
        data.plot_cumulative_density(ax=ax)
        ax.set_ylabel("cumulative incidence")
        ax.set_ylim(0, 1.0)
    xlabel = "years after HSCT" if key in ("oi_fits", "trm") else f"years from {analysis.time_zero}"
    ax.set_xlabel(xlabel)
    ax.set_title(FIGURES[name][1], fontsize=9, wrap=True)
    fig.tight_layout()
    fig.savefig(path)
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
    for key, result in analysis.results.items():
        parts.append(
            f"<h2>{esc(key.replace('_', ' ').capitalize())}</h2><p>{esc(str(result.get('what', '')))}</p>"
        )
        parts.append(
            f"<pre>{esc(json.dumps({k: v for k, v in result.items() if k != 'what'}, indent=1))}</pre>"
        )
    for name in figures:
        parts.append(
            f"<figure><img src='{esc(name)}' alt='{esc(FIGURES[name][1])}'>"
            f"<figcaption>{esc(FIGURES[name][1])}</figcaption></figure>"
        )
    parts.append(
        "<h2>Methods</h2><p>Kaplan–Meier with log-rank; Aalen–Johansen cumulative incidence with "
        "competing deaths; Cox models (lifelines). HSCT is compared with immunosuppression as a "
        "time-varying covariate from the first treatment (Mantel–Byar) to avoid immortal-time bias "
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
