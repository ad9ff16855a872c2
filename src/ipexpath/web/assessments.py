"""Run the pathway for a case entered on the web and keep the result with the patient.

The pathway is called through its public functions only (`ipexpath.report.run_assessment`, the renderers,
`assessment_json`); the knowledge base and the ranking model are loaded once per process (gunicorn preloads
them before forking its workers, so the workers share the memory).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipexpath import __version__
from ipexpath.case import Case
from ipexpath.errors import InputError
from ipexpath.knowledge import KnowledgeBase, load_knowledge
from ipexpath.registry.models import Patient, StoredAssessment
from ipexpath.web.models import AssessmentDocuments


@functools.cache
def knowledge() -> KnowledgeBase:
    """The shipped HPO release, loaded once per process."""
    return load_knowledge()


@functools.cache
def ranking_model() -> Any:
    """The Suspect ranking model, built once per process."""
    from ipexpath.suspect import RankingModel

    return RankingModel.build(knowledge())


def warm_up(full: bool = False) -> None:
    """Load the knowledge base and the model now (before gunicorn forks, or before the first request); with
    `full`, also assess the bundled example once in memory (nothing stored) and recognise a sentence, so that
    what the pathway loads or compiles on first use (report templates, variant tools, the free-text lexicon)
    is ready in every worker: the first assessment of a cold process cost ~2.5 s of CPU, the next ~0.25 s."""
    ranking_model()
    if full:
        from ipexpath.case import read_case
        from ipexpath.report import example_inputs, render_leaflet, render_report, run_assessment

        example = example_inputs()
        case = read_case(example.case, knowledge())
        assessment = run_assessment(
            knowledge(), case, vcf=example.available_vcf(), family=example.family, model=ranking_model()
        )
        render_report(assessment)
        render_leaflet(assessment)
        from ipexpath.knowledge.textmine import recognise

        recognise(knowledge(), "Infant with watery diarrhea and eczema; no fever.")  # builds the text lexicon


@dataclass(frozen=True)
class CaseEntry:
    """What the case-entry form (or the API) gives: terms, free text, sex, ages, test coverage."""

    hpo: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    text: str = ""
    sex: str = ""
    age: str = ""
    onset: str = ""
    covered: str = ""


def build_case(entry: CaseEntry, case_id: str) -> Case:
    """The pathway's Case for the entry (the same rules as the command line's --hpo/--text flags)."""
    from ipexpath.commands.case_input import case_from_options

    case = case_from_options(
        knowledge(),
        {
            "case_file": None,
            "hpo": entry.hpo,
            "excluded": entry.excluded,
            "sex": entry.sex or None,
            "age": entry.age or None,
            "onset": entry.onset or None,
            "text": entry.text or None,
        },
    )
    return dataclasses.replace(case, id=case_id, source="web case entry")


def with_registry_record(case: Case, patient: Patient) -> Case:
    """The case with what the registry already knows of the patient: his transplants (so no referral for
    one) and his sex when the entry left it out; an entered sex that contradicts the record is refused."""
    from ipexpath.case.model import Transplant
    from ipexpath.types import Sex

    recorded = Sex.parse(patient.sex) if patient.sex in ("male", "female") else Sex.UNKNOWN
    if recorded is not Sex.UNKNOWN and case.sex is not Sex.UNKNOWN and case.sex is not recorded:
        entered, record = case.sex.value.lower(), recorded.value.lower()
        raise InputError(
            f"The sex entered ({entered}) differs from the registry record ({record}).",
            "Correct the entry or the patient's record before assessing.",
        )
    transplants = tuple(
        Transplant(None, f"registry HSCT record {h.sequence} (day 0 {h.day0.isoformat()})")
        for h in patient.transplants.order_by("day0")
    )
    return dataclasses.replace(
        case,
        sex=case.sex if case.sex is not Sex.UNKNOWN else recorded,
        transplants=case.transplants + transplants,
    )


def single_sample_vcf(path: Path, sample: str | None, workdir: Path) -> Path:
    """The VCF reduced to the chosen sample (multi-sample files), or as it is (one sample)."""
    from cyvcf2 import VCF, Writer

    try:
        reader = VCF(str(path))
        samples = list(reader.samples)
        reader.close()
    except (OSError, ValueError) as exc:
        raise InputError(
            "The uploaded file is not a readable VCF.", "Upload a .vcf or .vcf.gz file."
        ) from exc
    if len(samples) <= 1 and not sample:
        return path
    if not sample:
        raise InputError(
            f"The VCF has {len(samples)} samples; choose which one is the patient.",
            f"Samples in the file: {', '.join(samples[:20])}.",
        )
    if sample not in samples:
        raise InputError(f"The sample '{sample}' is not in the VCF.", f"Samples: {', '.join(samples[:20])}.")
    if samples == [sample]:
        return path
    reader = VCF(str(path), samples=[sample])
    out = workdir / "sample.vcf"
    writer = Writer(str(out), reader)
    for variant in reader:
        writer.write_record(variant)
    writer.close()
    reader.close()
    return out


def vcf_samples(path: Path) -> list[str]:
    """The sample names in a VCF header ([] when unreadable)."""
    from cyvcf2 import VCF

    try:
        reader = VCF(str(path))
    except (OSError, ValueError):
        return []
    samples = list(reader.samples)
    reader.close()
    return samples


COVERED_GENE = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,19}$")


def covered_genes(text: str) -> str | None:
    """What the test covered, as the comma-separated gene symbols `run_assessment(covered=)` takes; None
    when not stated. Only symbols: a web user never names a file on the server (the CLI's BED path)."""
    symbols = [s for s in re.split(r"[\s,;]+", text.strip()) if s]
    if not symbols:
        return None
    bad = [s for s in symbols if not COVERED_GENE.match(s)]
    if bad:
        raise InputError(
            f"'{bad[0][:40]}' is not a gene symbol.",
            "Name the genes the test covered, separated by commas (e.g. FOXP3, IL2RA, STAT5B).",
        )
    return ",".join(symbols)


def family_file(patient: Patient, workdir: Path) -> Path | None:
    """The patient's family from the family editor as a family file for the assessment (None if none)."""
    from ipexpath.web.family_pages import stored_family

    family_id, relatives = stored_family(patient)
    if not relatives:
        return None
    path = workdir / "family.json"
    entries = [p.entry() for p in relatives]
    path.write_text(json.dumps({"family": family_id, "individuals": entries}), encoding="utf-8")
    return path


def run_and_store(
    patient: Patient, entry: CaseEntry, vcf: Path | None = None, sample: str | None = None
) -> StoredAssessment:
    """Assess the entered case (with the VCF if given), store the JSON and the rendered documents."""
    from ipexpath.report import assessment_json, render_leaflet, render_report, run_assessment, summary_text

    case = with_registry_record(build_case(entry, patient.pseudonym), patient)
    with tempfile.TemporaryDirectory(prefix="ipexpath-web-") as work:
        chosen = single_sample_vcf(vcf, sample, Path(work)) if vcf is not None else None
        family = family_file(patient, Path(work))
        assessment = run_assessment(
            knowledge(),
            case,
            vcf=chosen,
            family=family,
            covered=covered_genes(entry.covered),
            model=ranking_model(),
        )
        payload = json.loads(assessment_json(assessment))
    stored = StoredAssessment.objects.create(
        patient=patient, ipexpath_version=__version__, assessment_json=payload
    )
    AssessmentDocuments.objects.create(
        assessment=stored,
        report_html=render_report(assessment),
        leaflet_html=render_leaflet(assessment),
        summary=summary_text(assessment),
        case_entry=entry_record(entry),
    )
    return stored


def entry_record(entry: CaseEntry) -> dict[str, Any]:
    """The case as entered, kept with the assessment, with the recognition of its free text."""
    from ipexpath.web.text_view import recognition

    record: dict[str, Any] = dataclasses.asdict(entry)
    record["hpo"], record["excluded"] = list(entry.hpo), list(entry.excluded)
    record["recognition"] = recognition(entry.text) if entry.text.strip() else None
    return record


def entry_from_record(record: dict[str, Any]) -> CaseEntry:
    """The CaseEntry of a stored case (to revise it); unknown keys are ignored."""

    def text(key: str) -> str:
        return str(record.get(key) or "")

    def ids(key: str) -> tuple[str, ...]:
        value = record.get(key) or []
        return tuple(str(t) for t in value) if isinstance(value, list) else ()

    return CaseEntry(
        hpo=ids("hpo"),
        excluded=ids("excluded"),
        text=text("text"),
        sex=text("sex"),
        age=text("age"),
        onset=text("onset"),
        covered=text("covered"),
    )


def run_example(patient: Patient) -> StoredAssessment:
    """Assess the bundled fictional example family (case, VCF and family file) for `patient`."""
    from ipexpath.case import read_case
    from ipexpath.report import (
        assessment_json,
        example_inputs,
        render_leaflet,
        render_report,
        run_assessment,
        summary_text,
    )

    example = example_inputs()
    # the case carries the patient's pseudonym, as a case entered on the page does (the report names him so)
    case = dataclasses.replace(
        read_case(example.case, knowledge()), id=patient.pseudonym, source="bundled fictional example"
    )
    assessment = run_assessment(
        knowledge(), case, vcf=example.available_vcf(), family=example.family, model=ranking_model()
    )
    stored = StoredAssessment.objects.create(
        patient=patient, ipexpath_version=__version__, assessment_json=json.loads(assessment_json(assessment))
    )
    AssessmentDocuments.objects.create(
        assessment=stored,
        report_html=render_report(assessment),
        leaflet_html=render_leaflet(assessment),
        summary=summary_text(assessment),
    )
    return stored
