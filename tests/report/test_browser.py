"""Report and leaflet in headless Chromium (Playwright driving Debian's /usr/bin/chromium) at 1280 and 390 px,
and the printed report's page count.

Asserts what a reader sees: page 1 content, links, no horizontal scrolling on a 390 px phone, no console
errors; the demo report prints on at most 8 A4 pages. Screenshots are saved in `test-artifacts/`
(git-ignored) for a human to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ipexpath.report import Assessment, Outputs
from ipexpath.report.html import render_report
from ipexpath.report.views import DocumentOptions

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = next(
    (
        p
        for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
        if p and Path(p).exists()
    ),
    None,
)
MAX_PDF_PAGES = 8
WIDTHS = (1280, 390)

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (scripts/install-chromium installs Debian's package)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module (Playwright's own browser download is not used)."""
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield instance
        instance.close()


def _open(browser: Any, path: Path, width: int) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(Path(path).resolve().as_uri())
    page.wait_for_load_state("load")
    return page, errors


def _no_horizontal_overflow(page: Any) -> None:
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client + 1, f"page scrolls sideways: {scroll} > {client}"


@pytest.mark.parametrize("width", WIDTHS)
def test_report_in_browser(browser: Any, example_outputs: Outputs, width: int) -> None:
    page, errors = _open(browser, Path(example_outputs.report), width)
    try:
        for selector in (
            "#identifiers",
            "#status",
            "#answer-differential",
            "#answer-variants",
            "#answer-family",
            "#answer-next",
        ):
            assert page.locator(selector).is_visible(), selector
        assert "Top of the differential" in page.locator("#page-1").inner_text()
        links = page.eval_on_selector_all("a[href^='https://']", "els => els.map(e => e.href)")
        assert any("omim.org/entry/304790" in h for h in links)
        assert any("hpo.jax.org" in h for h in links) and any("doi.org" in h for h in links)
        assert len(links) > 30
        if width == 390:
            _no_horizontal_overflow(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"report-{width}.png"), full_page=False)
        assert not errors, errors
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_leaflet_in_browser(browser: Any, pathogenic_outputs: Outputs, width: int) -> None:
    # a P/LP familial variant, so the relatives' table is there to lay out (a VUS has no figures)
    page, errors = _open(browser, Path(pathogenic_outputs.leaflet), width)
    try:
        assert page.locator("#key-facts").is_visible()
        assert "Draft" in page.locator("#release").inner_text()
        assert page.locator("#inheritance-picture svg").is_visible()
        assert page.locator("#relatives").is_visible()
        links = page.eval_on_selector_all("#support a", "els => els.map(e => e.href)")
        assert len(links) >= 3 and all(h.startswith("https://") or h.startswith("http://") for h in links)
        if width == 390:
            _no_horizontal_overflow(page)
            # tables become stacked cards on a phone: one card per relative, labels shown
            assert page.locator("#relatives thead").is_hidden()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"leaflet-{width}.png"), full_page=width == 390)
        assert not errors, errors
    finally:
        page.close()


def test_demo_report_prints_on_at_most_8_pages(example_assessment: Assessment) -> None:
    pytest.importorskip("weasyprint")
    from ipexpath.report.pdf import render_pdf

    pdf = render_pdf(render_report(example_assessment, DocumentOptions(requested_by="Dr Ada Example")))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.pdf").write_bytes(pdf.data)
    assert pdf.data.startswith(b"%PDF")
    assert 1 <= pdf.pages <= MAX_PDF_PAGES, pdf.pages
