"""`ipexpath rank --batch CASES --out RESULTS.jsonl`: the batch path of `rank` (options and output only)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ipexpath.commands.options import emit_json
from ipexpath.errors import InputError

F = TypeVar("F", bound=Callable[..., Any])
_NAMES = ("batch", "out", "scheduler", "workers", "compare")


def batch_options(func: F) -> F:
    """Add --batch, --out, --scheduler, --workers and --compare to `rank`."""
    decorators = [
        click.option(
            "--batch",
            type=click.Path(path_type=Path),
            default=None,
            help="Rank many cases: a .jsonl(.gz) file of phenopackets or a folder of .json files.",
        ),
        click.option(
            "--out",
            type=click.Path(path_type=Path),
            default=None,
            help="With --batch: results file (one JSON line per case; rerun resumes).",
        ),
        click.option(
            "--scheduler",
            default="local",
            show_default=True,
            help="With --batch: local, dask-local or dask://HOST:PORT.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(1, 512),
            default=2,
            show_default=True,
            help="With --batch: worker processes (local or dask-local).",
        ),
        click.option(
            "--compare",
            type=click.Path(path_type=Path),
            default=None,
            help="With --batch: a previous results file; list cases whose top-1 or IPEX rank changed.",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def run_if_batch(options: dict[str, Any], top: int, hpo_dir: Path | None, as_json: bool) -> bool:
    """Run the batch path when --batch was given (and pop the batch options either way)."""
    batch = {name: options.pop(name, None) for name in _NAMES}
    if batch["batch"] is None:
        if batch["out"] is not None or batch["compare"] is not None:
            raise InputError("--out and --compare go with --batch CASES.")
        return False
    if batch["out"] is None:
        raise InputError("--batch needs --out RESULTS.jsonl.")
    from ipexpath.batch.run import compare, run_batch

    summary = run_batch(
        batch["batch"],
        batch["out"],
        top=top,
        scheduler=batch["scheduler"],
        workers=batch["workers"],
        hpo_dir=hpo_dir,
    )
    changes = compare(batch["compare"], batch["out"]) if batch["compare"] else None
    if as_json:
        emit_json(
            {
                "ranked": summary.ranked,
                "already_done": summary.skipped_done,
                "errors": summary.errors,
                "out": batch["out"].name,
                "changes": [c.to_dict() for c in changes] if changes is not None else None,
            }
        )
        return True
    click.echo(
        f"Ranked {summary.ranked:,} case(s) into {batch['out']} ({summary.skipped_done:,} already there, "
        f"{summary.errors:,} could not be ranked — see their 'error' lines)."
    )
    if changes is not None:
        click.echo(f"{len(changes)} change(s) against {batch['compare'].name}:")
        for c in changes:
            click.echo(f"  {c.case_id}: {c.what} {c.before} → {c.after}")
    return True
