"""Render both HTML files in headless Chromium: a non-blank screenshot, no console errors, visible content."""

from __future__ import annotations

import html
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from ipexpath.report import Assessment, Outputs

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (scripts/install-chromium installs Debian's package)"
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]
TIMEOUT = 120


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "Uncaught" in line or "ERROR:CONSOLE" in line]


def _png_rows(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and raw scanlines (filter byte stripped) of an 8-bit RGB/RGBA PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8
            channels = {2: 3, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels + 1
    return width, height, [raw[i * stride + 1 : (i + 1) * stride] for i in range(height)]


def _ink_fraction(path: Path) -> float:
    """Share of scanlines that are not uniform (a blank page has none)."""
    _, height, rows = _png_rows(path)
    return sum(1 for row in rows if len(set(row)) > 4) / max(height, 1)


@pytest.mark.parametrize("name", ["report", "leaflet"])
def test_screenshot_not_blank(name: str, example_outputs: Outputs, tmp_path: Path) -> None:
    html = Path(getattr(example_outputs, name)).resolve()
    png = tmp_path / f"{name}.png"
    done = _chromium([f"--screenshot={png}", "--window-size=1280,4000", html.as_uri()], tmp_path / "profile")
    assert png.exists(), done.stderr[-2000:]
    assert not _console_errors(done.stderr), _console_errors(done.stderr)
    assert _ink_fraction(png) > 0.05


def _dom(html: Path, tmp_path: Path) -> tuple[str, str]:
    done = _chromium(["--dump-dom", html.resolve().as_uri()], tmp_path / "profile")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, done.stderr


def _text(dom: str) -> str:
    body = re.sub(r"<style.*?</style>|<svg.*?</svg>", " ", dom, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_report_visible_content(
    example_outputs: Outputs, example_assessment: Assessment, tmp_path: Path
) -> None:
    dom, stderr = _dom(Path(example_outputs.report), tmp_path)
    assert not _console_errors(stderr)
    text = _text(dom)
    top = example_assessment.top
    assert top is not None and f"Top-ranked diagnosis {top['name']}" in text
    assert re.search(r"Mother II-2: (>99\.99|100)%", text)  # the mother's carrier probability
    assert "Decision support, not a diagnosis" in text


def test_leaflet_visible_content(example_outputs: Outputs, tmp_path: Path) -> None:
    dom, stderr = _dom(Path(example_outputs.leaflet), tmp_path)
    assert not _console_errors(stderr)
    text = _text(dom)
    assert "What is IPEX?" in text
    assert re.search(r"Sister \(III-2\) about 1 in 2 \(50%\)", text)
    assert "Decision support, not a diagnosis" in text
