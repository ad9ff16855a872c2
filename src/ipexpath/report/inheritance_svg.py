"""A simple picture of X-linked recessive inheritance for the family leaflet (inline SVG, no text to fetch).

A carrier mother and an unaffected father, and their four possible children: a son with the condition, an
unaffected son, a carrier daughter and a non-carrier daughter (MSD Manual consumer figure "X-Linked
Recessive Disorders"). Shapes follow pedigree convention (square = male, circle = female); the changed X is
drawn in orange and every shape carries a text label, so the picture does not rely on colour alone.
"""

from __future__ import annotations

__all__ = ["xlinked_inheritance_svg"]

_CHANGED = "#dd6b20"
_WORKING = "#2b6cb0"
_Y = "#718096"


def _chromosomes(x: float, y: float, items: tuple[str, ...]) -> str:
    """Small chromosome bars: 'X' (working), 'x' (changed X), 'Y'."""
    out = []
    for i, kind in enumerate(items):
        colour = {"X": _WORKING, "x": _CHANGED, "Y": _Y}[kind]
        cx = x + i * 26
        out.append(f"<rect x='{cx:.0f}' y='{y:.0f}' width='18' height='30' rx='6' fill='{colour}'/>")
        out.append(
            f"<text x='{cx + 9:.0f}' y='{y + 20:.0f}' font-size='13' fill='#fff' text-anchor='middle' "
            f"font-weight='bold'>{'X' if kind in 'Xx' else 'Y'}</text>"
        )
    return "".join(out)


def _person(cx: float, cy: float, male: bool, state: str, label: str, genes: tuple[str, ...]) -> str:
    """A square or circle (state: 'affected' filled, 'carrier' half filled, 'clear' empty) with its label."""
    stroke = "stroke='#1a202c' stroke-width='2'"
    body = ""
    if male:
        fill = _CHANGED if state == "affected" else "#fff"
        shape = f"<rect x='{cx - 22:.0f}' y='{cy - 22:.0f}' width='44' height='44' fill='{fill}' {stroke}/>"
    else:
        shape = f"<circle cx='{cx:.0f}' cy='{cy:.0f}' r='23' fill='#fff' {stroke}/>"
        if state == "carrier":
            body = (
                f"<path d='M {cx:.0f} {cy - 23:.0f} A 23 23 0 0 1 {cx:.0f} {cy + 23:.0f} Z' "
                f"fill='{_CHANGED}'/><circle cx='{cx:.0f}' cy='{cy:.0f}' r='23' fill='none' {stroke}/>"
            )
    lines = label.split("\n")
    text = "".join(
        f"<text x='{cx:.0f}' y='{cy + 42 + 16 * i:.0f}' font-size='14' text-anchor='middle' "
        f"fill='#1a202c'>{line}</text>"
        for i, line in enumerate(lines)
    )
    bars = _chromosomes(cx - 13 * len(genes) + 4, cy + 46 + 16 * len(lines), genes)
    return shape + body + text + bars


def xlinked_inheritance_svg() -> str:
    """The X-linked inheritance picture as an inline `<svg>` element (about 560 × 420, scales down)."""
    parts = [
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 560 430' width='560' role='img' "
        "aria-labelledby='xl-title xl-desc' font-family='DejaVu Sans, Helvetica, Arial, sans-serif'>",
        "<title id='xl-title'>How an X-linked condition is passed on</title>",
        "<desc id='xl-desc'>A mother who carries the changed gene on one X chromosome and a father who does "
        "not. Each son has a 1 in 2 chance of having the condition. "
        "Each daughter has a 1 in 2 chance of being a carrier.</desc>",
        # parents and the line between them
        "<line x1='200' y1='50' x2='360' y2='50' stroke='#1a202c' stroke-width='2'/>",
        "<line x1='280' y1='50' x2='280' y2='190' stroke='#1a202c' stroke-width='2'/>",
        "<line x1='70' y1='190' x2='490' y2='190' stroke='#1a202c' stroke-width='2'/>",
    ]
    parts += [
        f"<line x1='{x}' y1='190' x2='{x}' y2='228' stroke='#1a202c' stroke-width='2'/>"
        for x in (70, 210, 350, 490)
    ]
    parts.append(_person(178, 50, False, "carrier", "Mother\n(carrier)", ("X", "x")))
    parts.append(_person(382, 50, True, "clear", "Father", ("X", "Y")))
    parts.append(_person(70, 250, True, "affected", "Son with\nIPEX", ("x", "Y")))
    parts.append(_person(210, 250, True, "clear", "Son without\nIPEX", ("X", "Y")))
    parts.append(_person(350, 250, False, "carrier", "Daughter,\ncarrier", ("x", "X")))
    parts.append(_person(490, 250, False, "clear", "Daughter,\nnot a carrier", ("X", "X")))
    parts.append(
        f"<rect x='150' y='398' width='14' height='14' fill='{_CHANGED}'/>"
        "<text x='170' y='410' font-size='13' fill='#1a202c'>changed gene</text>"
        f"<rect x='290' y='398' width='14' height='14' fill='{_WORKING}'/>"
        "<text x='310' y='410' font-size='13' fill='#1a202c'>working gene</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
