"""Parse `phenotype.hpoa` (disease annotations) and `genes_to_phenotype.txt` (gene–disease links)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from ipexpath.errors import HpoDirectoryError

# HPO frequency sub-ontology (HP:0040279) terms as numbers: the midpoints of each class's range, as used
# by LIRICAL/phenol (Robinson et al. 2020, doi:10.1016/j.ajhg.2020.06.021; phenol HpoFrequency.java);
# the ranges are the HPO term definitions (Obligate 100 %, Very frequent 80–99 %, Frequent 30–79 %,
# Occasional 5–29 %, Very rare 1–4 %, Excluded 0 %).
FREQUENCY_TERMS: dict[str, float] = {
    "HP:0040280": 1.0,  # Obligate
    "HP:0040281": 0.895,  # Very frequent
    "HP:0040282": 0.545,  # Frequent
    "HP:0040283": 0.17,  # Occasional
    "HP:0040284": 0.025,  # Very rare
    "HP:0040285": 0.0,  # Excluded
}

_RATIO = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def parse_frequency(text: str) -> float:
    """Turn an HPOA frequency (n/m, x %, or an HP:00402xx class) into a proportion; NaN if absent."""
    text = text.strip()
    if not text:
        return math.nan
    match = _RATIO.match(text)
    if match:
        n, m = int(match.group(1)), int(match.group(2))
        return min(1.0, n / m) if m > 0 else math.nan
    match = _PERCENT.match(text)
    if match:
        return min(1.0, float(match.group(1)) / 100.0)
    if text in FREQUENCY_TERMS:
        return FREQUENCY_TERMS[text]
    raise ValueError(f"unrecognised frequency '{text}'")


@dataclass(frozen=True)
class AnnotationRow:
    """One line of phenotype.hpoa."""

    disease_id: str
    disease_name: str
    negated: bool
    hpo_id: str
    references: tuple[str, ...]
    onset: str
    frequency: float
    sex: str
    aspect: str
    cohort: int = 0  # m of an "n/m" frequency (patients assessed), 0 for % and class frequencies


def parse_hpoa(path: Path) -> tuple[list[AnnotationRow], str]:
    """Read every annotation line and the `#version` header; a malformed line is an error naming it."""
    rows: list[AnnotationRow] = []
    version = ""
    header_seen = False
    try:
        with path.open(encoding="utf-8") as handle:
            for lineno, line in enumerate(handle, start=1):
                if line.startswith("#"):
                    if line.startswith("#version:"):
                        version = line.split(":", 1)[1].strip()
                    continue
                fields = line.rstrip("\n").split("\t")
                if not header_seen and fields[0] == "database_id":
                    header_seen = True
                    continue
                if len(fields) < 11:
                    if not line.strip():
                        continue
                    raise ValueError(f"line {lineno} has {len(fields)} columns, expected 12")
                try:
                    frequency = parse_frequency(fields[7])
                except ValueError as exc:
                    raise ValueError(f"line {lineno}: {exc}") from exc
                ratio = _RATIO.match(fields[7])
                rows.append(
                    AnnotationRow(
                        disease_id=fields[0],
                        disease_name=fields[1],
                        negated=fields[2].strip().upper() == "NOT",
                        hpo_id=fields[3],
                        references=tuple(r for r in fields[4].split(";") if r),
                        onset=fields[6],
                        frequency=frequency,
                        sex=fields[8].strip().upper(),
                        aspect=fields[10].strip(),
                        cohort=int(ratio.group(2)) if ratio else 0,
                    )
                )
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise HpoDirectoryError(f"The annotation file '{path}' could not be read: {exc}.") from exc
    if not rows:
        raise HpoDirectoryError(f"The annotation file '{path}' holds no annotations.")
    return rows, version


def parse_gene_links(path: Path) -> list[tuple[str, str, str]]:
    """Distinct (gene symbol, NCBI gene id, disease id) triples from genes_to_phenotype.txt."""
    links: set[tuple[str, str, str]] = set()
    try:
        with path.open(encoding="utf-8") as handle:
            header = handle.readline().rstrip("\n").split("\t")
            try:
                gene_col, symbol_col, disease_col = (
                    header.index("ncbi_gene_id"),
                    header.index("gene_symbol"),
                    header.index("disease_id"),
                )
            except ValueError as exc:
                raise ValueError(f"unexpected header {header}") from exc
            for line in handle:
                fields = line.rstrip("\n").split("\t")
                if len(fields) <= disease_col:
                    continue
                links.add((fields[symbol_col], fields[gene_col], fields[disease_col]))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise HpoDirectoryError(f"The gene file '{path}' could not be read: {exc}.") from exc
    return sorted(links)
