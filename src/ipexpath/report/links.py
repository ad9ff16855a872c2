"""Identifiers as links, and user-facing text without the developers' working notes.

Every OMIM, Orphanet, HPO, ClinVar, PubMed and DOI identifier in the report becomes a link to its public
page, so a reader can check each fact at its source. `clean` removes the curation tags ("[V2]", "[K: …]")
and pointers to repository files that the knowledge files carry for developers; a clinician reading a
report never has those files.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

__all__ = ["clean", "identifier_url", "link_identifier", "linkify"]

_URLS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^OMIM:(\d{6})$"), "https://omim.org/entry/{0}"),
    (re.compile(r"^ORPHA(?:NET)?:(\d+)$"), "https://www.orpha.net/en/disease/detail/{0}"),
    (re.compile(r"^(HP:\d{7})$"), "https://hpo.jax.org/browse/term/{0}"),
    (re.compile(r"^PMID:?\s*(\d+)$"), "https://pubmed.ncbi.nlm.nih.gov/{0}/"),
    (re.compile(r"^(?:doi:)?(10\.\d{4,9}/\S+)$", re.IGNORECASE), "https://doi.org/{0}"),
    (re.compile(r"^VCV0*(\d+)$"), "https://www.ncbi.nlm.nih.gov/clinvar/variation/{0}/"),
    (re.compile(r"^HGNC:(\d+)$"), "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/HGNC:{0}"),
)

# Identifiers inside running text: OMIM:304790, ORPHA:37042, HP:0002028, PMID 25741868, PMID:25741868,
# doi:10.1038/gim.2015.30, VCV000011410.
_IN_TEXT = re.compile(
    r"(?P<id>OMIM:\d{6}|ORPHA:\d+|HP:\d{7}|PMID:?\s?\d{5,9}|doi:10\.\d{4,9}/[^\s;,)\]]+|VCV\d{6,12})"
)

# Developer notes that must not reach a clinician: curation tags and repository pointers.
_DEV_NOTES = (
    re.compile(r"\s*\[(?:V|V2|K)(?::[^\]]*)?\]"),  # evidence tags of the reference notes
    re.compile(r";?\s*see docs/[\w./-]+(?:\s*§[\w.]+)?", re.IGNORECASE),
    re.compile(r"\s*\((?:see )?docs/[\w./-]+[^)]*\)", re.IGNORECASE),
    re.compile(r"\b[\w-]+\.md\s*§\s*[\w.]+"),
    re.compile(r"\s*(?:in|from) panel\.yaml(?:\s*/\s*ClinVar)?"),
    re.compile(
        r";?\s*(?:domain coordinates and strengths|reported variants) in panel\.yaml(?:\s*/\s*ClinVar)?"
    ),
    re.compile(r"\s*\(per a third-party summary\)"),
)
_SPACES = re.compile(r"\s{2,}")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")


def identifier_url(identifier: str) -> str | None:
    """The public page of an identifier (OMIM, Orphanet, HPO, PubMed, DOI, ClinVar VCV, HGNC), or None."""
    text = identifier.strip()
    for pattern, template in _URLS:
        match = pattern.match(text)
        if match:
            return template.format(match.group(1))
    return None


def link_identifier(identifier: str | None, label: str | None = None) -> Markup:
    """`<a href=…>OMIM:304790</a>` (plain escaped text when the identifier has no public page)."""
    if not identifier:
        return Markup("")
    url = identifier_url(str(identifier))
    shown = escape(label if label is not None else identifier)
    if url is None:
        return Markup(shown)
    return Markup(f'<a class="id" href="{escape(url)}">{shown}</a>')


def clean(text: str | None) -> str:
    """User-facing text without curation tags or repository pointers (the facts and citations stay)."""
    if not text:
        return ""
    out = str(text)
    for pattern in _DEV_NOTES:
        out = pattern.sub("", out)
    out = _EMPTY_BRACKETS.sub("", out)
    out = _SPACES.sub(" ", out).replace(" ;", ";").replace(" .", ".").replace(" ,", ",")
    return out.strip().rstrip(";").strip()


def linkify(text: str | None) -> Markup:
    """Cleaned text with every identifier it mentions turned into a link (everything else escaped)."""
    cleaned = clean(text)
    parts: list[str] = []
    last = 0
    for match in _IN_TEXT.finditer(cleaned):
        parts.append(str(escape(cleaned[last : match.start()])))
        found = match.group("id")
        key = found.replace("doi:", "") if found.startswith("doi:") else found.replace(" ", "")
        url = identifier_url(key)
        parts.append(f'<a class="id" href="{escape(url)}">{escape(found)}</a>' if url else str(escape(found)))
        last = match.end()
    parts.append(str(escape(cleaned[last:])))
    return Markup("".join(parts))
