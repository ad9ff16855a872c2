"""Numbers in plain words for the family leaflet ("about 1 in 2") and exact figures for professionals."""

from __future__ import annotations

NEAR_CERTAIN = 0.995  # shown as "almost certain" (more than 99 in 100)
NEAR_ZERO = 0.005  # shown as "very small" (less than 1 in 100)


def percent(p: float) -> str:
    """A probability as a percentage with sensible precision (0.5 -> '50%', 0.0004 -> '0.04%')."""
    value = p * 100
    if value <= 0 or value >= 100:
        return f"{min(max(value, 0.0), 100.0):.0f}%"
    if value < 0.0001:
        return "<0.0001%"
    if value > 99.99:
        return ">99.99%"
    if value < 0.1 or value > 99.9:
        return f"{value:.2g}%" if value < 0.1 else f"{value:.2f}%"
    if (value < 10 or value > 90) and round(value, 1) != round(value):
        return f"{value:.1f}%"
    return f"{value:.0f}%"


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
        return words
    return f"{words} ({percent(p)})"
