"""Pedigree drawing as SVG following the standardized human pedigree nomenclature.

Bennett RL et al., J Genet Couns 2008;17:424-433 (doi:10.1007/s10897-008-9169-9) and the 2022
update (J Genet Couns 2022;31:1238-1248, doi:10.1002/jgc4.1621): square = male, circle = female,
diamond = sex unknown; filled = affected; central dot = carrier not expected to manifest (tested
or obligate); vertical line = presymptomatic carrier who may manifest; diagonal slash = deceased;
arrow with "P" at lower left = proband; double partner line = consanguinity; brackets = adopted (dashed line
of descent: adopted in); twins descend from one point (a bar between the lines: monozygotic; "?":
unknown); generations in Roman numerals on the left, individuals numbered left to right (e.g. II-3);
text below each symbol: age, test result (E+ / E-) and the computed carrier probability.
"""

from __future__ import annotations

from html import escape

from ipexpath.counsel.layout import Layout, layout_pedigree, partners_of, roman
from ipexpath.counsel.pedigree import Affection, Pedigree, Person, Sex, TestResult, TwinType
from ipexpath.counsel.risk import RiskResult
from ipexpath.numbers import percent

SPACING = 84.0  # px per layout unit
SIZE = 30.0  # symbol size
ROW_HEIGHT = 150.0
MARGIN_LEFT = 60.0
MARGIN_TOP = 60.0
OBLIGATE = 0.999
RAISED = 7.0  # partner line drawn this far above the symbols when the partners are not side by side
FONT = "font-family='Helvetica, Arial, sans-serif'"


def age_text(person: Person) -> str:
    if person.age is None:
        return "d." if person.deceased else ""
    age = person.age.years
    if age < 1 / 12:
        text = f"{round(age * 365.25)} d"
    elif age < 2:
        text = f"{round(age * 12)} mo"
    else:
        text = f"{age:.0f} y"
    return f"d. {text}" if person.deceased else text


def _symbol(person: Person, cx: float, cy: float, risk: float | None) -> list[str]:
    h = SIZE / 2
    fill = "#000" if person.affected is Affection.AFFECTED else "#fff"
    stroke = "stroke='#000' stroke-width='1.6'"
    out = []
    if person.sex is Sex.MALE:
        out.append(
            f"<rect x='{cx - h:.1f}' y='{cy - h:.1f}' width='{SIZE}' height='{SIZE}' fill='{fill}' {stroke}/>"
        )
    elif person.sex is Sex.FEMALE:
        out.append(f"<circle cx='{cx:.1f}' cy='{cy:.1f}' r='{h}' fill='{fill}' {stroke}/>")
    else:
        r = h + 2
        pts = f"{cx:.1f},{cy - r:.1f} {cx + r:.1f},{cy:.1f} {cx:.1f},{cy + r:.1f} {cx - r:.1f},{cy:.1f}"
        out.append(f"<polygon points='{pts}' fill='{fill}' {stroke}/>")
    if person.affected is not Affection.AFFECTED:
        tested = person.test is not None and person.test.result is TestResult.FOUND
        if person.sex is Sex.FEMALE and (tested or (risk is not None and risk >= OBLIGATE)):
            out.append(
                f"<circle cx='{cx:.1f}' cy='{cy:.1f}' r='4' fill='#000'/>"
            )  # carrier, not expected to manifest
        elif person.sex is not Sex.FEMALE and tested:
            out.append(f"<line x1='{cx:.1f}' y1='{cy - h:.1f}' x2='{cx:.1f}' y2='{cy + h:.1f}' {stroke}/>")
    if person.adopted is not None:  # brackets around the symbol (Bennett et al. 2008)
        top, bottom, tick = cy - h - 5, cy + h + 5, 4
        for x, d in ((cx - h - 6, tick), (cx + h + 6, -tick)):
            out.append(
                f"<path d='M{x + d:.1f},{top:.1f} H{x:.1f} V{bottom:.1f} H{x + d:.1f}' fill='none' {stroke}/>"
            )
    if person.deceased:
        out.append(
            f"<line x1='{cx - h - 7:.1f}' y1='{cy + h + 7:.1f}' x2='{cx + h + 7:.1f}' y2='{cy - h - 7:.1f}' "
            "stroke='#000' stroke-width='1.6'/>"
        )
    if person.proband:
        x0, y0 = cx - h - 22, cy + h + 16
        x1, y1 = cx - h - 3, cy + h + 1
        out.append(f"<line x1='{x0:.1f}' y1='{y0:.1f}' x2='{x1:.1f}' y2='{y1:.1f}' {stroke}/>")
        out.append(
            f"<polygon points='{x1:.1f},{y1:.1f} {x1 - 9:.1f},{y1 + 2:.1f} "
            f"{x1 - 3:.1f},{y1 + 8:.1f}' fill='#000'/>"
        )
        out.append(
            f"<text x='{x0 - 9:.1f}' y='{y0 + 6:.1f}' font-size='12' font-weight='bold' {FONT}>P</text>"
        )
    return out


