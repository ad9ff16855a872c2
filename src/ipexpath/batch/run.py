"""Run a batch re-ranking into a JSON-lines file: resumable, and a partial file never looks done."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipexpath.batch.rerank import (
    CaseInput,
    case_inputs,
    chunks,
    prepare_model,
    rank_lines,
    worker_environment,
)
from ipexpath.batch.schedulers import executor, parse_scheduler
from ipexpath.errors import InputError
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
    if next(iter_cases(cases), None) is None:  # an unreadable, wrong or empty CASES fails before --out
        raise InputError(
            f"The file of cases '{Path(cases).name}' holds no case (it is empty or only blank lines).",
            "Give one phenopacket per line.",
        )
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
                lines, errors = future.result()
                sink.write("".join(line + "\n" for line in lines))
                summary.ranked += len(lines) - errors
                summary.errors += errors
                bar.advance(len(lines))
            sink.flush()
    bar.close()
    os.replace(partial, out)
    return summary


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


def _todo(cases: Path, skip: set[str], summary: BatchSummary) -> Iterator[CaseInput]:
    """The cases still to rank; a case id used twice stops the run (results are kept by case id, so the
    second case would be taken as done, or mixed with the first, on a resume or --compare)."""
    seen: dict[str, str] = {}
    for raw in iter_cases(cases):
        item = next(case_inputs([raw]))
        if item.case_id in seen:
            raise InputError(
                f"The case id '{item.case_id}' is used twice in '{cases.name}' ({seen[item.case_id]} and "
                f"{raw.where}); results are kept by case id, so each case needs its own. The cases ranked "
                "so far are kept and a rerun resumes after the ids are corrected.",
                "Give each phenopacket its own 'id'.",
            )
        seen[item.case_id] = raw.where
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


def _rows(path: Path) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    try:
        with path.open(encoding="utf-8") as handle:
            for lineno, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                    rows[str(obj["id"])] = obj
                except (ValueError, KeyError, TypeError) as exc:
                    raise InputError(
                        f"{path.name}, line {lineno}: not a batch result line ({exc})."
                    ) from None
    except OSError as exc:
        raise InputError(f"'{path}' could not be read: {exc.strerror}.") from None
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


def compare(previous: Path, current: Path) -> list[Change]:
    """Cases present in both runs whose top-1 or any IPEX / IPEX-like rank changed."""
    old, new = _rows(previous), _rows(current)
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


__all__ = ["BatchSummary", "CaseInput", "Change", "compare", "done_ids", "run_batch"]
