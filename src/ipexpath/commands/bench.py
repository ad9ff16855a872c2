"""`ipexpath bench CASES`: rank the true diagnosis of published cases (LR model and Phenomizer baseline)."""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ipexpath.commands.options import emit_json, hpo_dir_option, json_option
from ipexpath.errors import InputError
from ipexpath.files import atomic_write_text
from ipexpath.knowledge import require_knowledge
from ipexpath.suspect.benchmark import iter_cases, run, summarise
from ipexpath.suspect.model import RankingModel


@click.command("bench")
@click.argument("cases", type=click.Path(path_type=Path))
@click.option(
    "--out", "out", type=click.Path(path_type=Path), default=None, help="Per-case results (.jsonl)."
)
@click.option(
    "--summary", "summary_path", type=click.Path(path_type=Path), default=None, help="Summary JSON file."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes (each scores a share of the cases).",
)
@click.option(
    "--method",
    type=click.Choice(["both", "lr", "phenomizer"]),
    default="both",
    show_default=True,
    help="Methods to run: the LR model, the Phenomizer-style baseline, or both side by side.",
)
@click.option("--limit", type=click.IntRange(1, None), default=None, help="Only the first N cases.")
@hpo_dir_option
@json_option
def command(
    cases: Path,
    out: Path | None,
    summary_path: Path | None,
    workers: int,
    method: str,
    limit: int | None,
    hpo_dir: Path | None,
    as_json: bool,
) -> None:
    """Benchmark on CASES (.jsonl / .jsonl.gz of phenopackets, or a folder of phenopacket .json files).

    Only observed / excluded terms, sex and ages are used for ranking; the interpretation is read only to
    know the truth. Ranks count OMIM diseases, ties pessimistic.
    """
    if out is not None and out.is_dir():
        raise InputError(f"--out '{out}' is a folder.", "Give a file name ending in .jsonl.")
    kb = require_knowledge(hpo_dir)
    model = RankingModel.build(kb)
    methods: tuple[str, ...] = ("lr", "phenomizer") if method == "both" else (method,)
    raw = itertools.islice(iter_cases(cases), limit)  # streamed: the cases are never all in memory
    console = Console(stderr=True)
    with Progress(
        TextColumn("ranking"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not sys.stderr.isatty(),
    ) as bar:
        task = bar.add_task("bench", total=None)
        rows, seconds = run(
            raw, model, methods=methods, workers=workers, progress=lambda n: bar.advance(task, n)
        )
    if not rows:
        raise InputError(f"No cases found in '{cases}'.")
    summary = summarise(rows, seconds, kb.release_label, methods)
    if out is not None:
        atomic_write_text(out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    if summary_path is not None:
        atomic_write_text(summary_path, json.dumps(summary, indent=2) + "\n")
    if as_json:
        emit_json(summary)
        return
    click.echo(render_summary(summary))


def render_summary(summary: dict[str, Any]) -> str:
    """Text table of the strata for every method."""
    lines = [
        f"{summary['cases']} cases, {summary['rankable']} rankable (truth in HPO {summary['hpo_version']}), "
        f"{summary['cases_per_second']} cases/s"
    ]
    problems = summary.get("problems") or {}
    if problems:
        lines.append("Problems: " + ", ".join(f"{k} {v}" for k, v in sorted(problems.items())))
    methods = summary["methods"]
    assert isinstance(methods, dict)
    for name, strata in methods.items():
        lines.append(f"\n{name}:   {'stratum':<16}{'n':>6}{'top1':>8}{'top3':>8}{'top10':>8}{'mrr':>8}")
        for stratum, s in strata.items():
            if "n" not in s:
                lines.append(
                    f"{'':<8}{stratum:<16}{s['n_diseases']:>6}"
                    + "".join(f"{s[k]:>8.3f}" for k in ("top1", "top3", "top10", "mrr"))
                )
                continue
            if not s["n"]:
                continue
            lines.append(
                f"{'':<8}{stratum:<16}{s['n']:>6}"
                + "".join(f"{s[k]:>8.3f}" for k in ("top1", "top3", "top10", "mrr"))
            )
    return "\n".join(lines)
