"""Render an `Assessment` as two self-contained HTML files: the professional report and the family leaflet.

Both inline their CSS (and the pedigree SVG); nothing is fetched when they are opened. The templates only
format what the assessment holds.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from ipexpath.conclusions import DECISION_SUPPORT, Assessment
from ipexpath.numbers import chance_with_percent, percent
from ipexpath.report.links import clean, link_identifier, linkify
from ipexpath.report.people import age_as_entered
from ipexpath.report.views import DocumentOptions, report_view, variant_label

_XML_DECL = re.compile(r"<\?xml[^>]*\?>\s*")
_SCRIPT = re.compile(r"<\s*(script|foreignObject|image|use)\b", re.IGNORECASE)


def _css() -> str:
    """The shared inline stylesheet."""
    return (resources.files("ipexpath.report") / "templates" / "style.css").read_text(encoding="utf-8")


def inline_svg(svg: str | None) -> Markup:
    """An SVG document as inline markup (no XML declaration; refused if it could run or fetch anything)."""
    if not svg:
        return Markup("")
    body = _XML_DECL.sub("", svg).strip()
    if _SCRIPT.search(body) or "href=" in body:
        return Markup(
            "<p class='note'>The pedigree drawing was left out: it contained active or external content.</p>"
        )
    return Markup(body)


def _age_text(days: Any) -> str:
    """An age as it was entered ('1 month' for P1M; '—' when unknown)."""
    return age_as_entered(None if days is None else float(days))


def sig(x: Any, digits: int = 3) -> str:
    """A number with `digits` significant figures ('—' for None)."""
    if x is None:
        return "—"
    return f"{float(x):.{digits}g}"


def lr10(log10_lr: Any) -> str:
    """A log10 likelihood ratio shown as the ratio itself ('—' when absent)."""
    if log10_lr is None:
        return "—"
    return sig(10 ** float(log10_lr))


def bar(p: Any, width: int = 160) -> Markup:
    """A posterior bar as inline SVG (the exact value is printed next to it)."""
    value = max(0.0, min(1.0, float(p or 0.0)))
    filled = max(1.0, value * width) if value > 0 else 0.0
    return Markup(
        f"<svg class='bar' width='{width}' height='12' viewBox='0 0 {width} 12' role='img' "
        f"aria-label='posterior {percent(value)}'><rect width='{width}' height='12' rx='2' fill='#e6e9ef'/>"
        f"<rect width='{filled:.1f}' height='12' rx='2' fill='#2b6cb0'/></svg>"
    )


@functools.cache
def _environment() -> jinja2.Environment:
    """The Jinja2 environment with the report filters (made once per process, so the compiled templates are
    reused: compiling report.html.j2 took ~0.5 s of every assessment in the web app)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ipexpath.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=percent, sig=sig, bar=bar, lr10=lr10, age=_age_text)
    env.filters.update(chance=lambda p: chance_with_percent(float(p)), svg=inline_svg)
    env.filters.update(
        label=variant_label, basename=lambda path: str(path).replace("\\", "/").rsplit("/", 1)[-1]
    )
    env.filters.update(clean=clean, linkify=linkify, idlink=link_identifier)
    return env


def _context(assessment: Assessment) -> dict[str, Any]:
    """What both templates see: the assessment's JSON, citation numbers and the stylesheet."""
    data = assessment.to_dict()
    numbers = {ref["key"]: i for i, ref in enumerate(data["references"], start=1)}
    return {
        "a": data,
        "notice": DECISION_SUPPORT,
        "css": Markup(_css()),
        "cite": lambda keys: ", ".join(str(numbers[k]) for k in keys if k in numbers),
        "top": assessment.top,
    }


def render_report(assessment: Assessment, options: DocumentOptions | None = None) -> str:
    """The professional report (report.html): page 1 is the answer, the detail follows."""
    view = report_view(assessment, options)
    return _environment().get_template("report.html.j2").render(**_context(assessment), v=view)


def render_leaflet(assessment: Assessment, options: DocumentOptions | None = None) -> str:
    """The family leaflet in plain language (leaflet.html)."""
    from ipexpath.report.leaflet_view import leaflet_view

    view = leaflet_view(assessment, options)
    return _environment().get_template("leaflet.html.j2").render(**_context(assessment), v=view)
