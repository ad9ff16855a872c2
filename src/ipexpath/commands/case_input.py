"""How every command takes a case: a file (phenopacket or YAML form) or flags (--hpo, --excluded, --sex,
--age, --onset, --text). Shared so that `case`, `rank`, `classify`, `assess` behave the same way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ipexpath.case import Age, Case, RawTerm, Sex, build_case, parse_stated_age, read_case
from ipexpath.case.model import Finding, FindingLevel
from ipexpath.errors import InputError
from ipexpath.knowledge.base import KnowledgeBase

F = TypeVar("F", bound=Callable[..., Any])

CASE_OPTION_NAMES = ("case_file", "hpo", "excluded", "sex", "age", "onset", "text")
ONSET_TOLERANCE_DAYS = (
    1.0  # ages in months are 30.4 days: '1 month' onset at age 'P30D' is not a contradiction
)


def case_options(func: F) -> F:
    """Add the CASE argument (optional) and the case flags to a command."""
    decorators = [
        click.argument("case_file", metavar="[CASE|-]", required=False, type=click.Path(path_type=Path)),
        click.option(
            "--hpo", multiple=True, metavar="HP:ID", help="Observed HPO term (repeat, or comma-separate)."
        ),
        click.option(
            "--excluded", multiple=True, metavar="HP:ID", help="Excluded HPO term (repeat or comma-separate)."
        ),
        click.option("--sex", default=None, help="male, female, unknown or other."),
        click.option("--age", default=None, help="Age now, e.g. P3M, '3 months', '2 years'."),
        click.option("--onset", default=None, help="Age at onset of symptoms, e.g. P1M."),
        click.option(
            "--text", default=None, help="Clinical text to turn into HPO terms (negation understood)."
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def case_from_options(kb: KnowledgeBase, options: dict[str, Any]) -> Case:
    """Build the case from a file ('-': standard input) or from flags (not both, so nothing is silently
    merged or silently ignored); contradictory flags are refused."""
    path: Path | None = options.get("case_file")
    hpo = _split(options.get("hpo") or ())
    excluded = _split(options.get("excluded") or ())
    text = options.get("text")
    if path is not None:
        given = [
            f"--{name}" for name in ("hpo", "excluded", "text", "sex", "age", "onset") if options.get(name)
        ]
        if given or text is not None:
            raise InputError(
                f"Give either a case file or {'/'.join(given) or '--text'}, not both: the file's own "
                "values would be mixed with, or silently replace, the flags.",
                "Put everything in the case file (sex, age, onset, terms), or leave the file out.",
            )
        return read_case(path, kb)
    if text is not None and not text.strip():
        raise InputError("The --text is empty.", 'Give the clinical text, e.g. --text "chronic diarrhea".')
    both = sorted({t.upper() for t in hpo} & {t.upper() for t in excluded})
    if both:
        raise InputError(
            f"{', '.join(both)} is given both as observed (--hpo) and as excluded (--excluded).",
            "Give each term once: --hpo if the patient has it, --excluded if looked for and absent.",
        )
    findings: list[Finding] = []
    observed = [RawTerm(t) for t in hpo]
    excluded_terms = [RawTerm(t) for t in excluded]
    sex = Sex.parse(options.get("sex"))
    age = parse_stated_age(options["age"], "--age") if options.get("age") else None
    if text:
        from ipexpath.knowledge.textmine import recognise

        found = recognise(kb, text)
        seen, negated = found.patient_terms()
        observed += [RawTerm(h.term_id, None, h.label) for h in seen]
        excluded_terms += [RawTerm(h.term_id, None, h.label) for h in negated]
        findings.extend(Finding(FindingLevel.INFO, line) for line in found.describe())
        if not found.hits and not observed and not excluded_terms:
            raise InputError(
                "No HPO term was recognised in the text.",
                "Rephrase with standard clinical terms (e.g. 'chronic diarrhea', 'type 1 diabetes'), "
                "or give --hpo ids.",
            )
        if not found.hits:
            findings.append(
                Finding(
                    FindingLevel.WARNING,
                    "No HPO term was recognised in the text.",
                    "Rephrase with standard clinical terms, or give --hpo ids.",
                )
            )
        if sex is Sex.UNKNOWN and found.sex:
            sex = Sex.parse(found.sex)
            findings.append(Finding(FindingLevel.INFO, f"Sex taken from the text: {found.sex.lower()}."))
        if age is None and found.age_days is not None:
            age = Age.from_days(found.age_days)
            findings.append(
                Finding(FindingLevel.INFO, f"Age taken from the text: {round(found.age_days)} days.")
            )
    onset = parse_stated_age(options["onset"], "--onset") if options.get("onset") else None
    if text and onset is None and found.onset_days is not None:
        onset = Age.from_days(found.onset_days)
        findings.append(Finding(FindingLevel.INFO, f"Onset taken from the text: {round(onset.days)} days."))
    if not observed and not excluded_terms:
        raise InputError(
            "No case given.",
            "Name a case file (phenopacket or YAML), or give --hpo HP:... terms "
            'or --text "clinical description".',
        )
    return build_case(
        kb,
        case_id="command-line case",
        observed=observed,
        excluded=excluded_terms,
        sex=sex,
        age=age,
        onset=onset,
        family_history=found.family_history_note() if text else None,  # relatives' findings in the text
        source="command line" if not text else "command line (text)",
        findings=findings,
    )


def pop_case_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Take the case options out of a command's kwargs."""
    return {name: kwargs.pop(name, None) for name in CASE_OPTION_NAMES}
