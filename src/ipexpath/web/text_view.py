"""Free text of a case as the care team sees it: the text cut into marked pieces (observed, excluded, family
history, possible, not recognised) and one row per span, from the library's recogniser
(`knowledge.textmine.recognise`). The same view serves the live preview of case entry and the stored case
of an assessment (which keeps the recognition made when it ran)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KINDS = ("observed", "excluded", "family", "possible", "unrecognised")


def recognition(text: str) -> dict[str, Any]:
    """Recognise `text` (the library's text API) and keep it as JSON with the text itself."""
    from ipexpath.knowledge.textmine import recognise
    from ipexpath.web.assessments import knowledge

    return {"text": text, **recognise(knowledge(), text).to_dict()}


def _loose(matched: str) -> bool:
    from ipexpath.knowledge.lexicon import NameKind

    try:
        return not NameKind(matched).is_exact
    except ValueError:
        return False


def _kind(hit: dict[str, Any]) -> str:
    if hit.get("family_history"):
        return "family"
    if hit.get("uncertain"):
        return "possible"
    return "excluded" if hit.get("excluded") else "observed"


STATES = {
    "observed": "observed — used as the patient's feature",
    "excluded": "negated — used as an excluded feature",
    "family": "family history — said of a relative, not used as the patient's feature",
    "possible": "possible — suspected only, not used; add it by hand if it is present",
    "unrecognised": "not recognised — no HPO term found; add a term by hand if it matters",
}


@dataclass(frozen=True)
class Span:
    """One recognised or unrecognised span, for the list under the marked text."""

    kind: str
    text: str
    term_id: str
    label: str
    state: str
    matched: str  # how the name matched (label, exact synonym, …)
    loose: bool = False  # matched through a narrow/broad/related synonym: shown to be checked


@dataclass(frozen=True)
class MarkedText:
    """The text in pieces (`segments`: text, kind, title) and the spans in text order."""

    segments: list[dict[str, str]]
    spans: list[Span]
    sex: str | None

    def count(self, kind: str) -> int:
        """How many spans of one kind."""
        return sum(1 for s in self.spans if s.kind == kind)

    @property
    def counts(self) -> dict[str, int]:
        """Spans per kind (for the summary line)."""
        return {kind: self.count(kind) for kind in KINDS}


def marked(data: dict[str, Any]) -> MarkedText:
    """The marked view of a stored recognition (`recognition`'s JSON)."""
    text = str(data.get("text", ""))
    marks: list[tuple[int, int, Span]] = []
    for hit in data.get("hits", []):
        kind = _kind(hit)
        matched = str(hit.get("matched", ""))
        span = Span(kind, hit["text"], hit["id"], hit["label"], STATES[kind], matched, _loose(matched))
        marks.append((int(hit["start"]), int(hit["end"]), span))
    for gap in data.get("unrecognised", []):
        span = Span("unrecognised", gap["text"], "", "", STATES["unrecognised"], "")
        marks.append((int(gap["start"]), int(gap["end"]), span))
    marks.sort(key=lambda m: (m[0], m[1]))
    pieces: list[dict[str, str]] = []
    at = 0
    for start, end, span in marks:
        if start < at or end > len(text):
            continue  # overlapping marks: the first wins
        if start > at:
            pieces.append({"text": text[at:start], "kind": "", "title": ""})
        title = f"{span.term_id} {span.label}: {span.state}" if span.term_id else span.state
        pieces.append({"text": text[start:end], "kind": span.kind, "title": title})
        at = end
    if at < len(text):
        pieces.append({"text": text[at:], "kind": "", "title": ""})
    return MarkedText(pieces, [m[2] for m in marks], data.get("sex"))
