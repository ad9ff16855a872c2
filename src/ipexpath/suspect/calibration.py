"""Calibrated posteriors: a temperature on the log LR and an explicit "not in the knowledge base" mass.

Raw posteriors (uniform prior × LR, normalised over the diseases ranked) are over-confident: the per-term LRs
are multiplied as if the findings were independent, and the patient's disease may not be in the knowledge
base at all (1,582 of the 7,639 phenopacket-store cases have a diagnosis newer than the HPO release). The
calibrated posterior of disease group g is

    p(g) = 10^(l_g / T) / (Σ_g' 10^(l_g' / T) + 10^(u / T)),     p(unexplained) = 10^(u / T) / (same sum)

with l the log10 LR, T the temperature and u the log10 LR of an "unexplained / not in the knowledge base"
pseudo-disease. T and u are fitted by minimising the log loss of "the top disease is the diagnosis" on
publication-grouped cross-validation folds of the benchmark (`ipexpath bench`, design note §0.6); the values
below are the fit on all folds. The ranking itself is unchanged (T only rescales, u is one extra row).

Since lr-9 there is one (T, u) pair per band of the number of observed findings (`FINDING_BANDS`): the
per-finding LRs are multiplied as if independent, so the over-confidence grows with the number of findings,
and one temperature for all cases fits the few-finding and the many-finding cases badly (ECE 0.096 with
lr-8). Bands set before the lr-9 run (on the research harness's lr-7 scores: ≤ 2 / 3–5 / 6–10 / > 10
findings, against ≤ 3 / 4–8 / > 8: 0.036 vs 0.040, one comparison).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

# Temperatures searched (the benchmark records log Σ exp(ln10 · l / T) for each).
TEMPERATURES: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)
UNEXPLAINED_GRID = np.arange(-4.0, 16.01, 0.25)

# One temperature for all cases (lr-8): fitted on the 5-fold publication-grouped cross-validation of
# `ipexpath bench` on the phenopacket-store file (all folds); ECE 0.283 → 0.096 (lr-7: T = 2.5, u = 6.75,
# ECE 0.280 → 0.066). Kept as the default of `Calibration` and for cases outside every band.
TEMPERATURE = 2.0
UNEXPLAINED_LOG10_LR: float | None = 6.5

# Upper bounds of the bands of the number of observed findings (the last band is open).
FINDING_BANDS: tuple[int, ...] = (2, 5, 10)

ECE_BINS = 10


@dataclass(frozen=True)
class Calibration:
    """Temperature and unexplained mass (None = no unexplained row)."""

    temperature: float = TEMPERATURE
    unexplained_log10_lr: float | None = UNEXPLAINED_LOG10_LR

    def posteriors(self, log10_lr: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], float]:
        """Calibrated posterior of every group, and the unexplained mass."""
        a = math.log(10.0) / self.temperature
        scaled = log10_lr * a
        extra = -math.inf if self.unexplained_log10_lr is None else self.unexplained_log10_lr * a
        peak = max(float(scaled.max()), extra)
        w = np.exp(scaled - peak)
        u = math.exp(extra - peak) if extra > -math.inf else 0.0
        total = float(w.sum()) + u
        out: npt.NDArray[np.float64] = w / total
        return out, u / total


SHIPPED = Calibration()

# Per band (≤ 2, 3–5, 6–10, > 10 observed findings): the fit on all folds of `ipexpath bench` (command and
# figures in docs/ranking-model.md §0.6); in the benchmark each fold gets the values fitted on the others.
SHIPPED_BY_FINDINGS: tuple[Calibration, ...] = (
    Calibration(1.0, 3.75),
    Calibration(2.0, 6.0),
    Calibration(2.5, 6.75),
    Calibration(4.0, 7.0),
)


def finding_band(n_observed: int) -> int:
    """Index of the band of `FINDING_BANDS` that `n_observed` findings fall in."""
    return int(np.searchsorted(np.asarray(FINDING_BANDS), n_observed, side="left"))


def for_findings(n_observed: int) -> Calibration:
    """The shipped calibration for a case with `n_observed` observed findings."""
    return SHIPPED_BY_FINDINGS[finding_band(n_observed)]


def top_posterior(record: dict[str, Any], temperature_index: int, unexplained: float | None) -> float:
    """The top group's posterior of one benchmark record under (TEMPERATURES[i], unexplained)."""
    t = TEMPERATURES[temperature_index]
    a = math.log(10.0) / t
    lse = float(record["lse"][temperature_index])
    if unexplained is not None:
        hi = max(lse, unexplained * a)
        lse = hi + math.log(math.exp(lse - hi) + math.exp(unexplained * a - hi))
    return math.exp(float(record["top"]) * a - lse)


