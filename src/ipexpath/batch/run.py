"""Run a batch re-ranking into a JSON-lines file: resumable, and a partial file never looks done."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ipexpath.batch.rerank import (
    CaseInput,
    Contradiction,
    case_inputs,
    chunks,
    prepare_model,
    rank_lines,
    worker_environment,
)
from ipexpath.batch.schedulers import executor, parse_scheduler
from ipexpath.errors import InputError, OutputError
from ipexpath.files import safe_text
from ipexpath.suspect.benchmark import iter_cases

PARTIAL_SUFFIX = ".partial"


@dataclass
class BatchSummary:
    """What a batch run did."""

    ranked: int = 0
    skipped_done: int = 0
    errors: int = 0
    retried: int = 0  # cases whose earlier run wrote an 'error' line, tried again in this run
    out: Path | None = None
    contradictions: list[Contradiction] = field(default_factory=list)  # kept as observed, named per case


def done_ids(path: Path) -> set[str]:
    """Ids already ranked in a results file (complete lines without 'error'; a failed case is not done)."""
    ids: set[str] = set()
    if not path.exists():
        return ids
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.endswith("\n"):
                break  # a line cut by a kill: rank that case again
            try:
                row = json.loads(line)
                if "error" not in row:
                    ids.add(str(row["id"]))
            except (ValueError, KeyError, TypeError):
                continue
    return ids


def _drop_failed(path: Path) -> int:
    """Remove the 'error' lines of a results file being resumed (those cases are ranked again, so each case
    keeps one line); returns how many were removed. Rewritten under a temporary name and renamed."""
    kept: list[str] = []
    dropped = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                failed = "error" in json.loads(line)
            except (ValueError, TypeError):
                failed = False
            if failed:
                dropped += 1
            else:
                kept.append(line)
    if dropped:
        from ipexpath.files import atomic_write_text

        atomic_write_text(path, "".join(kept))
    return dropped


def _truncate_incomplete(path: Path) -> None:
    data = path.read_bytes()
    cut = data.rfind(b"\n") + 1
    if cut != len(data):
        path.write_bytes(data[:cut])


def run_batch(
    cases: Path,
    out: Path,
    *,
    top: int = 10,
    scheduler: str = "local",
    workers: int = 2,
    hpo_dir: Path | None = None,
    progress: bool = True,
) -> BatchSummary:
    """Rank every case of `cases` not yet in `out`; results go to `out`.partial, renamed at the end."""
    kind, address = parse_scheduler(scheduler)
    if workers < 1:
        raise InputError("--workers must be at least 1.")
    out = Path(out)
    if out.is_dir():
        raise InputError(f"'{out}' is a folder; --out must be a .jsonl file.")
    partial = out.with_name(out.name + PARTIAL_SUFFIX)
    check_case_ids(cases)  # an unreadable, empty CASES or a case id used twice fails before any work
    env = worker_environment()
    hpo = str(hpo_dir) if hpo_dir else None
    if kind != "dask":
        prepare_model(hpo)  # build and store the model once here, so local workers only open the files
    finished_before = out.exists()
    if finished_before:
        os.replace(out, partial)  # resume on top of a finished file: new cases are appended, renamed back
    summary = BatchSummary(out=out)
    if partial.exists():
        _truncate_incomplete(partial)
        summary.retried = _drop_failed(partial)
    skip = done_ids(partial)
    todo = _todo(cases, skip, summary)
    bar = _Progress(progress)
    with (
        _write_problem_said(out, partial),
        _finished_file_kept(finished_before, partial, out),
        executor(kind, address, workers, env) as pool,
        partial.open("a", encoding="utf-8") as sink,
    ):
        pending: set[Any] = set()
        tasks = chunks(todo)
        window = 2 * workers
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < window:
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                pending.add(pool.submit(rank_lines, task, top, hpo))
            if not pending:
                break
            finished, pending = pool.wait_first(pending)
            for future in finished:
                result = future.result()
                sink.write("".join(line + "\n" for line in result.lines))
                summary.ranked += len(result.lines) - result.errors
                summary.errors += result.errors
                summary.contradictions += result.contradictions
                bar.advance(len(result.lines))
            sink.flush()
    bar.close()
    with _write_problem_said(out, partial):
        os.replace(partial, out)
    return summary


@contextlib.contextmanager
def _write_problem_said(out: Path, partial: Path) -> Iterator[None]:
    """A failed write of the results (full disk, no permission) as an `OutputError` that names the results
    file and says the ranked cases are kept under the `.partial` name, from which a rerun resumes."""
    try:
        yield
    except OutputError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS, errno.EIO):
            raise
        kept = (
            f" The cases ranked so far are kept in '{safe_text(partial.name)}' (the results file is written "
            "only when the run finishes)."
            if partial.exists()
            else ""
        )
        raise OutputError(
            f"Could not write the results '{safe_text(out)}': {exc.strerror or exc}.{kept}",
            "Free some space (or choose a writable folder) and run the same command again: it resumes "
            "where it stopped.",
        ) from None


@contextlib.contextmanager
def _finished_file_kept(finished_before: bool, partial: Path, out: Path) -> Iterator[None]:
    """On a failure or Ctrl-C, put a results file that was finished before the run back under its name
    (with the complete lines this run added), so a good file never disappears."""
    try:
        yield
    except BaseException:
        if finished_before and partial.exists():
            _truncate_incomplete(partial)
            os.replace(partial, out)
        raise


def check_case_ids(cases: Path) -> int:
    """Read the file of cases once before any work: refuse it when it holds no case, or when a case id is
    used twice (results are kept by case id, so the second case would be taken as done, or mixed with the
    first, on a resume or --compare). Returns the number of cases."""
    seen: dict[str, str] = {}
    duplicates: list[str] = []
    for raw in iter_cases(cases):
        item = next(case_inputs([raw]))
        first = seen.setdefault(item.case_id, raw.where)
        if first != raw.where:
            duplicates.append(f"'{safe_text(item.case_id, 80)}' ({first} and {raw.where})")
    if not seen:
        raise InputError(
            f"The file of cases '{safe_text(Path(cases).name)}' holds no case (it is empty or only blank "
            "lines).",
            "Give one phenopacket per line.",
        )
    if duplicates:
        more = f"; and {len(duplicates) - 5:,} more" if len(duplicates) > 5 else ""
        shown = "; ".join(duplicates[:5]) + more
        raise InputError(
            f"{len(duplicates):,} case id(s) are used twice in '{safe_text(Path(cases).name)}': {shown}. "
            "Results are kept by case id, so each case needs its own. Nothing was ranked.",
            "Give each phenopacket its own 'id'.",
        )
    return len(seen)


def _todo(cases: Path, skip: set[str], summary: BatchSummary) -> Iterator[CaseInput]:
    """The cases still to rank (their ids were checked to be unique by `check_case_ids`)."""
    for item in case_inputs(iter_cases(cases)):
        if item.case_id in skip:
            summary.skipped_done += 1
            continue
        yield item


class _Progress:
    """A case counter on stderr (only on a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.count = 0

    def advance(self, n: int) -> None:
        self.count += n
        if self.enabled:
            sys.stderr.write(f"\rranked {self.count:,} cases")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def read_results(path: Path, what: str = "--compare results file") -> dict[str, dict[str, Any]]:
    """The lines of a results file by case id; any line that is not a result is an `InputError` naming the
    file and the line (read with the package's JSON-lines reader: gzip, encodings and NUL bytes said)."""
    from ipexpath.files import iter_jsonl

    rows: dict[str, dict[str, Any]] = {}
    name = safe_text(Path(path).name)
    for lineno, obj in iter_jsonl(Path(path)):
        if isinstance(obj, InputError):
            raise InputError(f"The {what} {obj.message}", "Give a results file written by rank --batch.")
        if not isinstance(obj.get("id"), str | int):
            raise InputError(
                f"The {what} {name}, line {lineno}: not a batch result line (no case 'id').",
                "Give a results file written by rank --batch.",
            )
        rows[str(obj["id"])] = obj
    return rows


@dataclass(frozen=True)
class Change:
    """A case whose top-1 disease or IPEX / IPEX-like rank differs between two runs."""

    case_id: str
    what: str
    before: str
    after: str

    def to_dict(self) -> dict[str, str]:
        """JSON form."""
        return {"id": self.case_id, "what": self.what, "before": self.before, "after": self.after}


def compare(previous: Path | dict[str, dict[str, Any]], current: Path) -> list[Change]:
    """Cases present in both runs whose top-1 or any IPEX / IPEX-like rank changed (`previous`: a results
    file, or its lines already read with `read_results`, which the command does before the run)."""
    old = previous if isinstance(previous, dict) else read_results(previous)
    new = read_results(current, "results file")
    changes: list[Change] = []
    for case_id in sorted(set(old) & set(new)):
        a, b = old[case_id], new[case_id]
        top_a = (a.get("results") or [{}])[0].get("disease_id", "")
        top_b = (b.get("results") or [{}])[0].get("disease_id", "")
        if top_a != top_b:
            changes.append(Change(case_id, "top-1", top_a, top_b))
        ranks_a = {r["disease_id"]: r["rank"] for r in a.get("ipex_and_ipex_like", [])}
        ranks_b = {r["disease_id"]: r["rank"] for r in b.get("ipex_and_ipex_like", [])}
        for disease in sorted(set(ranks_a) | set(ranks_b)):
            if ranks_a.get(disease) != ranks_b.get(disease):
                changes.append(
                    Change(
                        case_id,
                        f"rank of {disease}",
                        str(ranks_a.get(disease, "-")),
                        str(ranks_b.get(disease, "-")),
                    )
                )
    return changes


__all__ = [
    "BatchSummary",
    "CaseInput",
    "Change",
    "Contradiction",
    "check_case_ids",
    "compare",
    "done_ids",
    "run_batch",
]
