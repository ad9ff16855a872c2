"""`ipexpath classify`: read the genetic test and classify FOXP3 / IPEX-like variants with ACMG/AMP
evidence."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from ipexpath.commands.options import emit_json, hpo_dir_option, json_option, warn
from ipexpath.errors import InputError
from ipexpath.numbers import percent
from ipexpath.suspect.ranking_file import RankingFile


@click.command("classify")
@click.option(
    "--vcf",
    "vcf_path",
    type=click.Path(path_type=Path),
    default=None,
    help="VCF or bgzipped VCF (tabix index used when present).",
)
@click.option("--sample", default=None, help="Sample (patient) in a multi-sample VCF.")
@click.option(
    "--variant",
    "variants",
    multiple=True,
    metavar="HGVS",
    help='HGVS on a panel transcript, e.g. "NM_014009.4:c.1150G>A" (optionally with p.). Repeatable.',
)
@click.option(
    "--build",
    default=None,
    help="Declared genome build of the VCF: GRCh38 or GRCh37 (checked against the header).",
)
@click.option(
    "--clinvar",
    "clinvar_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Your ClinVar VCF download (clinvar.vcf.gz) for PS1/PM5 and context.",
)
@click.option(
    "--case",
    "case_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Case file (phenopacket or YAML form): the phenotype ranking feeds PP4 and the re-ranking.",
)
@click.option(
    "--ranking",
    "ranking_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Output of `ipexpath rank --json` to use instead of ranking --case again.",
)
@click.option(
    "--family",
    "family_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Family file (PED, YAML or phenopacket family); sample ids = person ids (PS2/PM6, PP1, BS2, BS4).",
)
@click.option(
    "--covered",
    default=None,
    metavar="GENES|BED",
    help="What the test covered: panel gene symbols (FOXP3,IL2RA) or a BED file. Only covered genes "
    "without a reportable variant lower their disease; without it no gene counts as tested negative "
    "(a call in a gene does not show its exons were covered).",
)
@click.option(
    "--test-sensitivity",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=None,
    help="Sensitivity of the test for the covered genes (default 0.95, an assumption; see the docs).",
)
@click.option(
    "--override",
    "overrides",
    multiple=True,
    metavar="[VARIANT@]CODE=STRENGTH:reason",
    help="Clinician override, e.g. 'PS3=moderate:Treg assay PMID ...' or 'PM2=off:reason'. Repeatable.",
)
@click.option(
    "--sex",
    type=click.Choice(["male", "female"]),
    default=None,
    help="Patient's sex (else from the family file, the case, or haploid chrX calls).",
)
@click.option(
    "--zygosity",
    type=click.Choice(["hemizygous", "homozygous", "heterozygous"]),
    default=None,
    help="Zygosity of the --variant entries (unknown if not given).",
)
@click.option(
    "--af",
    "population_af",
    type=click.FloatRange(0, 1),
    default=None,
    help="--variant only: population (gnomAD grpmax) allele frequency; 0 = absent from gnomAD.",
)
@click.option(
    "--ac", "population_ac", type=click.IntRange(0), default=None, help="--variant only: gnomAD allele count."
)
@click.option(
    "--an",
    "population_an",
    type=click.IntRange(0),
    default=None,
    help="--variant only: gnomAD allele number.",
)
@click.option(
    "--hemizygotes", type=click.IntRange(0), default=None, help="--variant only: gnomAD hemizygous males."
)
@click.option("--revel", type=click.FloatRange(0, 1), default=None, help="--variant only: REVEL score.")
@click.option(
    "--spliceai", type=click.FloatRange(0, 1), default=None, help="--variant only: SpliceAI max delta score."
)
@click.option(
    "--parentage-confirmed",
    is_flag=True,
    help="Maternity/paternity confirmed: de novo counts as PS2, not PM6.",
)
@click.option(
    "--all-criteria",
    is_flag=True,
    help="Text output: also list the criteria that could not be evaluated, with the reason.",
)
@click.option(
    "--output",
    "output_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the JSON result to this file (written only when everything succeeded).",
)
@hpo_dir_option
@json_option
def command(
    vcf_path: Path | None,
    sample: str | None,
    variants: tuple[str, ...],
    build: str | None,
    clinvar_path: Path | None,
    case_path: Path | None,
    ranking_path: Path | None,
    family_path: Path | None,
    covered: str | None,
    test_sensitivity: float | None,
    overrides: tuple[str, ...],
    sex: str | None,
    zygosity: str | None,
    population_af: float | None,
    population_ac: int | None,
    population_an: int | None,
    hemizygotes: int | None,
    revel: float | None,
    spliceai: float | None,
    parentage_confirmed: bool,
    all_criteria: bool,
    output_path: Path | None,
    hpo_dir: Path | None,
    as_json: bool,
) -> None:
    """Classify the FOXP3 and IPEX-like variants of a VCF (--vcf) or of HGVS descriptions (--variant).

    Every ACMG/AMP criterion is listed as applied or not, with the evidence; points follow Tavtigian 2020.
    Decision support: a clinical scientist must review the classification before it is reported.
    """
    from ipexpath.confirm import (
        EvaluationContext,
        PopulationData,
        Zygosity,
        classify_variants,
        load_family_file,
        load_panel,
        parse_hgvs_variant,
        parse_override,
        read_clinvar,
        read_variants,
        rerank_with_genotype,
    )
    from ipexpath.confirm.genetic_test import GeneticTest, read_covered
    from ipexpath.confirm.phenotype import phenotype_from_rows
    from ipexpath.files import one_stdin
    from ipexpath.types import Sex

    if bool(vcf_path) == bool(variants):
        raise click.UsageError("Give either --vcf FILE or one or more --variant HGVS (not both).")
    if vcf_path and (population_af is not None or revel is not None or spliceai is not None or zygosity):
        raise click.UsageError("--af, --revel, --spliceai and --zygosity apply to --variant only.")
    one_stdin({"case file": case_path, "ranking": ranking_path, "family file": family_path})
    panel = load_panel()
    parsed_overrides = [parse_override(text) for text in overrides]
    family_people = load_family_file(family_path) if family_path else None
    notes: list[str] = []
    if sex is None and family_people:
        proband = next((p for p in family_people if p.person_id == sample or p.proband), None)
        sex = proband.sex if proband else None
    ranking = _ranking(case_path, ranking_path, hpo_dir)
    if ranking is not None and sex is None and ranking.sex.is_known:
        sex = ranking.sex.word
    build_info: dict[str, Any] | None = None
    if vcf_path:
        proband_id = next((p.person_id for p in family_people or [] if p.proband), None)
        result = read_variants(vcf_path, panel, sample=sample, build=build, sex=sex, prefer_sample=proband_id)
        found = result.variants
        sex = sex or result.sex
        notes += list(result.notes)
        build_info = {
            "declared": result.build.declared,
            "detected": result.build.detected,
            "used": result.build.used,
            "evidence": result.build.evidence,
        }
        source: dict[str, Any] = {
            "vcf": str(vcf_path),
            "sample": result.sample,
            "annotation": result.annotation,
            "indexed": result.indexed,
            "panel_records": result.records_read,
        }
        if result.annotation is None:
            notes.append(
                "The VCF carries no VEP/SnpEff/bcftools csq annotation: single-nucleotide calls were placed "
                "on the MANE transcripts from their positions, but indels have no HGVS and population "
                "frequency, REVEL and SpliceAI are missing (no PM2/BS1/PP3/BP4); annotate with VEP "
                "(--hgvs --mane --af_gnomade, REVEL, SpliceAI) first."
            )
    else:
        used_build = build or "GRCh38"
        zyg = Zygosity(zygosity) if zygosity else Zygosity.UNKNOWN
        found = [parse_hgvs_variant(text, panel, zygosity=zyg, build=used_build) for text in variants]
        counts = population_ac is not None and population_an is not None
        if population_af is not None or revel is not None or spliceai is not None or counts:
            given = PopulationData(
                af=population_af or None,
                af_source="gnomAD (--af/--ac/--an)" if population_af is not None or counts else None,
                af_checked=population_af is not None or counts,
                ac=population_ac if counts else None,
                an=population_an if counts else None,
                hemizygotes=hemizygotes,
                revel=revel,
                spliceai=spliceai,
            )
            found = [replace(v, population=given) for v in found]
        source = {"variants": list(variants)}
    clinvar = None
    if clinvar_path:
        used = build_info["used"] if build_info else (build or "GRCh38")
        clinvar = read_clinvar(clinvar_path, panel, used)
    rows = [r.to_json() for r in ranking.rows] if ranking is not None else None
    phenotype = phenotype_from_rows(rows, panel) if rows is not None else None
    ctx = EvaluationContext(
        panel=panel,
        phenotype=phenotype,
        clinvar=clinvar,
        parentage_confirmed=parentage_confirmed,
        proband_sex=sex,
    )
    classified = classify_variants(found, ctx, parsed_overrides, family_people)
    data: dict[str, Any] = {
        "input": source,
        "build": build_info,
        "sex": sex,
        "panel_version": panel.version,
        "variants": [c.to_dict() for c in classified],
        "notes": notes,
        "disclaimer": "Decision support, not a diagnosis: review every criterion before reporting.",
    }
    if vcf_path:
        build_used = build_info["used"] if build_info else "GRCh38"
        genes, coverage_source = read_covered(covered, panel, build_used) if covered else (None, "not stated")
        test = GeneticTest(
            method="sequencing (variant calls in a VCF)",
            covered=genes,
            called=frozenset(v.gene.upper() for v in found),
            coverage_source=coverage_source,
        )
        if test_sensitivity is not None:
            test = replace(test, sensitivity=test_sensitivity, sensitivity_source="stated by the user")
        data["genetic_test"] = test.to_dict()
        if not test.coverage_known:
            notes.append(
                "Coverage of the test is not stated (no --covered): no gene counts as tested negative, so no "
                "disease is lowered for a variant not found; give --covered GENES|BED to count negative "
                "results."
            )
        if ranking is not None:
            reranked = rerank_with_genotype(ranking.rows, classified, panel, Sex.parse(sex), test)
            data["differential"] = [r.to_dict() for r in reranked]
    elif covered:
        raise click.UsageError("--covered describes a VCF test; use it with --vcf.")
    if output_path:
        from ipexpath.files import atomic_write_text

        atomic_write_text(output_path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if as_json:
        emit_json(data)
        return
    click.echo(render(data, all_criteria=all_criteria))


def _ranking(case_path: Path | None, ranking_path: Path | None, hpo_dir: Path | None) -> RankingFile | None:
    """The phenotype differential from `--ranking` (output of `rank --json`) or by ranking `--case`."""
    if ranking_path and case_path:
        raise click.UsageError("Give --case or --ranking, not both.")
    if ranking_path:
        from ipexpath.files import read_text

        text = read_text(ranking_path, "ranking file")
        if not text.strip():
            raise InputError(
                f"The ranking file '{ranking_path}' is empty.", "Give the output of `ipexpath rank --json`."
            )
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"The ranking file '{ranking_path}' is not valid JSON ({exc.msg}).",
                "Give the output of `ipexpath rank --json`.",
            ) from exc
        except RecursionError:
            raise InputError(f"The ranking file '{ranking_path}' is nested too deeply.") from None
        return RankingFile.from_json(data, str(ranking_path))
    if not case_path:
        return None
    from ipexpath.case import read_case
    from ipexpath.knowledge import require_knowledge
    from ipexpath.suspect import RankingModel, rank_case

    kb = require_knowledge(hpo_dir)
    case = read_case(case_path, kb)
    return RankingFile.from_differential(rank_case(RankingModel.build(kb), case, top=20), case.sex)


def render(data: dict[str, Any], all_criteria: bool = False) -> str:
    """Plain-text report of the classification."""
    out: list[str] = []
    if data.get("build"):
        b = data["build"]
        out.append(f"Genome build: {b['used']} ({b['evidence']}).")
    if data.get("sex"):
        out.append(f"Patient sex: {data['sex']}.")
    variants = data["variants"]
    if not variants:
        out.append("No variant was found in the panel genes (FOXP3 and IPEX-like genes).")
    for v in variants:
        name = " ".join(
            x
            for x in (
                v["gene"],
                v.get("transcript") and f"{v['transcript']}:{v['hgvs_c']}" if v.get("hgvs_c") else None,
                v.get("hgvs_p"),
            )
            if x
        )
        if not v.get("hgvs_c") and v.get("location"):
            loc = v["location"]
            name += f" {loc['chrom']}:{loc['pos']} {loc['ref']}>{loc['alt']}"
        out.append("")
        out.append(f"{name}  [{v['consequence']}, {v['zygosity']}]")
        out.append(f"  {v['classification'].upper()}  ({v['points']:+d} points; Tavtigian 2020)")
        for c in v["criteria"]:
            if c["applied"]:
                out.append(f"  + {c['label']:<16} {c['points']:+d}  {c['evidence']}")
        for c in v["criteria"]:
            if not c["applied"] and (all_criteria or c["evaluated"]):
                out.append(f"  - {c['code']:<16}     {c['evidence']}")
        if not all_criteria:
            skipped = [c["code"] for c in v["criteria"] if not c["applied"] and not c["evaluated"]]
            if skipped:
                out.append(f"  (not evaluated: {', '.join(skipped)}; --all-criteria shows why)")
        for note in v.get("notes", []):
            out.append(f"  Note: {note}")
        card = v.get("card") or {}
        if card.get("sources"):
            out.append("  Sources: " + "; ".join(f"{s['id']} {s['url']}" for s in card["sources"]))
        for step in card.get("path_to_reclassification") or []:
            out.append(f"  To reclassify: {step}")
    if data.get("genetic_test"):
        out.append("")
        out.append(data["genetic_test"]["headline"])
    if data.get("differential"):
        out.append("")
        out.append("Differential re-ranked with the genotype:")
        for row in data["differential"][:10]:
            out.append(
                f"  {row['rank']:>3}. {row.get('name', row['disease_id'])} — posterior "
                f"{percent(row['posterior'])} "
                f"(was rank {row['previous_rank']}, {row['rank_change']}): {row['genotype_explanation']}"
            )
    for note in data.get("notes", []):
        warn(note)
    out.append("")
    out.append(data["disclaimer"])
    return "\n".join(out)