def _text_lines(person: Person, label: str, risk: float | None) -> list[tuple[str, str]]:
    lines = [(label, "font-size='11' font-weight='bold'")]
    if person.id != label:
        lines.append((person.id, "font-size='10' fill='#444'"))
    extra = " ".join(x for x in (age_text(person), _test_text(person)) if x)
    if extra:
        lines.append((extra, "font-size='10'"))
    if risk is not None:
        lines.append((percent(risk), "font-size='11' font-weight='bold' fill='#8b0000'"))
    return lines


def _test_text(person: Person) -> str:
    if person.test is None:
        return ""
    return "E+" if person.test.result is TestResult.FOUND else "E−"


def draw_pedigree_svg(
    pedigree: Pedigree, risk_result: RiskResult | None = None, title: str | None = None
) -> str:
    """The pedigree as an SVG document, with each person's carrier probability under the symbol."""
    layout = layout_pedigree(pedigree)
    risks = {r.id: r.p_variant for r in risk_result.individuals} if risk_result is not None else {}
    pos = {pid: (MARGIN_LEFT + 40 + x * SPACING, MARGIN_TOP + 30 + layout.generation[pid] * ROW_HEIGHT)
           for pid, x in layout.x.items()}  # fmt: skip
    width = max(x for x, _ in pos.values()) + 90
    height = MARGIN_TOP + 30 + len(layout.rows) * ROW_HEIGHT + 40
    body: list[str] = []
    body += _lines(pedigree, layout, pos)
    for person in pedigree:
        cx, cy = pos[person.id]
        body += _symbol(person, cx, cy, risks.get(person.id))
        for k, (text, style) in enumerate(_text_lines(person, layout.label(person.id), risks.get(person.id))):
            body.append(
                f"<text x='{cx:.1f}' y='{cy + SIZE / 2 + 16 + 13 * k:.1f}' text-anchor='middle' "
                f"{style} {FONT}>{_text(text)}</text>"
            )
    for g in range(len(layout.rows)):
        y = MARGIN_TOP + 30 + g * ROW_HEIGHT + 5
        body.append(
            f"<text x='12' y='{y:.1f}' font-size='15' font-weight='bold' {FONT}>{roman(g + 1)}</text>"
        )
    heading = (
        title or f"Family {pedigree.family_id} — FOXP3 (X-linked recessive): P(carries familial variant)"
    )
    legend = (
        "■ affected   □ unaffected   ⊙ carrier (tested or obligate)   ╱ deceased   P↗ proband   "
        "[ ] adopted (dashed line: adopted in)   ⋀ twins (with a bar: monozygotic; ?: zygosity unknown)",
        "E+ / E− familial variant found / not found   red % = computed probability of carrying the variant",
    )
    width = max(width, 760.0)
    return "\n".join(
        [
            "<?xml version='1.0' encoding='UTF-8'?>",
            f"<svg xmlns='http://www.w3.org/2000/svg' width='{width:.0f}' height='{height + 30:.0f}' "
            f"viewBox='0 0 {width:.0f} {height + 30:.0f}'>",
            "<rect width='100%' height='100%' fill='#fff'/>",
            f"<text x='12' y='24' font-size='15' font-weight='bold' {FONT}>{_text(heading)}</text>",
            *body,
            *(
                f"<text x='12' y='{height + 2 + 14 * i:.0f}' font-size='11' fill='#333' {FONT}>"
                f"{escape(t)}</text>"
                for i, t in enumerate(legend)
            ),
            "</svg>",
            "",
        ]
    )


def _text(value: str) -> str:
    """Text content for the SVG: XML-escaped, control characters dropped, and '=' written as a character
    reference so that an id such as 'x href=y' cannot look like an attribute to the report's SVG check."""
    cleaned = "".join(c for c in value if c.isprintable())
    return escape(cleaned).replace("=", "&#61;")


def _consanguineous(pedigree: Pedigree, a: str, b: str) -> bool:
    return bool(pedigree.ancestors(a) & (pedigree.ancestors(b) | {b})) or a in pedigree.ancestors(b)


