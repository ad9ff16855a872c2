"""The one way ipexpath writes a probability, for professionals ('0.42%') and for families ('about 1 in 4').

Every output (terminal text, HTML report, leaflet, text derived from JSON, the testing plan's reasons) uses
these functions, so a value is written the same way everywhere. Rules: a probability below 1 is never
written as 100% (and one above 0 never as 0%); values closer to 0 or 1 than 1 in 10,000 are written
'<0.01%' and '>99.99%'.
"""

from __future__ import annotations

import math

TINY = 1e-4  # below this (or this close to 1) a value is written '<0.01%' ('>99.99%')
NEAR_CERTAIN = 0.995  # families: "almost certain" (more than 99 in 100)
NEAR_ZERO = 0.005  # families: "very small" (less than 1 in 100)


def percent(p: float | None) -> str:
    """A probability as a percentage: 0.5 → '50%', 0.0042 → '0.42%', 0.99996 → '>99.99%', None → '—'."""
    if p is None or not math.isfinite(p):
        return "—"
    p = min(max(float(p), 0.0), 1.0)
    if p == 0.0:
        return "0%"
    if p == 1.0:
        return "100%"
    if p < TINY:
        return "<0.01%"
    if p > 1.0 - TINY:
        return ">99.99%"
    value = p * 100
    if value < 1:
        text = f"{value:.2g}"
    elif value < 10 or value > 90:
        text = f"{value:.1f}" if value <= 99 else f"{value:.2f}"
    else:
        text = f"{value:.0f}"
    if float(text) >= 100:  # rounding must not turn p < 1 into 100%
        return ">99.99%"
    return f"{text}%"


def one_in(p: float) -> str:
    """A probability as words a 12-year-old can read: 'about 1 in 2', 'almost certain', 'very small'."""
    if p >= NEAR_CERTAIN:
        return "almost certain (more than 99 in 100)"
    if p <= NEAR_ZERO:
        return "very small (less than 1 in 100)"
    if p > 0.5:
        tenths = round(p * 10)
        return f"about {tenths} in 10" if tenths < 10 else "more than 9 in 10"
    return f"about 1 in {round(1 / p)}"


def chance_with_percent(p: float) -> str:
    """Plain words followed by the percentage: 'about 1 in 2 (50%)'."""
    words = one_in(p)
    if p >= NEAR_CERTAIN or p <= NEAR_ZERO:
        return f"{words}, {percent(p)}"
    return f"{words} ({percent(p)})"
