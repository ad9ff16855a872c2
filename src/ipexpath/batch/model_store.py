"""The ranking model's arrays on disk, memory-mapped, so the workers of one machine share one copy.

`RankingModel.build` takes a few seconds and leaves each process with ~250 MB of heap (case knowledge and
the temporaries of the sparse-matrix build). `rank --batch` instead builds the model once per machine and
stores its arrays (sparse matrices as data/indices/indptr, the disease groups, the calibration vector, the
case-derived profiles) as one `.npy` each in the knowledge cache folder, in the checksummed folder format of
`ipexpath.knowledge.cache`; every worker then opens them with `np.load(mmap_mode="r")`, which takes
milliseconds and shares the pages through the operating system's page cache.

The store is keyed by the knowledge-base cache it was built from, the model version and parameters, and a
SHA-256 of the code and data the build reads (the `suspect` modules, the case-knowledge module and the
shipped and curated case files), so a change to any of them builds a new store instead of reusing a stale
one. A model loaded from the store ranks exactly like a freshly built one (tests/batch checks the rows).
It carries no `case_knowledge` (the published patients used only to list similar patients, which batch
results do not include; `model_for_rank` adds them for a single `rank`); the similar-patient evidence (lr-8)
needs only the stored profiles and the shipped coefficients (`suspect/data/similar_evidence.json`, part of
the fingerprint).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.resources
import itertools
import logging
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.cache import (
    read_array_folder,
    remove_cache,
    write_array_folder,
)
from ipexpath.suspect.case_profiles import CaseProfiles
from ipexpath.suspect.grouping import DiseaseGroups
from ipexpath.suspect.model import MODEL_VERSION, ModelParameters, RankingModel
from ipexpath.suspect.similar_evidence import shipped_similar_evidence

log = logging.getLogger(__name__)

STORE_FORMAT = 1
DENSE_ROWS = 64  # dense disease rows kept per process for explanations (64 × ~80 kB)
_MATRICES = ("direct", "propagated", "negated")
_VECTORS = (
    "background",
    "is_phenotype",
    "omim_mask",
    "sex_log10_female",
    "sex_log10_male",
    "onset_distribution",
    "onset_background",
    "has_onset",
)
_PROFILE_MATRICES = ("direct", "propagated", "patients", "publications", "case_terms")
_PROFILE_VECTORS = ("n_patients", "n_publications", "case_disease", "case_rows")


def code_fingerprint() -> str:
    """SHA-256 over the code and data `RankingModel.build` depends on (beyond the knowledge base)."""
    root = importlib.resources.files("ipexpath")
    digest = hashlib.sha256(MODEL_VERSION.encode())
    paths: list[Any] = sorted(
        (p for p in root.joinpath("suspect").iterdir() if p.name.endswith(".py")), key=lambda p: p.name
    )
    paths.append(root.joinpath("knowledge", "case_knowledge.py"))
    for folder in (root.joinpath("knowledge", "data"), root.joinpath("suspect", "data")):
        data = Path(str(folder))
        paths += sorted(p for p in data.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in paths:
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def store_path(kb_cache: Path, params: ModelParameters) -> Path:
    """The store's folder: beside the knowledge-base cache, named after it and the model's inputs."""
    key = hashlib.sha256(
        repr(sorted(dataclasses.asdict(params).items())).encode() + code_fingerprint().encode()
    ).hexdigest()[:16]
    return kb_cache.parent / f"{kb_cache.name}-model-{MODEL_VERSION}-{key}-s{STORE_FORMAT}"


def _put_matrix(out: dict[str, np.ndarray], name: str, matrix: sp.spmatrix) -> None:
    if not matrix.has_sorted_indices:  # sorted within each row/column: same matrix, binary-searchable
        matrix = matrix.copy()
        matrix.sort_indices()
    out[f"{name}.data"] = matrix.data
    out[f"{name}.indices"] = matrix.indices
    out[f"{name}.indptr"] = matrix.indptr
    out[f"{name}.shape"] = np.asarray(matrix.shape, dtype=np.int64)


def _get_matrix(arrays: dict[str, np.ndarray], name: str, kind: type[Any]) -> Any:
    shape = tuple(int(x) for x in arrays[f"{name}.shape"])
    parts = (arrays[f"{name}.data"], arrays[f"{name}.indices"], arrays[f"{name}.indptr"])
    matrix = kind(parts, shape=shape, copy=False)
    fast = {sp.csc_matrix: _IndexedCsc, sp.csr_matrix: _IndexedCsr}[kind]
    if matrix.has_sorted_indices:
        return fast(parts, shape=shape, copy=False)
    return matrix


def _is_index(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


class _IndexedCsc(sp.csc_matrix):  # type: ignore[misc]
    """A CSC matrix whose single-element lookup `m[row, col]` is a binary search (scipy's takes ~50 µs), or,
    when the matrix's rows are attached (`attach_rows`), an index into a dense copy of the row (the
    explanation of one disease looks up many terms of its row)."""

    _rows: sp.csr_matrix | None = None

    def attach_rows(self, rows: sp.csr_matrix) -> None:
        """Use `rows` (the same matrix in CSR) for element lookups through a small cache of dense rows."""
        self._rows = rows
        self._dense: OrderedDict[int, np.ndarray] = OrderedDict()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, tuple) and len(key) == 2 and _is_index(key[0]) and _is_index(key[1]):
            if self._rows is not None and 0 <= key[0] < self.shape[0] and 0 <= key[1] < self.shape[1]:
                return self._dense_row(int(key[0]))[int(key[1])]
            return _lookup(self, int(key[1]), int(key[0]))
        return super().__getitem__(key)

    def _dense_row(self, row: int) -> np.ndarray:
        dense = self._dense.get(row)
        if dense is None:
            assert self._rows is not None
            dense = np.zeros(self.shape[1], dtype=self.dtype)
            lo, hi = self._rows.indptr[row], self._rows.indptr[row + 1]
            dense[self._rows.indices[lo:hi]] = self._rows.data[lo:hi]
            self._dense[row] = dense
            if len(self._dense) > DENSE_ROWS:
                self._dense.popitem(last=False)
        else:
            self._dense.move_to_end(row)
        return dense


class _IndexedCsr(sp.csr_matrix):  # type: ignore[misc]
    """A CSR matrix whose single-element lookup `m[row, col]` is a binary search."""

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, tuple) and len(key) == 2 and _is_index(key[0]) and _is_index(key[1]):
            return _lookup(self, int(key[0]), int(key[1]))
        return super().__getitem__(key)


def _lookup(matrix: Any, major: int, minor: int) -> Any:
    """Element (major, minor) of a compressed matrix with sorted indices (scipy's value and dtype)."""
    n_major, n_minor = (
        (matrix.shape[1], matrix.shape[0]) if isinstance(matrix, sp.csc_matrix) else matrix.shape
    )
    if not (-n_major <= major < n_major and -n_minor <= minor < n_minor):
        raise IndexError("index out of bounds")
    major, minor = major % n_major, minor % n_minor
    lo, hi = int(matrix.indptr[major]), int(matrix.indptr[major + 1])
    i = lo + int(np.searchsorted(matrix.indices[lo:hi], minor))
    if i < hi and int(matrix.indices[i]) == minor:
        return matrix.data[i]
    return matrix.dtype.type(0)


class StoredRankingModel(RankingModel):
    """A RankingModel over stored arrays whose per-disease look-ups use the disease-sorted annotation index
    instead of scanning every annotation (same answers as `RankingModel`; tests/batch checks the rows)."""

    def _disease_lines(self, disease: int, aspect: int) -> list[int]:
        order, ptr = self._lines_by_disease
        lines = order[ptr[disease] : ptr[disease + 1]]
        return lines[self.kb.ann_aspect[lines] == aspect].tolist()  # type: ignore[no-any-return]

    def _own_terms(self, disease: int) -> set[int]:
        memo: dict[int, set[int]] = self.__dict__.setdefault("_own_terms_memo", {})
        if disease not in memo:
            memo[disease] = set(self.kb.ann_term[self._disease_lines(disease, 0)].tolist())
        return memo[disease]

    def lender_of(self, disease: int, term: int) -> str | None:
        """The Orphanet entry whose annotation `term` a disease borrowed (None if it is the disease's own)."""
        if term in self._own_terms(disease):
            return None
        for source in self.partners.get(disease, ()):
            if term in self._own_terms(source):
                return self.kb.disease_ids[source]
        return None

    def inheritance_labels(self, disease: int) -> list[str]:
        """Labels of the disease's mode-of-inheritance annotations."""
        kb = self.kb
        return sorted({kb.labels[t] for t in kb.ann_term[self._disease_lines(disease, 1)].tolist()})

    def onset_labels(self, disease: int) -> list[str]:
        """Labels of the disease's onset annotations (aspect C, under Onset)."""
        from ipexpath.suspect import clinical

        kb = self.kb
        terms = kb.ann_term[self._disease_lines(disease, 2)].tolist()
        return sorted({kb.labels[t] for t in terms if kb.term_ids[t] in clinical.ONSET_TERM_BINS})


def model_arrays(model: RankingModel) -> dict[str, np.ndarray]:
    """Every array a ranking needs, the lazily computed ones included, under flat names."""
    out: dict[str, np.ndarray] = {}
    for name in _MATRICES:
        _put_matrix(out, name, getattr(model, name))
    _put_matrix(out, "direct_rows", model.direct_rows)
    _put_matrix(out, "propagated_rows", model.propagated.tocsr())
    _put_matrix(out, "negated_rows", model.negated_rows)
    for name in _VECTORS:
        out[name] = np.asarray(getattr(model, name))
    keys = sorted(model.partners)
    out["partners.keys"] = np.asarray(keys, dtype=np.int64)
    out["partners.ptr"] = np.cumsum([0] + [len(model.partners[k]) for k in keys]).astype(np.int64)
    out["partners.values"] = np.asarray([v for k in keys for v in model.partners[k]], dtype=np.int64)
    groups = model.groups
    out["groups.group_of"] = np.asarray(groups.group_of)
    out["groups.ptr"] = np.cumsum([0] + [len(m) for m in groups.members]).astype(np.int64)
    out["groups.members"] = np.asarray([d for m in groups.members for d in m], dtype=np.int64)
    out["groups.has_omim"] = np.asarray(groups.has_omim)
    out["null_log10_lr"] = np.asarray(model.null_log10_lr)
    order, ptr = model._lines_by_disease
    out["lines.order"], out["lines.ptr"] = order, ptr
    profiles = model.case_profiles
    if profiles is not None:
        for name in _PROFILE_MATRICES:
            _put_matrix(out, f"profiles.{name}", getattr(profiles, name))
        for name in _PROFILE_VECTORS:
            out[f"profiles.{name}"] = np.asarray(getattr(profiles, name))
    return out


def model_from_arrays(
    kb: KnowledgeBase, params: ModelParameters, arrays: dict[str, np.ndarray]
) -> RankingModel:
    """A RankingModel over stored (memory-mapped) arrays, its lazily computed members filled in."""
    partners = {
        int(k): tuple(int(v) for v in arrays["partners.values"][lo:hi])
        for k, lo, hi in zip(
            arrays["partners.keys"].tolist(),
            arrays["partners.ptr"][:-1].tolist(),
            arrays["partners.ptr"][1:].tolist(),
            strict=True,
        )
    }
    profiles = None
    if "profiles.n_patients" in arrays:
        kinds = {"direct": sp.csc_matrix, "propagated": sp.csc_matrix}
        profiles = CaseProfiles(
            **{
                n: _get_matrix(arrays, f"profiles.{n}", kinds.get(n, sp.csr_matrix))
                for n in _PROFILE_MATRICES
            },
            **{n: arrays[f"profiles.{n}"] for n in _PROFILE_VECTORS},
        )
    fields: dict[str, Any] = {n: _get_matrix(arrays, n, sp.csc_matrix) for n in _MATRICES}
    fields.update({n: arrays[n] for n in _VECTORS})
    evidence = shipped_similar_evidence() if profiles is not None else None
    model = StoredRankingModel(
        kb=kb,
        params=params,
        partners=partners,
        case_knowledge=None,
        case_profiles=profiles,
        similar_evidence=evidence,
        **fields,
    )
    ptr = arrays["groups.ptr"].tolist()
    members = arrays["groups.members"].tolist()
    groups = DiseaseGroups(
        group_of=arrays["groups.group_of"],
        members=tuple(tuple(members[lo:hi]) for lo, hi in itertools.pairwise(ptr)),
        has_omim=arrays["groups.has_omim"],
    )
    lazy = model.__dict__  # functools.cached_property values live in the instance dictionary
    lazy["groups"] = groups
    lazy["null_log10_lr"] = arrays["null_log10_lr"]
    lazy["direct_rows"] = _get_matrix(arrays, "direct_rows", sp.csr_matrix)
    lazy["negated_rows"] = _get_matrix(arrays, "negated_rows", sp.csr_matrix)
    lazy["_lines_by_disease"] = (arrays["lines.order"], arrays["lines.ptr"])
    if isinstance(model.propagated, _IndexedCsc):
        rows = _get_matrix(arrays, "propagated_rows", sp.csr_matrix)
        if rows.shape != model.propagated.shape:
            raise ValueError("model store propagated_rows does not fit propagated")
        model.propagated.attach_rows(rows)
    return model


def save_model(model: RankingModel, path: Path) -> None:
    """Write the model's arrays as a checksummed folder of `.npy` files (all or nothing)."""
    manifest = {
        "store_format": STORE_FORMAT,
        "model_version": MODEL_VERSION,
        "release": model.kb.release_label,
        "n_diseases": model.n_diseases,
        "n_terms": model.kb.n_terms,
    }
    write_array_folder(path, model_arrays(model), manifest)


def load_model(kb: KnowledgeBase, params: ModelParameters, path: Path) -> RankingModel:
    """The model stored at `path`, memory-mapped; ValueError if it is damaged or does not fit `kb`."""
    arrays, manifest = read_array_folder(path)
    expected = (STORE_FORMAT, MODEL_VERSION, kb.release_label, kb.n_diseases, kb.n_terms)
    found = tuple(
        manifest.get(k) for k in ("store_format", "model_version", "release", "n_diseases", "n_terms")
    )
    if found != expected:
        raise ValueError(f"model store is for {found}, not {expected}")
    try:
        model = model_from_arrays(kb, params, arrays)
    except (KeyError, ValueError, TypeError) as exc:
        raise ValueError(f"model store is incomplete or malformed: {exc}") from exc
    _check_model(model)
    return model


def _check_model(model: RankingModel) -> None:
    """Shapes fit the knowledge base and every sparse index is in range (a crafted store cannot misdirect)."""
    n_d, n_t = model.n_diseases, model.kb.n_terms
    for name in _MATRICES:
        matrix = getattr(model, name)
        if matrix.shape != (n_d, n_t):
            raise ValueError(f"model store matrix {name} has shape {matrix.shape}")
        matrix.check_format(full_check=True)
    for name in _VECTORS:
        if len(getattr(model, name)) not in (n_d, n_t, len(model.onset_background)):
            raise ValueError(f"model store vector {name} has the wrong length")
    groups = model.groups
    if len(groups.group_of) != n_d or (
        len(groups.group_of) and int(np.max(groups.group_of)) >= groups.n_groups
    ):
        raise ValueError("model store disease groups do not fit the knowledge base")
    if any(d < 0 or d >= n_d for m in groups.members for d in m):
        raise ValueError("model store disease groups point outside the knowledge base")


def model_for_rank(kb: KnowledgeBase, hpo_dir: Path | None, *, similar: bool) -> RankingModel:
    """The shipped ranking model for one `rank` call: the machine's stored arrays (milliseconds once stored)
    and, when similar patients are listed, the published patients they are read from (the same rows the
    stored profiles were built from: the store's fingerprint covers the case files)."""
    from ipexpath.knowledge.cache import cache_path
    from ipexpath.knowledge.case_knowledge import load_case_knowledge
    from ipexpath.knowledge.release import locate_release

    kb_cache = cache_path(locate_release(hpo_dir))
    model = shared_model(kb, kb_cache if kb_cache.is_dir() else None)
    profiles = model.case_profiles
    if similar and model.case_knowledge is None and profiles is not None:
        knowledge = load_case_knowledge(kb)
        rows = profiles.case_rows
        if knowledge is not None and (rows.size == 0 or int(rows.max()) < knowledge.n_cases):
            object.__setattr__(model, "case_knowledge", knowledge)  # a frozen dataclass
    return model


def shared_model(
    kb: KnowledgeBase, kb_cache: Path | None, params: ModelParameters | None = None
) -> RankingModel:
    """The ranking model from the machine's store (built and stored on first use); a fresh build when the
    knowledge base has no cache folder or the store cannot be written."""
    params = params or ModelParameters()
    if kb_cache is None:
        return RankingModel.build(kb, params)
    path = store_path(kb_cache, params)
    if path.exists() or path.is_symlink():
        try:
            return load_model(kb, params, path)
        except ValueError as exc:
            log.warning("The stored ranking model %s is not used (%s); rebuilding it.", path, exc)
            remove_cache(path)
    model = RankingModel.build(kb, params)
    try:
        save_model(model, path)
    except OSError as exc:
        log.warning("Could not store the ranking model in %s (%s); continuing without it.", path, exc)
        return model
    return load_model(kb, params, path)
