"""Cohort-level disease profiles: feature frequencies quoted from published cohort papers (issue 13).

The HPOA annotations of IPEX (OMIM:304790) leave out features its cohort papers count, and the curated
individual patients are few. Cohort papers report how often each feature occurred (k of n patients);
`knowledge/data/cohort_profiles.yaml` holds those numbers, each with its PMID/DOI and the sentence or table
cell it was read from. They become frequencies like the HPOA n/m lines:

* several cohorts of the same disease and feature are pooled (sum of k over sum of n);
* the small-sample shrinkage of the n/m lines and case profiles, (k + s·f0) / (n + s), with the prior mean f0
  what the annotations say (the disease's own frequency for the term, else the background frequency);
* the true-path rule: a feature's frequency is a lower bound for its ancestors (element-wise maximum).

The model merges them with the HPOA and case-derived frequencies by element-wise maximum
(`ModelParameters.cohort_weight`), after the background is computed, as it merges the case profiles: a cohort
can raise a frequency the annotations leave at a default, never lower one. Explanations cite the source
("85 % of 88 patients in a cohort, Gambineri 2018, PMID 30443250").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
import yaml

from ipexpath.knowledge.base import KnowledgeBase

COHORT_FILE = "cohort_profiles.yaml"


@dataclass(frozen=True)
class CohortFeature:
    """One feature of one cohort: k of n patients had it, as the quoted sentence or table cell says."""

    term_id: str
    k: int
    n: int
    quote: str


@dataclass(frozen=True)
class CohortSource:
    """One published cohort of one disease, with the curated publications it may share patients with."""

    key: str
    disease_id: str
    citation: str
    pmid: str | None
    doi: str | None
    n: int
    features: tuple[CohortFeature, ...]
    possible_overlap: frozenset[str]  # "PMID:…" / "DOI:…" of curated publications (leakage rule)

    @property
    def reference(self) -> str:
        """'PMID 30443250' (or the DOI when no PMID was verified)."""
        return f"PMID {self.pmid}" if self.pmid else f"doi {self.doi}"


def cohort_file() -> Path:
    """The shipped cohort file (package data)."""
    return Path(str(resources.files("ipexpath.knowledge").joinpath("data", COHORT_FILE)))


def load_cohort_sources(path: Path | None = None) -> tuple[CohortSource, ...]:
    """Every cohort of the cohort file (the shipped one by default); raises ValueError on a malformed row."""
    if path is None:
        return _shipped_sources()
    return _parse(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))


@cache
def _shipped_sources() -> tuple[CohortSource, ...]:
    path = cohort_file()
    return _parse(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))


def _parse(data: Any, where: str) -> tuple[CohortSource, ...]:
    if not isinstance(data, dict) or not isinstance(data.get("cohorts"), list):
        raise ValueError(f"{where}: expected a mapping with a 'cohorts' list")
    sources = []
    for entry in data["cohorts"]:
        key = str(entry.get("key", "?"))
        pmid, doi = entry.get("pmid"), entry.get("doi")
        if not pmid and not doi:
            raise ValueError(f"{where}: cohort {key} cites neither a PMID nor a DOI")
        n = int(entry["n"])
        features = []
        for row in entry.get("features") or []:
            size = int(row.get("n", n))
            if "k" in row:
                k = int(row["k"])
            elif "percent" in row:
                k = round(float(row["percent"]) * size / 100.0)
            else:
                raise ValueError(f"{where}: cohort {key}, {row.get('id')}: neither k nor percent")
            quote = str(row.get("quote") or "")
            if not quote or not 0 <= k <= size or size <= 0:
                raise ValueError(f"{where}: cohort {key}, {row.get('id')}: needs a quote and 0 <= k <= n")
            features.append(CohortFeature(str(row["id"]), k, size, quote))
        sources.append(
            CohortSource(
                key=key,
                disease_id=str(entry["disease"]),
                citation=str(entry["citation"]),
                pmid=str(pmid) if pmid else None,
                doi=str(doi) if doi else None,
                n=n,
                features=tuple(features),
                possible_overlap=frozenset(str(x) for x in entry.get("possible_overlap") or []),
            )
        )
    return tuple(sources)


@dataclass(frozen=True, eq=False)
class CohortProfiles:
    """Disease × term frequencies from the cohort papers (stated terms and, propagated, their ancestors)."""

    direct: sp.csc_matrix
    propagated: sp.csc_matrix


def pooled_counts(
    kb: KnowledgeBase, sources: tuple[CohortSource, ...]
) -> dict[tuple[int, int], tuple[int, int]]:
    """(disease, term) index → (sum of k, sum of n) over the cohorts; ids unknown to the release skipped."""
    pooled: dict[tuple[int, int], tuple[int, int]] = {}
    for source in sources:
        disease = kb.disease_index.get(source.disease_id)
        if disease is None:
            continue
        for feature in source.features:
            term = kb.term_index.get(feature.term_id)
            if term is None:
                continue
            k, n = pooled.get((disease, term), (0, 0))
            pooled[(disease, term)] = (k + feature.k, n + feature.n)
    return pooled


def build_cohort_profiles(
    kb: KnowledgeBase,
    sources: tuple[CohortSource, ...],
    is_phenotype: npt.NDArray[np.bool_],
    *,
    prior_strength: float,
    annotation_prior: tuple[sp.csc_matrix, npt.NDArray[np.float64]],
) -> CohortProfiles:
    """Shrunken, propagated frequencies of every cohort feature (see the module docstring)."""
    shape = (kb.n_diseases, kb.n_terms)
    pooled = pooled_counts(kb, sources)
    annotated, background = annotation_prior
    annotated = annotated.tocsr()
    best: dict[tuple[int, int], float] = {}
    direct_cells: dict[tuple[int, int], float] = {}
    for (disease, term), (k, n) in pooled.items():
        if not is_phenotype[term]:
            continue
        own = float(annotated[disease, term])
        mean = own if own > 0 else float(background[term])
        freq = (k + prior_strength * mean) / (n + prior_strength)
        direct_cells[(disease, term)] = freq
        for ancestor in kb.ancestors(term).tolist():
            if is_phenotype[ancestor] and best.get((disease, ancestor), 0.0) < freq:
                best[(disease, ancestor)] = freq
    return CohortProfiles(direct=_matrix(direct_cells, shape), propagated=_matrix(best, shape))


def _matrix(cells: dict[tuple[int, int], float], shape: tuple[int, int]) -> sp.csc_matrix:
    if not cells:
        return sp.csc_matrix(shape, dtype=np.float32)
    rows, cols = zip(*cells, strict=True)
    matrix = sp.csc_matrix(
        (np.fromiter(cells.values(), dtype=np.float32), (np.asarray(rows), np.asarray(cols))),
        shape=shape,
        dtype=np.float32,
    )
    matrix.sort_indices()
    return matrix


def cohort_frequency_text(disease_id: str, term_id: str) -> str | None:
    """'75 of 88 patients in a published cohort (Gambineri 2018, …, PMID 30443250)' for a stated feature."""
    parts = [
        f"{f.k} of {f.n} patients in a published cohort ({s.citation}, {s.reference})"
        for s in _shipped_sources()
        if s.disease_id == disease_id
        for f in s.features
        if f.term_id == term_id
    ]
    return "; ".join(parts) or None
