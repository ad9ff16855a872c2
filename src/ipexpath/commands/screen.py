"""`ipexpath screen COHORT.vcf.gz --out FINDINGS.tsv`: screen a cohort VCF (options and output)."""

from __future__ import annotations

from pathlib import Path

import click

from ipexpath.commands.options import emit_json, json_option


@click.command("screen")
@click.argument("cohort", type=click.Path(path_type=Path))
@click.option(
    "--out", type=click.Path(path_type=Path), required=True, help="Findings file (TSV, written whole)."
)
@click.option(
    "--ped", type=click.Path(path_type=Path), default=None, help="PED file giving each sample's sex."
)
@click.option(
    "--scheduler",
    default="local",
    show_default=True,
    help="local, dask-local or dask://HOST:PORT (workers must see the VCF at the same path).",
)
@click.option("--workers", type=click.IntRange(1, 512), default=2, show_default=True, help="Local workers.")
@click.option("--build", default=None, help="GRCh38 or GRCh37 (default: from the VCF header).")
@click.option(
    "--report",
    default="P,LP",
    show_default=True,
    help="ACMG classes to write (codes: P, LP, VUS, LB, B).",
)
@json_option
def command(
    cohort: Path,
    out: Path,
    ped: Path | None,
    scheduler: str,
    workers: int,
    build: str | None,
    report: str,
    as_json: bool,
) -> None:
    """Screen every sample of a bgzipped, indexed cohort VCF for FOXP3 and IPEX-like gene variants.

    Each distinct variant is classified once (ACMG/AMP, as `classify`); each sample's calls are read in the
    right ploidy (sex from --ped, else from chrX calls, stated per row). Decision support: a clinical
    scientist reviews every finding before anything is reported back.
    """
    from ipexpath.batch.screen import screen_cohort
    from ipexpath.errors import InputError
    from ipexpath.files import check_input_file, check_output_file

    if str(cohort) == "-":
        raise InputError(
            "The cohort VCF cannot be read from standard input: screening reads it by region.",
            "Give the path of the bgzipped VCF (with its .tbi or .csi index beside it).",
        )
    for path, what in ((cohort, "cohort VCF"), (ped, "PED file")):
        if path is not None and str(path) != "-":
            check_input_file(path, what, None)  # remembered, so --out cannot name it
    check_output_file(out, "--out findings file")  # before the screen, not after it
    classes = tuple(c.strip().upper() for c in report.split(",") if c.strip())
    summary = screen_cohort(
        cohort, out, ped=ped, scheduler=scheduler, workers=workers, build=build, report=classes
    )
    data = {
        "samples": summary.samples,
        "panel_records": summary.records,
        "distinct_variants": summary.distinct_variants,
        "findings": summary.findings,
        "sex_sources": summary.sex_sources,
        "build": summary.build,
        "out": out.name,
        "notes": list(summary.notes),
    }
    if as_json:
        emit_json(data)
        return
    sources = ", ".join(f"{n:,} {what}" for what, n in sorted(summary.sex_sources.items()))
    click.echo(
        f"Screened {summary.samples:,} samples over {summary.records:,} panel records ({summary.build}): "
        f"{summary.distinct_variants:,} distinct variants classified, {summary.findings:,} finding(s) "
        f"in {out}."
    )
    click.echo(f"Sex: {sources}.")
    for note in summary.notes[:10]:
        click.echo(f"Note: {note}")
