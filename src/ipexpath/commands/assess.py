"""`ipexpath assess`: the whole pathway for one case → report.html, leaflet.html and assessment.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ipexpath.case import require_observed
from ipexpath.commands.case_input import case_from_options, case_options, pop_case_options
from ipexpath.commands.options import emit_json, hpo_dir_option, json_option, person_name
from ipexpath.knowledge import require_knowledge

if TYPE_CHECKING:
    from ipexpath.conclusions import Assessment
    from ipexpath.report.output import Outputs

DEFAULT_OUT = Path("ipexpath-output")


def document_options(func: Any) -> Any:
    """--pdf, --requested-by and --released-by (shared by `assess` and `demo`)."""
    func = click.option(
        "--released-by",
        default=None,
        metavar="NAME",
        callback=person_name,
        help="Clinician who reviewed and released the family leaflet (otherwise it is marked as a draft).",
    )(func)
    func = click.option(
        "--requested-by",
        default=None,
        metavar="NAME",
        callback=person_name,
        help="Who requested the assessment (shown on page 1).",
    )(func)
    return click.option("--pdf", is_flag=True, help="Also write report.pdf (the report as printed, A4).")(
        func
    )


@click.command("assess")
@case_options
@click.option(
    "--vcf",
    type=click.Path(path_type=Path),
    default=None,
    help="The proband's VCF (FOXP3 and IPEX-like genes).",
)
@click.option(
    "--family",
    type=click.Path(path_type=Path),
    default=None,
    help="Family file (YAML/JSON, PED or Phenopacket Family).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder for report.html, leaflet.html and assessment.json.",
)
@click.option(
    "--covered",
    default=None,
    metavar="GENES|BED",
    help="What the genetic test covered: panel gene symbols (FOXP3,IL2RA) or a BED file. Only covered genes "
    "without a reportable variant lower their disease; without it, coverage is reported as unknown.",
)
@click.option(
    "--test-sensitivity",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=None,
    help="Sensitivity of the genetic test for the covered genes (default 0.95, an assumption; see docs).",
)
@document_options
@hpo_dir_option
@json_option
def command(
    vcf: Path | None,
    family: Path | None,
    out_dir: Path,
    covered: str | None,
    test_sensitivity: float | None,
    as_json: bool,
    hpo_dir: Path | None,
    pdf: bool,
    requested_by: str | None,
    released_by: str | None,
    **kwargs: Any,
) -> None:
    """Run Suspect, Confirm and Counsel on CASE and write the professional report and the family leaflet."""
    from ipexpath.conclusions import run_assessment
    from ipexpath.files import one_stdin
    from ipexpath.report import write_outputs
    from ipexpath.report.output import check_out_folder
    from ipexpath.report.views import DocumentOptions

    if (covered or test_sensitivity) and vcf is None:
        raise click.UsageError("--covered and --test-sensitivity describe the genetic test: give --vcf too.")
    check_out_folder(out_dir)  # before the work, not after it
    one_stdin({"case file": kwargs.get("case_file"), "family file": family})
    kb = require_knowledge(hpo_dir)
    case = case_from_options(kb, pop_case_options(kwargs))
    require_observed(case)  # as `rank`: the differential needs at least one observed feature
    assessment = run_assessment(
        kb, case, vcf=vcf, family=family, covered=covered, test_sensitivity=test_sensitivity
    )
    options = DocumentOptions(requested_by=requested_by, released_by=released_by)
    outputs = write_outputs(assessment, out_dir, options, pdf=pdf)
    show_assessment(assessment, outputs, as_json)


def show_assessment(assessment: Assessment, outputs: Outputs, as_json: bool) -> None:
    """Print the assessment (JSON with the output paths, or a one-screen summary) for `assess` and `demo`."""
    from ipexpath.report import assessment_json, summary_text

    if as_json:
        emit_json(
            {
                **json.loads(assessment_json(assessment)),
                "outputs": {
                    "report": outputs.report,
                    "leaflet": outputs.leaflet,
                    "assessment": outputs.json,
                    "pdf": outputs.pdf,
                },
            }
        )
        return
    click.echo(summary_text(assessment))
    click.echo("")
    click.echo(f"Professional report: {outputs.report}")
    click.echo(f"Family leaflet:      {outputs.leaflet}")
    click.echo(f"Machine-readable:    {outputs.json}")
    if outputs.pdf is not None:
        click.echo(f"Report as PDF:       {outputs.pdf}")
