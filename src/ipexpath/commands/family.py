"""`ipexpath family FILE`: exact X-linked carrier risks, future-pregnancy risks and a testing plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ipexpath.commands.options import emit_json, json_option
from ipexpath.counsel import (
    NO_FAMILIAL_VARIANT,
    GeneticTest,
    Pedigree,
    RiskResult,
    TestResult,
    XLinkedRecessive,
    compute_risks,
    draw_pedigree_svg,
    familial_variant_known,
    family_json,
    load_family,
    plan_testing,
)
from ipexpath.counsel.drawing import age_text as _age_text
from ipexpath.counsel.model import PenetranceCurve
from ipexpath.counsel.pedigree import TwinType
from ipexpath.errors import InputError
from ipexpath.files import atomic_write_text
from ipexpath.numbers import percent

_RESULTS = {"found": TestResult.FOUND, "not-found": TestResult.NOT_FOUND, "not_found": TestResult.NOT_FOUND}


def _apply_tested(pedigree: Pedigree, tested: tuple[str, ...], sensitivity: float | None) -> Pedigree:
    for item in tested:
        person_id, sep, value = item.partition("=")
        if not sep or value.strip().lower() not in _RESULTS:
            raise InputError(
                f"--tested '{item}' is not ID=found or ID=not-found.", "Example: --tested II-2=found"
            )
        person_id = person_id.strip()
        if person_id not in pedigree:
            raise InputError(
                f"--tested names '{person_id}', who is not in the family.",
                f"Known ids: {', '.join(p.id for p in pedigree)}.",
            )
        pedigree = pedigree.with_test(person_id, GeneticTest(_RESULTS[value.strip().lower()], sensitivity))
    return pedigree


def build_model(
    mutation_rate: float | None,
    sperm_ratio: float | None,
    fitness: float | None,
    penetrance: float | None,
    phenocopy: float | None,
    sensitivity: float | None,
    mosaicism: float | None,
) -> XLinkedRecessive:
    """The default IPEX model with the command-line overrides applied."""
    model = XLinkedRecessive.defaults()
    changes: dict[str, Any] = {}
    if mutation_rate is not None or sperm_ratio is not None:
        mu = mutation_rate if mutation_rate is not None else model.mutation_rate_egg
        ratio = (
            sperm_ratio if sperm_ratio is not None else model.mutation_rate_sperm / model.mutation_rate_egg
        )
        changes["mutation_rate_egg"] = mu
        changes["mutation_rate_sperm"] = mu * ratio
        if mosaicism is None:  # the default germline-mosaic prior is derived relative to mu (model_defaults)
            changes["mosaicism_prior"] = model.mosaicism_prior * mu / model.mutation_rate_egg
    if fitness is not None:
        changes["fitness"] = fitness
    if penetrance is not None:
        if not 0.0 < penetrance <= 1.0:
            raise InputError(f"--penetrance {penetrance:g} must be in (0, 1].")
        changes["penetrance"] = PenetranceCurve.constant(penetrance)
    if phenocopy is not None:
        changes["phenocopy_fraction"] = phenocopy
    if sensitivity is not None:
        changes["test_sensitivity"] = sensitivity
    if mosaicism is not None:
        changes["mosaicism_prior"] = mosaicism
    return model.with_overrides(**changes)


def _text(pedigree: Pedigree, result: RiskResult) -> str:
    lines = [
        f"Family {result.family_id}: X-linked recessive (FOXP3) carrier risks "
        "— decision support, not a diagnosis."
    ]
    lines.append("")
    header = f"{'id':<12} {'sex':<8} {'status':<11} {'age':>9} {'test':<10} {'P(variant)':>11}  genotype"
    lines += [header, "-" * len(header)]
    for risk in result.individuals:
        person = pedigree.get(risk.id)
        status = person.affected.value + ("†" if person.deceased else "") + (" P" if person.proband else "")
        age = _age_text(person)
        test = person.test.result.value if person.test else ""
        geno = ", ".join(
            f"{k} {percent(v)}" for k, v in risk.genotype.items() if k != "non-carrier" and v > 5e-5
        )
        lines.append(
            f"{risk.id:<12} {risk.sex.word:<8} {status:<11} {age:>9} {test:<10} "
            f"{percent(risk.p_variant):>11}  {geno}"
        )
    adopted = [p.id for p in pedigree if p.adopted_in]
    if adopted:
        lines.append(
            f"Adopted in (not blood relatives: no risk from or to the family's line): {', '.join(adopted)}."
        )
    twins = sorted({tuple(sorted((p.id, p.twin), key=pedigree.index)) for p in pedigree if p.twin})
    for a, b in twins:
        kind = pedigree.get(a).twin_type
        what = (kind or TwinType.UNKNOWN).value
        what = "monozygotic: one genotype" if kind is TwinType.MONOZYGOTIC else what
        lines.append(f"Twins {a} and {b} ({what}).")
    lines += ["", "Future pregnancies (partner: the father of her children if one, else an unrelated man):"]
    if not result.pregnancies:
        lines.append("  none (no living woman below the reproductive age limit)")
    for preg in result.pregnancies:
        lines.append(
            f"  {preg.mother:<12} affected son {percent(preg.p_affected_son):>8}   "
            f"carrier daughter {percent(preg.p_carrier_daughter):>8}"
        )
    lines += ["", "Testing plan (targeted test for the familial variant):"]
    if not familial_variant_known(pedigree):
        lines.append(f"  {NO_FAMILIAL_VARIANT}")
    elif not result.testing_plan:
        lines.append("  nobody living and untested has a carrier risk above 0.1%.")
    for step in result.testing_plan:
        lines.append(f"  {step.order}. {step.id}: {step.reason}")
    lines.append("")
    lines.append(
        "Model: mu={:.2g} nu={:.2g} fitness={:g} phenocopy fraction={:g} test sensitivity={:g}. "
        "Sources: docs/risk-model.md.".format(
            result.model["mutation_rate_egg"],
            result.model["mutation_rate_sperm"],
            result.model["fitness"],
            result.model["phenocopy_fraction"],
            result.model["test_sensitivity"],
        )
    )
    return "\n".join(lines)


@click.command(name="family")
@click.argument("family_file", type=click.Path(path_type=Path))
@click.option("--mutation-rate", type=float, default=None, help="Mutation rate per X in eggs (mu).")
@click.option(
    "--sperm-egg-ratio", type=float, default=None, help="nu/mu: paternal over maternal mutation rate."
)
@click.option("--fitness", type=float, default=None, help="Relative fitness of affected males, 0 <= f < 1.")
@click.option("--penetrance", type=float, default=None, help="Plain male penetrance; replaces the age curve.")
@click.option(
    "--phenocopy", type=float, default=None, help="Fraction of IPEX-phenotype patients without FOXP3."
)
@click.option("--tested", multiple=True, metavar="ID=found|not-found", help="Add a test result (repeatable).")
@click.option("--sensitivity", type=float, default=None, help="Default test sensitivity (also for --tested).")
@click.option(
    "--mosaicism", type=float, default=None, help="Prior probability a parent is a germline mosaic."
)
@click.option("--no-plan", is_flag=True, help="Skip the testing plan (faster on large pedigrees).")
@click.option(
    "--svg", "svg_path", type=click.Path(path_type=Path), default=None, help="Write the pedigree as SVG."
)
@json_option
def command(
    family_file: Path,
    mutation_rate: float | None,
    sperm_egg_ratio: float | None,
    fitness: float | None,
    penetrance: float | None,
    phenocopy: float | None,
    tested: tuple[str, ...],
    sensitivity: float | None,
    mosaicism: float | None,
    no_plan: bool,
    svg_path: Path | None,
    as_json: bool,
) -> None:
    """Carrier risk of every relative, future-pregnancy risks and whom to test first.

    FAMILY_FILE is a PED file (6 columns; sex 1 = male, 2 = female), a Phenopacket v2 Family (.json)
    or a YAML/JSON family file with ages and test results (see counsel/data/example_family.yaml).
    """
    model = build_model(
        mutation_rate, sperm_egg_ratio, fitness, penetrance, phenocopy, sensitivity, mosaicism
    )
    pedigree = _apply_tested(load_family(family_file), tested, sensitivity)
    result = compute_risks(pedigree, model)
    if not no_plan and familial_variant_known(pedigree):  # targeted tests need a known familial variant
        result = result.with_testing_plan(plan_testing(pedigree, model, result))
    if svg_path is not None:
        atomic_write_text(svg_path, draw_pedigree_svg(pedigree, result))
    if as_json:
        data = family_json(pedigree, result)  # rows are family-file entries: `family`/`assess` read it back
        if not familial_variant_known(pedigree):
            data["testing_plan_note"] = NO_FAMILIAL_VARIANT
        emit_json(data)
    else:
        click.echo(_text(pedigree, result))
        if svg_path is not None:
            click.echo(f"Pedigree drawing written to {svg_path}")
