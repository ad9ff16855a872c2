"""`ipexpath rank --batch CASES --out RESULTS.jsonl`: the batch path of `rank` (options and output only)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ipexpath.commands.options import emit_json, warn
from ipexpath.errors import InputError
from ipexpath.files import check_input_file, check_output_file, safe_text

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
            help="With --batch: results file (a JSON line per case; a rerun resumes, retrying failed cases).",
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


_SINGLE_CASE_ONLY = (
    "case_file",
    "hpo",
    "excluded",
    "sex",
    "age",
    "onset",
    "text",
    "hsct",
    "deceased",
    "method",
    "explain",
    "similar",
)


def run_if_batch(options: dict[str, Any], top: int, hpo_dir: Path | None, as_json: bool) -> bool:
    """Run the batch path when --batch was given (and pop the batch options either way).

    Everything is checked before the first case is ranked: a single case or single-case option next to
    --batch (it would be ignored), the --compare file, and a place where --out can be written."""
    batch = {name: options.pop(name, None) for name in _NAMES}
    if batch["batch"] is None:
        if batch["out"] is not None or batch["compare"] is not None:
            raise InputError("--out and --compare go with --batch CASES.")
        return False
    ignored = _given_single_case_options()
    if ignored:
        raise InputError(
            f"{', '.join(ignored)} cannot be combined with --batch: the batch ranks each case of its file "
            "with the default model, so these would be ignored.",
            "Rank a single case without --batch, or put every case in the --batch file.",
        )
    if batch["out"] is None:
        raise InputError("--batch needs --out RESULTS.jsonl.")
    if batch["out"].is_dir():
        raise InputError(f"'{batch['out']}' is a folder; --out must be a .jsonl file.")
    previous = None
    if batch["compare"] is not None:
        check_input_file(batch["compare"], "--compare results file")
        if batch["out"].exists() and batch["out"].resolve() == batch["compare"].resolve():
            raise InputError(
                "--out and --compare name the same file: the earlier results would be resumed into, not "
                "compared with.",
                "Write the new run to another file.",
            )
    if batch["batch"].exists() and batch["out"].exists() and batch["out"].samefile(batch["batch"]):
        raise InputError(
            f"--out '{batch['out']}' is the --batch file of cases itself; it would be taken for results.",
            "Write the results to another file.",
        )
    check_output_file(batch["out"], "--out results file")
    from ipexpath.batch.run import PARTIAL_SUFFIX, compare, read_results, run_batch

    if batch["compare"] is not None:  # read before the run: a wrong file is said before any work
        previous = read_results(batch["compare"])

    out: Path = batch["out"]
    out.parent.mkdir(parents=True, exist_ok=True)
    new_file = not out.exists() and not out.with_name(out.name + PARTIAL_SUFFIX).exists()
    summary = run_batch(
        batch["batch"],
        out,
        top=top,
        scheduler=batch["scheduler"],
        workers=batch["workers"],
        hpo_dir=hpo_dir,
    )
    if summary.errors and not summary.ranked and not summary.skipped_done:
        reasons = _first_errors(out)
        if new_file:  # a file of nothing but errors is not a result: it is not left behind
            out.unlink(missing_ok=True)
        raise InputError(
            f"None of the {summary.errors:,} case(s) in '{safe_text(batch['batch'])}' could be ranked"
            + ("; nothing was written" if new_file else f"; {safe_text(out)} holds one 'error' line each")
            + f". {reasons}",
            "Each line must be a Phenopacket v2 with phenotypicFeatures (HPO terms).",
        )
    _warn_contradictions(summary.contradictions)
    changes = compare(previous, batch["out"]) if previous is not None else None
    if as_json:
        emit_json(
            {
                "ranked": summary.ranked,
                "already_done": summary.skipped_done,
                "errors": summary.errors,
                "retried": summary.retried,
                "both_observed_and_excluded": [c.to_dict() for c in summary.contradictions],
                "out": batch["out"].name,
                "changes": [c.to_dict() for c in changes] if changes is not None else None,
            }
        )
        return True
    click.echo(
        f"Ranked {summary.ranked:,} case(s) into {batch['out']} ({summary.skipped_done:,} already there, "
        f"{summary.errors:,} could not be ranked — see their 'error' lines)."
    )
    if summary.contradictions:
        cases = len({c.case_id for c in summary.contradictions})
        click.echo(
            f"{len(summary.contradictions):,} term(s) in {cases:,} case(s) were listed both as observed and "
            "as excluded; each was kept as observed (published cases are ranked as written) and is named "
            "in its case's 'warnings'."
        )
    if summary.retried:
        click.echo(
            f"{summary.retried:,} case(s) that could not be ranked in an earlier run were tried again "
            "(a failed case is never counted as done)."
        )
    if changes is not None:
        click.echo(f"{len(changes)} change(s) against {batch['compare'].name}:")
        for c in changes:
            click.echo(f"  {c.case_id}: {c.what} {c.before} → {c.after}")
    return True


def _given_single_case_options() -> list[str]:
    """The single-case arguments and options that were given on the command line (not left at default)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return []
    given = []
    for param in ctx.command.params:
        if param.name in _SINGLE_CASE_ONLY:
            source = ctx.get_parameter_source(param.name)
            if source not in (None, click.core.ParameterSource.DEFAULT):
                given.append(
                    "CASE" if param.name == "case_file" else "/".join(param.opts + param.secondary_opts)
                )
    return given


MAX_WARNINGS_SHOWN = 10  # a published batch may hold many contradictions: the rest are counted, not listed


def _warn_contradictions(contradictions: list[Any]) -> None:
    """One warning per term kept as observed though also excluded, naming the case (at most ten lines)."""
    for item in contradictions[:MAX_WARNINGS_SHOWN]:
        warn(safe_text(item.describe()))
    if len(contradictions) > MAX_WARNINGS_SHOWN:
        warn(f"… and {len(contradictions) - MAX_WARNINGS_SHOWN:,} more (see the 'warnings' of their lines).")


def _first_errors(out: Path, limit: int = 3) -> str:
    """The reasons of the first `limit` 'error' lines of a results file, as one sentence."""
    import json

    reasons: list[str] = []
    try:
        with out.open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                if isinstance(row, dict) and "error" in row:
                    reasons.append(
                        f"{safe_text(row.get('id'), 80)}: {safe_text(row['error'], 200).rstrip('.')}"
                    )
                if len(reasons) == limit:
                    break
    except (OSError, ValueError):
        return ""
    return ("First reasons — " + "; ".join(reasons) + ".") if reasons else ""
