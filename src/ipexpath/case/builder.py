"""Build a Case from raw identifiers: resolve ids, apply sanitation, and record what was changed.

Sanitation follows LIRICAL's "lenient" input rules (Robinson et al. 2020, doi:10.1016/j.ajhg.2020.06.021;
LIRICAL docs input-sanitation): obsolete/alt ids mapped to the primary id, duplicates removed, an observed
ancestor of another observed term removed, terms outside Phenotypic abnormality not used as phenotypes
(onset terms become the onset age).
"""

from __future__ import annotations

from dataclasses import dataclass

from ipexpath.case.ages import describe_days, onset_class_midpoint
from ipexpath.case.model import Age, Case, Finding, FindingLevel, Sex, Term
from ipexpath.errors import InputError, UnknownTermError
from ipexpath.knowledge.base import ONSET, KnowledgeBase
from ipexpath.knowledge.resolve import ResolvedTerm, resolve_term


@dataclass(frozen=True)
class RawTerm:
    """A term as the input wrote it, before resolution."""

    id: str
    onset: Age | None = None
    label: str | None = None


ONSET_TOLERANCE_DAYS = 1.0  # a month is 30.4 days: onset '1 month' at age 'P30D' is no contradiction
MAX_CASE_ID_CHARS = 200  # a case id is a name shown in reports and file names, not a document


def check_case_id(case_id: str) -> str:
    """The case id, refused when longer than MAX_CASE_ID_CHARS or holding control characters (a line
    break or terminal escape in an id would garble reports, logs and the batch results)."""
    if len(case_id) > MAX_CASE_ID_CHARS:
        raise InputError(
            f"The case id is {len(case_id):,} characters long; at most {MAX_CASE_ID_CHARS} are accepted.",
            "Give a short identifier (for example the local case number), not a description.",
        )
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in case_id):
        raise InputError(
            f"The case id {case_id[:60]!r} holds a control character (a line break, tab or escape).",
            "Give the case id on one line, with letters, digits and punctuation only.",
        )
    return case_id


def refuse_contradictions(observed: list[RawTerm], excluded: list[RawTerm], source: str) -> None:
    """Refuse a term listed both as observed and as excluded: only the person who wrote the case can
    tell which is right (the command-line flags refuse the same contradiction)."""
    both = sorted({t.id.strip().upper() for t in observed} & {t.id.strip().upper() for t in excluded})
    if both:
        raise InputError(
            f"In '{source}', {', '.join(both)} is listed both as observed and as excluded.",
            "Correct the case so each term appears once: observed if the patient has it, "
            "excluded if looked for and absent.",
        )


