"""How every command takes a case: a file (phenopacket or YAML form) or flags (--hpo, --excluded, --sex,
--age, --onset, --text, --hsct). Shared so that `case`, `rank`, `classify`, `assess` behave the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click

from ipexpath.case import Age, Case, RawTerm, Sex, build_case, parse_stated_age, read_case
from ipexpath.case.model import Finding, FindingLevel, Transplant
from ipexpath.case.readers import death_checks, form_death
from ipexpath.errors import InputError
from ipexpath.knowledge.base import KnowledgeBase

F = TypeVar("F", bound=Callable[..., Any])

CASE_OPTION_NAMES = ("case_file", "hpo", "excluded", "sex", "age", "onset", "text", "hsct", "deceased")
HSCT_SOURCE = "command line (--hsct)"
MAX_CASE_TERMS = 1_000  # observed + excluded; the 7,639 published patients of phenopacket-store have <= 156
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
        click.option(
            "--age",
            default=None,
            help="Age now, e.g. P3M, '3 months', '2 years'; before birth a gestational age: 'GA 32+3'.",
        ),
        click.option(
            "--onset", default=None, help="Age at onset of symptoms, e.g. P1M, or '30 weeks gestation'."
        ),
        click.option(
            "--text", default=None, help="Clinical text to turn into HPO terms (negation understood)."
        ),
        click.option(
            "--hsct",
            multiple=True,
            metavar="AGE|yes",
            help="A stem cell transplant already done: the age at it (P1Y2M) or 'yes' (follow-up, not a "
            "referral). Same as 'hsct:' in the case form or a phenopacket medicalAction.",
        ),
        click.option(
            "--deceased",
            default=None,
            metavar="AGE|yes",
            help="The patient has died: the age at death (P5M) or 'yes' (no treatment advice; the leaflet "
            "is written for a bereaved family). Same as 'deceased:' in the case form or a phenopacket "
            "subject.vitalStatus.",
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
            f"--{name}"
            for name in ("hpo", "excluded", "text", "sex", "age", "onset", "hsct", "deceased")
            if options.get(name)
        ]
        if given or text is not None:
            raise InputError(
                f"Give either a case file or {'/'.join(given) or '--text'}, not both: the file's own "
                "values would be mixed with, or silently replace, the flags.",
                "Put everything in the case file (sex, age, onset, terms; a transplant as 'hsct:' in the "
                "form or a phenopacket medicalAction), or leave the file out.",
            )
        return _not_too_many_terms(read_case(path, kb))
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
        if options.get("deceased") is None:
            findings.extend(death_checks(found))
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
    transplants = _transplants(options.get("hsct") or (), age)
    case = build_case(
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
    death = form_death(options.get("deceased"), "--deceased", "command line (--deceased)", age)
    return _not_too_many_terms(replace(case, transplants=transplants, death=death))


def _not_too_many_terms(case: Case) -> Case:
    """Refuse a case with more than MAX_CASE_TERMS terms: not one patient (ranking time grows with it)."""
    n = len(case.observed) + len(case.excluded)
    if n > MAX_CASE_TERMS:
        raise InputError(
            f"The case lists {n:,} HPO terms; at most {MAX_CASE_TERMS:,} are accepted (published patients "
            "have at most a few hundred).",
            "Check that the file describes one patient.",
        )
    return case


def _transplants(values: tuple[str, ...], age: Age | None) -> tuple[Transplant, ...]:
    """--hsct: the same `Transplant` as the form's `hsct:` (yes, or the age at the transplant, not after
    the age now)."""
    out = []
    for value in _split(values):
        if value.lower() in ("yes", "done", "true"):
            out.append(Transplant(None, HSCT_SOURCE))
            continue
        try:
            when = parse_stated_age(value, "--hsct")
        except InputError:
            raise InputError(
                f"--hsct '{value}' is neither 'yes' nor the age at the transplant.",
                "Example: --hsct P1Y2M (a transplant at 14 months), or --hsct yes.",
            ) from None
        if age is not None and when.days > age.days + ONSET_TOLERANCE_DAYS:
            raise InputError(
                f"--hsct {value} is later than the age now (--age {age.iso8601}).",
                "Give the age at which the transplant was done.",
            )
        out.append(Transplant(when, HSCT_SOURCE))
    return tuple(out)


def pop_case_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Take the case options out of a command's kwargs."""
    return {name: kwargs.pop(name, None) for name in CASE_OPTION_NAMES}