def _arrays(records: Sequence[dict[str, Any]]) -> tuple[npt.NDArray[np.float64], ...]:
    top = np.array([float(r["top"]) for r in records])
    lse = np.array([[float(x) for x in r["lse"]] for r in records]).reshape(len(records), len(TEMPERATURES))
    y = np.array([1.0 if r["correct"] else 0.0 for r in records])
    return top, lse, y


def _top_p(top: npt.NDArray[np.float64], lse_t: npt.NDArray[np.float64], t: float, u: float | None) -> Any:
    a = math.log(10.0) / t
    if u is not None:
        hi = np.maximum(lse_t, u * a)
        lse_t = hi + np.log(np.exp(lse_t - hi) + np.exp(u * a - hi))
    return np.clip(np.exp(top * a - lse_t), 1e-12, 1 - 1e-12)


def fit(records: Sequence[dict[str, Any]]) -> Calibration:
    """The (temperature, unexplained) pair of the grids with the smallest log loss on `records`."""
    if not records:
        return Calibration(1.0, None)
    top, lse, y = _arrays(records)
    best = (math.inf, 1.0, None)
    for i, t in enumerate(TEMPERATURES):
        for u in [None, *UNEXPLAINED_GRID.tolist()]:
            p = _top_p(top, lse[:, i], t, u)
            loss = float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())
            if loss < best[0] - 1e-12:
                best = (loss, t, u)
    return Calibration(best[1], best[2])


def predict(records: Sequence[dict[str, Any]], calibration: Calibration) -> npt.NDArray[np.float64]:
    """Top posteriors of the records under `calibration` (its temperature must be on the grid)."""
    if not records:
        return np.zeros(0)
    top, lse, _ = _arrays(records)
    i = TEMPERATURES.index(calibration.temperature)
    out: npt.NDArray[np.float64] = _top_p(
        top, lse[:, i], calibration.temperature, calibration.unexplained_log10_lr
    )
    return out


def reliability(confidence: npt.NDArray[np.float64], correct: npt.NDArray[np.float64]) -> dict[str, Any]:
    """Reliability table (10 bins of width 0.1) and expected calibration error of the top posterior."""
    bins = np.minimum((confidence * ECE_BINS).astype(int), ECE_BINS - 1)
    table = []
    ece = 0.0
    n = len(confidence)
    for b in range(ECE_BINS):
        sel = bins == b
        k = int(sel.sum())
        if not k:
            table.append({"bin": f"{b / ECE_BINS:.1f}–{(b + 1) / ECE_BINS:.1f}", "n": 0})
            continue
        conf, acc = float(confidence[sel].mean()), float(correct[sel].mean())
        ece += k / n * abs(conf - acc)
        table.append(
            {
                "bin": f"{b / ECE_BINS:.1f}–{(b + 1) / ECE_BINS:.1f}",
                "n": k,
                "mean_posterior": round(conf, 4),
                "top1_accuracy": round(acc, 4),
            }
        )
    return {"n": n, "ece": round(ece, 4) if n else None, "table": table}