def _lines(pedigree: Pedigree, layout: Layout, pos: dict[str, tuple[float, float]]) -> list[str]:
    out: list[str] = []
    h = SIZE / 2
    line = "stroke='#000' stroke-width='1.4' fill='none'"
    done: set[tuple[str, str]] = set()
    partners = partners_of(pedigree)
    for pid, mates in partners.items():
        for mate in mates:
            key = (min(pid, mate), max(pid, mate))
            if key in done:
                continue
            done.add(key)
            (xa, ya), (xb, yb) = sorted((pos[pid], pos[mate]))
            row = layout.rows[layout.generation[pid]]
            between = [q for q in row if xa < pos[q][0] < xb] if ya == yb else []
            if between or ya != yb:  # not adjacent: a raised partner line above the symbols
                top = min(ya, yb) - h - RAISED
                path = f"M{xa:.1f},{ya - h:.1f} V{top:.1f} H{xb:.1f} V{yb - h:.1f}"
                out.append(f"<path d='{path}' {line}/>")
                x1, x2, y2 = xa, xb, top + 4
            else:
                out.append(f"<line x1='{xa + h:.1f}' y1='{ya:.1f}' x2='{xb - h:.1f}' y2='{yb:.1f}' {line}/>")
                x1, x2, y2 = xa + h, xb - h, ya + 4
            if _consanguineous(pedigree, pid, mate):
                out.append(f"<line x1='{x1:.1f}' y1='{y2:.1f}' x2='{x2:.1f}' y2='{y2:.1f}' {line}/>")
    # lines of descent: from the middle of the partner line (or the single parent) to the sibship line
    sibships: dict[tuple[str | None, str | None], list[str]] = {}
    for child in pedigree:
        if not child.is_founder:
            sibships.setdefault((child.father, child.mother), []).append(child.id)
    for (father, mother), kids in sibships.items():
        parents = [p for p in (father, mother) if p is not None]
        if len(parents) == 2:
            (xa, ya), (xb, yb) = sorted((pos[parents[0]], pos[parents[1]]))
            adjacent = ya == yb and not any(
                xa < pos[q][0] < xb for q in layout.rows[layout.generation[parents[0]]]
            )
            sx, sy = (xa + xb) / 2, (max(ya, yb) if adjacent else min(ya, yb) - h - RAISED)
        else:
            sx, sy = pos[parents[0]][0], pos[parents[0]][1] + h
        child_y = min(pos[k][1] for k in kids)
        bar_y = child_y - h - 22
        apex = _twin_apexes(pedigree, kids, pos)
        xs = [apex.get(k, pos[k][0]) for k in kids]
        out.append(f"<line x1='{sx:.1f}' y1='{sy:.1f}' x2='{sx:.1f}' y2='{bar_y:.1f}' {line}/>")
        lo, hi = min([*xs, sx]), max([*xs, sx])
        out.append(f"<line x1='{lo:.1f}' y1='{bar_y:.1f}' x2='{hi:.1f}' y2='{bar_y:.1f}' {line}/>")
        for k in kids:
            kx, ky = pos[k]
            child = pedigree.get(k)
            top = ky - h - (2 if child.sex is Sex.UNKNOWN else 0)
            dash = " stroke-dasharray='5,3'" if child.adopted_in else ""  # adopted in: dashed line of descent
            x0 = apex.get(k, kx)  # twins hang from one point of the sibship line
            out.append(f"<line x1='{x0:.1f}' y1='{bar_y:.1f}' x2='{kx:.1f}' y2='{top:.1f}' {line}{dash}/>")
        out += _twin_marks(pedigree, kids, pos, apex, bar_y)
    return out


def _twin_apexes(
    pedigree: Pedigree, kids: list[str], pos: dict[str, tuple[float, float]]
) -> dict[str, float]:
    """x of the point on the sibship line from which each twin pair descends (midway between the twins)."""
    apex: dict[str, float] = {}
    for k in kids:
        twin = pedigree.get(k).twin
        if twin is not None and twin in kids:
            apex[k] = (pos[k][0] + pos[twin][0]) / 2
    return apex


def _twin_marks(
    pedigree: Pedigree,
    kids: list[str],
    pos: dict[str, tuple[float, float]],
    apex: dict[str, float],
    bar_y: float,
) -> list[str]:
    """Monozygotic twins: a bar between the two lines; unknown zygosity: '?' (Bennett et al. 2008)."""
    out: list[str] = []
    done: set[str] = set()
    h = SIZE / 2
    for k in kids:
        person = pedigree.get(k)
        if k not in apex or k in done or person.twin is None:
            continue
        done |= {k, person.twin}
        (xa, ya), (xb, _yb) = pos[k], pos[person.twin]
        mid_y = bar_y + (ya - h - bar_y) / 2
        x0 = apex[k]
        left, right = x0 + (xa - x0) / 2, x0 + (xb - x0) / 2
        if person.twin_type is TwinType.MONOZYGOTIC:
            out.append(
                f"<line x1='{left:.1f}' y1='{mid_y:.1f}' x2='{right:.1f}' y2='{mid_y:.1f}' "
                "stroke='#000' stroke-width='1.4'/>"
            )
        elif person.twin_type in (TwinType.UNKNOWN, None):
            out.append(
                f"<text x='{x0:.1f}' y='{mid_y + 4:.1f}' text-anchor='middle' font-size='12' {FONT}>?</text>"
            )
    return out
