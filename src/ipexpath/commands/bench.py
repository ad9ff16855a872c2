"""`ipexpath bench CASES`: rank the true diagnosis of published cases (LR model and Phenomizer baseline)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ipexpath.commands.options import emit_json, hpo_dir_option, json_option
from ipexpath.errors import InputError
from ipexpath.files import atomic_write_text, refuse_stdin, safe_text
from ipexpath.knowledge import require_knowledge
from ipexpath.suspect.benchmark import run_cv, summarise


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
    type=click.Choice(["all", "both", "lr", "lr_no_cases", "phenomizer"]),
    default="all",
    show_default=True,
    help="Methods: lr (the shipped model, case knowledge cross-validated), lr_no_cases (annotations only), "
    "phenomizer (Resnik baseline), or all side by side ('both' = all).",
)
@click.option(
    "--folds",
    type=click.IntRange(2, 20),
    default=5,
    show_default=True,
    help="Cross-validation folds, grouped by publication: each fold is ranked by a model whose case "
    "knowledge was learnt from the other folds only.",
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
    folds: int,
    limit: int | None,
    hpo_dir: Path | None,
    as_json: bool,
) -> None:
    """Benchmark on CASES (.jsonl / .jsonl.gz of phenopackets, or a folder of phenopacket .json files).

    Only observed / excluded terms, sex and ages are used for ranking; the interpretation is read only to
    know the truth. Ranks count diseases with an OMIM entry, ties pessimistic. The case knowledge is
    cross-validated by publication on CASES and the curated patients (which are also ranked: the
    "IPEX spectrum" strata); figures are never computed on cases the model learnt from.
    """
    if out is not None and out.is_dir():
        raise InputError(f"--out '{out}' is a folder.", "Give a file name ending in .jsonl.")
    kb = require_knowledge(hpo_dir)
    methods: tuple[str, ...] = ("lr", "lr_no_cases", "phenomizer") if method in ("all", "both") else (method,)
    refuse_stdin(cases, "file of cases", "it is a .jsonl(.gz) file or a folder, read more than once")
    if not cases.exists():
        raise InputError(f"The benchmark cases '{cases}' do not exist.", "Check the path.")
    if not (cases.is_dir() or cases.name.endswith((".jsonl", ".jsonl.gz"))):
        raise InputError(
            f"'{cases}' is neither a .jsonl / .jsonl.gz file nor a folder.",
            "Give one phenopacket per line in a .jsonl(.gz) file, or a folder of phenopacket .json files.",
        )
    _check_before_the_run(cases, out, summary_path, limit)
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
        rows, seconds = run_cv(
            cases,
            kb,
            folds=folds,
            methods=methods,
            workers=workers,
            limit=limit,
            progress=lambda n: bar.advance(task, n),
        )
    if not rows:
        raise InputError(f"No cases found in '{cases}'.")
    summary = summarise(rows, seconds, kb.release_label, methods)
    if not summary["rankable"]:
        problems = ", ".join(f"{k} {v}" for k, v in sorted((summary.get("problems") or {}).items()))
        raise InputError(
            f"No case in '{cases}' could be ranked against a known diagnosis"
            + (f" ({problems})." if problems else "."),
            "Each line must be a Phenopacket v2 with phenotypicFeatures and an interpretation's diagnosis.",
        )
    if out is not None:
        atomic_write_text(out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    if summary_path is not None:
        atomic_write_text(summary_path, json.dumps(summary, indent=2) + "\n")
    if as_json:
        emit_json(summary)
        return
    click.echo(render_summary(summary))


def _check_before_the_run(
    cases: Path, out: Path | None, summary_path: Path | None, limit: int | None
) -> None:
    """Refuse, before the (long) run: output places that cannot be written or are the same file, and a file
    of cases that holds no readable case (each was found only after the cross-validation had run)."""
    from ipexpath.files import check_output_file
    from ipexpath.suspect.benchmark import iter_cases

    if out is not None and summary_path is not None and out.absolute() == summary_path.absolute():
        raise InputError(
            f"--out and --summary both name '{safe_text(out)}'; the summary would replace the per-case "
            "results.",
            "Give the two outputs different file names.",
        )
    readable = 0
    reasons: list[str] = []
    for n, raw in enumerate(iter_cases(cases), start=1):
        if raw.packet is not None:
            readable += 1
            break
        if len(reasons) < 3:
            reasons.append(f"{raw.where}: {safe_text(raw.error, 120).rstrip('.')}")
        if limit is not None and n >= limit:
            break
    if not readable:
        said = f" ({'; '.join(reasons)})" if reasons else " (it is empty or only blank lines)"
        raise InputError(
            f"The file of cases '{safe_text(cases)}' holds no readable case{said}.",
            "Give one Phenopacket v2 per line (with phenotypicFeatures and an interpretation's diagnosis).",
        )
    for path, what in ((out, "--out file"), (summary_path, "--summary file")):  # after CASES was opened,
        if path is not None:  # so that an output naming the file of cases is refused
            check_output_file(path, what)


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
        lines.append(f"\n{name}:   {'stratum':<24}{'n':>6}{'top1':>8}{'top3':>8}{'top10':>8}{'mrr':>8}")
        for stratum, s in strata.items():
            if "n" not in s:
                lines.append(
                    f"{'':<8}{stratum:<24}{s['n_diseases']:>6}"
                    + "".join(f"{s[k]:>8.3f}" for k in ("top1", "top3", "top10", "mrr"))
                )
                continue
            if not s["n"]:
                continue
            lines.append(
                f"{'':<8}{stratum:<24}{s['n']:>6}"
                + "".join(f"{s[k]:>8.3f}" for k in ("top1", "top3", "top10", "mrr"))
            )
    lines.append(render_calibration(summary.get("calibration") or {}))
    return "\n".join(lines)


def render_calibration(calibration: dict[str, Any]) -> str:
    """Reliability table (top posterior by decile bin) before and after calibration, and the ECE."""
    if not calibration:
        return ""
    before, after = calibration["before"], calibration["after_cv"]
    fitted = calibration["fitted_on_all_folds"]
    lines = [
        "",
        f"Calibration of the top posterior (lr, {before['n']} cases with a diagnosis; after = temperature, "
        "unexplained mass per band of the number of findings, fitted on the other folds):",
        f"  ECE before {before['ece']:.3f}, after {after['ece']:.3f} "
        f"(rankable only: {calibration['rankable_before']['ece']:.3f} → "
        f"{calibration['rankable_after_cv']['ece']:.3f}; one temperature for all cases: "
        f"{calibration['after_cv_single']['ece']:.3f})",
        "  fitted on all folds: "
        + "; ".join(
            f"{b['findings']} findings T = {b['temperature']}, u = {b['unexplained_log10_lr']}"
            for b in fitted.get("by_findings", [])
        ),
        f"  {'posterior':<10}{'n':>7}{'mean':>8}{'top-1':>8}   |{'n':>7}{'mean':>8}{'top-1':>8}",
    ]
    for b, a in zip(before["table"], after["table"], strict=True):

        def cells(row: dict[str, Any]) -> str:
            if not row["n"]:
                return f"{0:>7}{'':>8}{'':>8}"
            return f"{row['n']:>7}{row['mean_posterior']:>8.3f}{row['top1_accuracy']:>8.3f}"

        lines.append(f"  {b['bin']:<10}{cells(b)}   |{cells(a)}")
    return "\n".join(lines)
