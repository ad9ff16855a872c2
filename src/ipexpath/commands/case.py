"""`ipexpath case`: show the case as ipexpath understood it (terms with labels, ages, warnings)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ipexpath.case import Case, describe_days
from ipexpath.commands.case_input import case_from_options, case_options, pop_case_options
from ipexpath.commands.options import emit_json, hpo_dir_option, json_option
from ipexpath.knowledge import require_knowledge


@click.command("case")
@case_options
@hpo_dir_option
@json_option
def command(as_json: bool, hpo_dir: Path | None, **kwargs: Any) -> None:
    """Show CASE (a phenopacket or YAML form, or flags) as ipexpath understood it."""
    kb = require_knowledge(hpo_dir)
    case = case_from_options(kb, pop_case_options(kwargs))
    if as_json:
        emit_json(case.to_dict())
        return
    click.echo(render_case(case))


def render_case(case: Case) -> str:
    """A short text view of the case for the terminal."""
    lines = [
        f"Case {case.id}  (from {case.source}; HPO release {case.hpo_version})",
        f"  Sex: {case.sex.word}   Age: {describe_days(case.age_days)}   "
        f"Onset: {describe_days(case.onset_days)}",
    ]
    if case.death is not None:
        when = "" if case.death.age is None else f" at {describe_days(case.death.age.days)}"
        lines.append(f"  Deceased{when} (from {case.death.source})")
    for transplant in case.transplants:
        when = "" if transplant.age is None else f" at {describe_days(transplant.age.days)}"
        lines.append(f"  Stem cell transplant done{when} (from {transplant.source})")
    if case.family_history:
        lines.append(f"  Family history: {case.family_history}")
    lines.append(f"  Observed ({len(case.observed)}):")
    lines += [
        f"    {t.id}  {t.label}" + (f"  (given as {t.original_id})" if t.original_id else "")
        for t in case.observed
    ]
    lines.append(f"  Excluded ({len(case.excluded)}):")
    lines += [f"    {t.id}  {t.label}" for t in case.excluded]
    if case.findings:
        lines.append("  Notes:")
        lines += [
            f"    [{f.level.value}] {f.message}" + (f" — {f.suggestion}" if f.suggestion else "")
            for f in case.findings
        ]
    return "\n".join(lines)