def build_case(
    kb: KnowledgeBase,
    *,
    case_id: str,
    observed: list[RawTerm],
    excluded: list[RawTerm],
    sex: Sex = Sex.UNKNOWN,
    age: Age | None = None,
    onset: Age | None = None,
    family_history: str | None = None,
    covered: str | None = None,
    source: str = "flags",
    lenient: bool = False,
    findings: list[Finding] | None = None,
) -> Case:
    """Resolve and clean the terms; unknown ids raise (or, when `lenient`, are dropped with a finding)."""
    check_case_id(case_id)
    notes: list[Finding] = list(findings or [])
    obs = _resolve_all(kb, observed, notes, lenient, "observed")
    exc = _resolve_all(kb, excluded, notes, lenient, "excluded")

    # Onset classes given as features set the disease onset instead of being phenotypes.
    phenotype_obs: list[tuple[ResolvedTerm, RawTerm]] = []
    for resolved, raw in obs:
        if kb.is_under(resolved.index, ONSET):
            midpoint = onset_class_midpoint(resolved.id)
            if midpoint is not None and onset is None:
                onset = midpoint
            notes.append(
                Finding(
                    FindingLevel.INFO,
                    f"{resolved.id} ({resolved.label}) is an onset class; "
                    "used as the age at onset, not as a clinical feature.",
                )
            )
            continue
        if not kb.is_phenotype(resolved.index):
            notes.append(
                Finding(
                    FindingLevel.WARNING,
                    f"{resolved.id} ({resolved.label}) is not a phenotypic "
                    "abnormality (it is a modifier or inheritance term) and is not used as a feature.",
                )
            )
            continue
        phenotype_obs.append((resolved, raw))
    exc = [(r, raw) for r, raw in exc if kb.is_phenotype(r.index)]

    observed_terms = _dedupe_specific(kb, phenotype_obs, notes)
    observed_ids = {t.id for t in observed_terms}
    excluded_terms: list[Term] = []
    seen_excluded: set[str] = set()
    for resolved, raw in exc:
        if resolved.id in observed_ids:
            notes.append(
                Finding(
                    FindingLevel.WARNING,
                    f"{resolved.id} ({resolved.label}) is both observed and "
                    "excluded; it is kept as observed.",
                    "Correct the case so each term appears once.",
                )
            )
            continue
        if resolved.id in seen_excluded:
            continue
        seen_excluded.add(resolved.id)
        excluded_terms.append(Term(resolved.id, resolved.label, raw.onset, resolved.original_id))

    if onset is None:
        onsets = [t.onset for t in observed_terms if t.onset is not None]
        if onsets:
            onset = min(onsets)
    if age is not None and onset is not None and onset.days > age.days + ONSET_TOLERANCE_DAYS:
        said = f"The onset ({describe_days(onset)}) is later than the age now ({describe_days(age)})."
        if not lenient:
            raise InputError(said, "Check the age today and the age when the first symptoms began.")
        notes.append(Finding(FindingLevel.WARNING, said + " Both are used as given."))
    return Case(
        id=case_id,
        observed=tuple(observed_terms),
        excluded=tuple(excluded_terms),
        sex=sex,
        age=age,
        onset=onset,
        family_history=family_history,
        covered=covered,
        source=source,
        findings=tuple(notes),
        hpo_version=kb.release_label,
    )


def _resolve_all(
    kb: KnowledgeBase, raws: list[RawTerm], notes: list[Finding], lenient: bool, kind: str
) -> list[tuple[ResolvedTerm, RawTerm]]:
    out: list[tuple[ResolvedTerm, RawTerm]] = []
    for raw in raws:
        try:
            resolved = resolve_term(kb, raw.id)
        except UnknownTermError as err:
            if not lenient:
                label = f" ('{raw.label}')" if raw.label else ""
                raise UnknownTermError(
                    f"{kind.capitalize()} term{label}: {err.message}", err.suggestion
                ) from None
            notes.append(
                Finding(
                    FindingLevel.WARNING, f"{kind.capitalize()} term dropped: {err.message}", err.suggestion
                )
            )
            continue
        if resolved.note:
            notes.append(
                Finding(FindingLevel.WARNING, resolved.note, "Update the case to the current identifier.")
            )
        out.append((resolved, raw))
    return out


def _dedupe_specific(
    kb: KnowledgeBase, items: list[tuple[ResolvedTerm, RawTerm]], notes: list[Finding]
) -> list[Term]:
    """Drop duplicates and any observed term that is an ancestor of another observed term."""
    unique: dict[int, tuple[ResolvedTerm, RawTerm]] = {}
    for resolved, raw in items:
        unique.setdefault(resolved.index, (resolved, raw))
    ancestors_of_others: set[int] = set()
    for index in unique:
        ancestors_of_others.update(a for a in kb.ancestors(index).tolist() if a != index)
    terms: list[Term] = []
    for index, (resolved, raw) in unique.items():
        if index in ancestors_of_others:
            notes.append(
                Finding(
                    FindingLevel.INFO,
                    f"{resolved.id} ({resolved.label}) is implied by a more "
                    "specific observed term and was removed.",
                )
            )
            continue
        terms.append(Term(resolved.id, resolved.label, raw.onset, resolved.original_id))
    return terms


def require_observed(case: Case) -> None:
    """Raise a clear InputError if the case has no usable observed feature (needed to rank)."""
    if not case.observed:
        detail = " (it has only excluded terms)" if case.excluded else ""
        raise InputError(
            f"Case '{case.id}' has no observed clinical feature that ipexpath can use{detail}.",
            "Add at least one observed HPO term (--hpo HP:... or the case file's 'observed' list).",
        )
