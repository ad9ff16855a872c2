"""`ipexpath demo`: run `assess` on the bundled fictional example family and say where the reports are."""

from __future__ import annotations

from pathlib import Path

import click

from ipexpath.commands.assess import DEFAULT_OUT, document_options, show_assessment
from ipexpath.commands.options import hpo_dir_option, json_option
from ipexpath.knowledge import require_knowledge


@click.command("demo")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder for the example's report.html, leaflet.html and assessment.json.",
)
@document_options
@hpo_dir_option
@json_option
def command(
    out_dir: Path,
    hpo_dir: Path | None,
    as_json: bool,
    pdf: bool,
    requested_by: str | None,
    released_by: str | None,
) -> None:
    """Assess the bundled, fictional example family (an infant boy with IPEX features); opens nothing."""
    from ipexpath.case import read_case
    from ipexpath.report import example_inputs, run_assessment, write_outputs
    from ipexpath.report.output import check_out_folder
    from ipexpath.report.views import DocumentOptions

    check_out_folder(out_dir)  # before the work, not after it
    kb = require_knowledge(hpo_dir)
    example = example_inputs()
    case = read_case(example.case, kb)
    assessment = run_assessment(kb, case, vcf=example.available_vcf(), family=example.family)
    options = DocumentOptions(requested_by=requested_by, released_by=released_by)
    outputs = write_outputs(assessment, out_dir, options, pdf=pdf)
    if not as_json:
        click.echo("Example: a FICTIONAL family shipped with ipexpath (not real people).")
    show_assessment(assessment, outputs, as_json)
