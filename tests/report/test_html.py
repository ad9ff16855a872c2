"""Both HTML files: self-contained, small, printable, marked as decision support, with the key content."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ipexpath.report import Assessment, Outputs

MAX_BYTES = 2 * 1024 * 1024
FETCHING = [
    re.compile(r"<script[^>]*\bsrc\s*=", re.I),
    re.compile(r"<link[^>]*\bhref\s*=", re.I),
    re.compile(
        r"<(img|iframe|audio|video|source|embed|object|image)[^>]*\b(src|data|href)\s*=\s*['\"]?\s*(https?:)?//",
        re.I,
    ),
    re.compile(r"@import", re.I),
    re.compile(r"url\(\s*['\"]?\s*(https?:)?//", re.I),
]


def test_sizes(example_outputs: Outputs) -> None:
    for path in (example_outputs.report, example_outputs.leaflet, example_outputs.json):
        assert 0 < Path(path).stat().st_size < MAX_BYTES, path


def test_self_contained(report_html: str, leaflet_html: str) -> None:
    for html in (report_html, leaflet_html):
        for pattern in FETCHING:
            assert not pattern.search(html), pattern.pattern
        assert "<script" not in html.lower()
        assert "<style>" in html and "@media print" in html


def test_decision_support_marked(report_html: str, leaflet_html: str) -> None:
    assert "Decision support, not a diagnosis" in report_html
    assert "Decision support, not a diagnosis" in leaflet_html


def test_report_content(example_assessment: Assessment, report_html: str) -> None:
    top = example_assessment.top
    assert top is not None and top["name"] in report_html
    for section in (
        "page-1",
        "toc",
        "next-steps",
        "differential",
        "genetics",
        "family",
        "case",
        "limitations",
    ):
        assert f'id="{section}"' in report_html
    for section in ("signoff", "references", "appendix"):
        assert f'id="{section}"' in report_html
    assert "c.1150G&gt;A" in report_html and "Path to reclassification" in report_html
    assert "<svg" in report_html and "<?xml" not in report_html  # pedigree inlined
    assert "HPO 2025-01-16" in report_html and example_assessment.ipexpath_version in report_html
    for ref in example_assessment.references:
        assert (ref.doi or ref.pmid or ref.url or "") in report_html
    assert "doi.org/10.1016/j.jaci.2017.10.041" in report_html  # Barzaghi 2018 (HSCT outcome)
    assert "TSDR" in report_html and "harmonin" in report_html and "IgE" in report_html


def test_leaflet_content(leaflet_html: str) -> None:
    for words in ("What is IPEX?", "carrier", "X chromosome", "1 in 2", "Where can we find support?"):
        assert words in leaflet_html
    body = leaflet_html.split("<footer", 1)[0]  # the footer lists the sources' citations
    assert "log<sub>10</sub>" not in body and "ACMG" not in body  # no professional jargon


def test_json_written(example_outputs: Outputs, example_assessment: Assessment) -> None:
    text = Path(example_outputs.json).read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["case"]["id"] == example_assessment.case["id"]
    assert data["differential"] == json.loads(json.dumps(example_assessment.differential))
    assert not re.search(r'"/(?:work|home|tmp|usr|Users)/', text)  # file names only, no local paths
    assert data["phenopacket"]["interpretations"]
