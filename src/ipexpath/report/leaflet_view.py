"""The family leaflet laid out: the wording is `Assessment.leaflet` (`conclusions.leaflet`, the one source of
every sentence the family reads, also written to assessment.json); this module adds only what a page needs —
the release line, the inheritance picture, the family tree with relationships instead of pedigree codes and
no risk figures, the support links and the list of sources.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup

from ipexpath.conclusions import Assessment, LeafletSection, RelativeChance
from ipexpath.knowledge.ipex import IpexKnowledge, load_ipex_knowledge
from ipexpath.report.inheritance_svg import xlinked_inheritance_svg
from ipexpath.report.views import DocumentOptions

__all__ = ["LeafletView", "Organisation", "leaflet_view"]

DRAFT = "Draft — to be reviewed with your care team."


@dataclass(frozen=True)
class Organisation:
    """A patient organisation or information page with a link."""

    name: str
    url: str
    note: str


@dataclass(frozen=True)
class LeafletView:
    """The whole leaflet, ready to lay out."""

    child: str
    release_line: str
    released: bool
    main_points: tuple[str, ...]
    sections: tuple[LeafletSection, ...]
    relatives: tuple[RelativeChance, ...]
    inheritance_svg: Markup
    family_tree_svg: Markup
    organisations: tuple[Organisation, ...]
    review_date: str
    created: str
    references: tuple[str, ...]


_ID_TEXT = re.compile(r"(<text\b[^>]*>)([^<]*)(</text>)")
_ROMAN = re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII)$")
_CODE_SUFFIX = re.compile(r"\s+E[+-]$")
_PERCENT = re.compile(r"^(?:&gt;|&lt;|>|<)?\s*[\d.]+\s*%$")


def family_tree_svg(svg: str | None, names: Mapping[str, str]) -> Markup:
    """The pedigree drawing with relationships instead of pedigree codes, and no risk figures or codes."""
    if not svg:
        return Markup("")
    from ipexpath.report.html import inline_svg

    def swap(match: re.Match[str]) -> str:
        text = match.group(2).strip()
        if text in names:
            return f"{match.group(1)}{names[text]}{match.group(3)}"
        if (
            _ROMAN.match(text)
            or _PERCENT.match(text)
            or text in ("P", "E+", "E-")
            or "proband" in text
            or "E+" in text
        ):
            return ""
        if text.startswith("Family "):
            return f"{match.group(1)}Your family tree{match.group(3)}"
        return match.group(1) + _CODE_SUFFIX.sub("", text) + match.group(3)

    return inline_svg(_ID_TEXT.sub(swap, svg))


def leaflet_view(
    assessment: Assessment, options: DocumentOptions | None = None, knowledge: IpexKnowledge | None = None
) -> LeafletView:
    """Lay out the family leaflet of `assessment` (its words come from `assessment.leaflet`)."""
    options = options or DocumentOptions()
    knowledge = knowledge or load_ipex_knowledge()
    a = assessment
    content = a.leaflet
    table = knowledge.source_map()
    seen: dict[str, None] = {}
    for key in (k for sec in content.sections for k in sec.sources):
        seen.setdefault(key, None)
    references = tuple(table[k].citation for k in seen if k in table)
    orgs = tuple(Organisation(o.name, o.url, o.note) for o in knowledge.support)
    released = bool(options.released_by)
    release_line = f"Released by {options.released_by} on {a.created[:10]}." if released else DRAFT
    return LeafletView(
        child=content.child,
        release_line=release_line,
        released=released,
        main_points=content.main_points,
        sections=content.sections,
        relatives=content.relatives,
        inheritance_svg=Markup(xlinked_inheritance_svg()),
        family_tree_svg=family_tree_svg(a.family.pedigree_svg if a.family else None, content.names),
        organisations=orgs,
        review_date=str(knowledge.release.reviewed),
        created=a.created[:10],
        references=references,
    )
