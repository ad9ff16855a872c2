"""`ipexpath rank CASE`: the differential diagnosis — every disease ranked, IPEX / IPEX-like flagged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ipexpath.batch.model_store import model_for_rank
from ipexpath.case import require_observed
from ipexpath.commands.batch_rank import batch_options, run_if_batch
from ipexpath.commands.case_input import case_from_options, case_options, pop_case_options
from ipexpath.commands.options import emit_json, hpo_dir_option, json_option
from ipexpath.knowledge import require_knowledge
from ipexpath.numbers import percent
from ipexpath.suspect import Differential, DiseaseScore, Method, rank_case


@click.command("rank")
@case_options
@click.option(
    "--top",
    type=click.IntRange(0, None),
    default=10,
    show_default=True,
    help="Number of diseases to list (IPEX and IPEX-like disorders are always listed).",
)
@click.option(
    "--method",
    type=click.Choice([m.value for m in Method]),
    default=Method.LR.value,
    show_default=True,
    help="lr: likelihood-ratio model; phenomizer: Resnik similarity baseline.",
)
@click.option(
    "--explain/--no-explain",
    default=True,
    show_default=True,
    help="Show the per-term explanation in the text output.",
)
@click.option(
    "--similar",
    type=click.IntRange(0, 50),
    default=5,
    show_default=True,
    help="Number of similar published patients to list (with disease, gene and publication).",
)
@batch_options
@hpo_dir_option
@json_option
def command(
    top: int, method: str, explain: bool, similar: int, hpo_dir: Path | None, as_json: bool, **kwargs: Any
) -> None:
    """Rank every disease of the HPO annotations for CASE (a phenopacket or YAML form, or flags).

    Posterior probabilities assume a uniform prior over all diseases ranked; the log10 likelihood ratio
    and the per-term explanation show why a disease is where it is. Decision support, not a diagnosis.
    """
    if run_if_batch(kwargs, top, hpo_dir, as_json):
        return
    kb = require_knowledge(hpo_dir)
    case = case_from_options(kb, pop_case_options(kwargs))
    require_observed(case)
    model = model_for_rank(kb, hpo_dir, similar=similar > 0)
    differential = rank_case(model, case, top=top, method=Method(method), similar=similar)
    if as_json:
        data = differential.to_dict()
        data["case"] = case.to_dict()
        emit_json(data)
        return
    click.echo(render(differential, explain=explain))


def _line(row: DiseaseScore) -> str:
    flag = f"  [{row.flag.value}]" if row.flag else ""
    genes = f" ({', '.join(row.genes)})" if row.genes else ""
    xref = f"\n        also {', '.join(row.cross_references)}" if row.cross_references else ""
    scored = f"; scored on the annotations of {row.scored_as}" if row.scored_as else ""
    return (
        f"{row.rank:>5}. {row.disease_id:<14} {row.name}{genes}{flag}{xref}{scored}\n"
        f"        posterior {percent(row.posterior)}   log10 LR {row.log10_lr:+.2f}"
    )


def _explain(row: DiseaseScore) -> list[str]:
    lines = []
    for e in row.explanation:
        target = f" ~ {e.disease_term} {e.disease_term_label}" if e.disease_term else ""
        freq = ""
        if e.frequency is not None:
            stated = f"{e.frequency_source}; " if e.frequency_source else ""
            freq = f" ({stated}model {e.frequency:.2f})"
        if e.borrowed_from:
            freq += f" [borrowed from Orphanet entry {e.borrowed_from}]"
        match = e.match.value.replace("_", " ")
        lines.append(f"          {e.term} {e.label}: {match}{target}{freq}  LR {e.lr:.3g}")
    lines += [f"          {f.name}: LR {10**f.log10_lr:.3g} — {f.reason}" for f in row.factors]
    return lines


def render(diff: Differential, *, explain: bool = True) -> str:
    """Text view of the differential."""
    out = [
        f"Differential for {diff.case_id} ({diff.method.value} model, HPO {diff.hpo_version}); "
        f"{diff.n_observed} observed / {diff.n_excluded} excluded terms; uniform prior "
        f"1/{diff.n_diseases} over all diseases."
    ]
    out += [f"Note: {n}" for n in diff.notes]
    for row in diff.results:
        out.append(_line(row))
        if explain:
            out += _explain(row)
    shown = {r.disease_id for r in diff.results}
    extra = [r for r in diff.ipex_rows if r.disease_id not in shown]
    if extra:
        out.append("IPEX and IPEX-like disorders outside the top list:")
        for row in extra:
            out.append(_line(row))
            if explain and row.flag and row.flag.value == "IPEX":
                out += _explain(row)
    cal = diff.calibration
    out.append(
        "Not explained by any disease of the knowledge base: posterior "
        f"{percent(diff.unexplained_posterior)} "
        f"(calibrated posteriors: LR^(1/{cal.temperature:g}) with an 'unexplained' row, fitted on "
        "publication-grouped cross-validation)."
    )
    if diff.ipex_like_share:
        out.append(f"IPEX-like share: {diff.ipex_like_share}")
    if diff.similar_patients:
        out.append("Similar published patients (information-content-weighted similarity):")
        for p in diff.similar_patients:
            gene = f", {p.gene}" if p.gene else ""
            shared = f"; shared: {', '.join(p.shared)}" if p.shared else ""
            out.append(
                f"  {p.similarity:.2f}  {p.case_id}: {p.disease_id} {p.disease_name}{gene} — {p.pmid} "
                f"{p.link}{shared}"
            )
    out.append("Decision support only: a ranked differential from phenotype, not a diagnosis.")
    return "\n".join(out)
