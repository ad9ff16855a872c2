"""Write the three outputs all or nothing: render everything first, then move a finished folder into place."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ipexpath.errors import IpexpathError
from ipexpath.files import atomic_write_text
from ipexpath.report.assessment import Assessment
from ipexpath.report.html import render_leaflet, render_report

REPORT = "report.html"
LEAFLET = "leaflet.html"
JSON = "assessment.json"


@dataclass(frozen=True)
class Outputs:
    """Paths of the written files."""

    folder: Path
    report: Path
    leaflet: Path
    json: Path


def assessment_json(assessment: Assessment) -> str:
    """assessment.json text."""
    return json.dumps(assessment.to_dict(), indent=2, ensure_ascii=False) + "\n"


def write_outputs(assessment: Assessment, out_dir: Path) -> Outputs:
    """Render report.html, leaflet.html and assessment.json, then place them in `out_dir` together."""
    out_dir = Path(out_dir)
    texts = {
        REPORT: render_report(assessment),
        LEAFLET: render_leaflet(assessment),
        JSON: assessment_json(assessment),
    }
    if out_dir.exists() and not out_dir.is_dir():
        raise IpexpathError(f"'{out_dir}' exists and is not a folder.", "Choose another --out folder.")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        mask = _umask()
        for name, text in texts.items():
            atomic_write_text(staging / name, text)
            (staging / name).chmod(0o666 & ~mask)
        staging.chmod(0o777 & ~mask)
        if not out_dir.exists():
            os.replace(staging, out_dir)
        else:
            for name in texts:
                os.replace(staging / name, out_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Outputs(out_dir, out_dir / REPORT, out_dir / LEAFLET, out_dir / JSON)


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
