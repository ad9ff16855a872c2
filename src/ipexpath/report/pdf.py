"""The professional report as a PDF (report.pdf), rendered from report.html with its print stylesheet.

WeasyPrint renders HTML + CSS paged media in-process, offline, from a wheel on PyPI (it needs the Pango
library that desktop Linux, macOS Homebrew and Chromium installs already have); the same print
stylesheet is used by a browser's "Print to PDF". See docs/documents.md for why not headless Chromium.
"""

from __future__ import annotations

from dataclasses import dataclass

from ipexpath.errors import IpexpathError

__all__ = ["PdfDocument", "render_pdf"]


@dataclass(frozen=True)
class PdfDocument:
    """A rendered PDF: its bytes and its number of A4 pages."""

    data: bytes
    pages: int


def _weasyprint() -> object:
    """The WeasyPrint module, or a clear error when it (or the Pango library it needs) is missing."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango shared library is not installed
        raise IpexpathError(
            "A PDF could not be made: the WeasyPrint renderer or the Pango library it needs is missing.",
            "Install Pango (Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0), or open "
            "report.html in a browser and print it to PDF.",
        ) from exc
    return weasyprint


def render_pdf(html: str) -> PdfDocument:
    """Render a self-contained HTML document (inline CSS and SVG, nothing fetched) to PDF bytes."""
    weasyprint = _weasyprint()

    def refuse(url: str, timeout: int = 10, ssl_context: object = None) -> dict[str, object]:
        raise ValueError(f"not fetched (no network access): {url}")

    document = weasyprint.HTML(string=html, url_fetcher=refuse).render()  # type: ignore[attr-defined]
    return PdfDocument(data=document.write_pdf(), pages=len(document.pages))
