"""Shared fixtures: the bundled example family assessed once per session, and its written outputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ipexpath.case import read_case
from ipexpath.knowledge import KnowledgeBase
from ipexpath.report import Assessment, Outputs, example_inputs, run_assessment, write_outputs

CREATED = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def example_assessment(kb: KnowledgeBase) -> Assessment:
    """The whole pathway on the bundled example (case, VCF and family)."""
    ex = example_inputs()
    return run_assessment(kb, read_case(ex.case, kb), vcf=ex.vcf, family=ex.family, created=CREATED)


@pytest.fixture(scope="session")
def example_outputs(example_assessment: Assessment, tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    """report.html, leaflet.html and assessment.json of the example, written once."""
    return write_outputs(example_assessment, tmp_path_factory.mktemp("assess") / "out")


@pytest.fixture(scope="session")
def report_html(example_outputs: Outputs) -> str:
    """The professional report's text."""
    return Path(example_outputs.report).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def leaflet_html(example_outputs: Outputs) -> str:
    """The family leaflet's text."""
    return Path(example_outputs.leaflet).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def pathogenic_assessment(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    """The example case and family with a hemizygous FOXP3 nonsense variant (likely pathogenic or
    pathogenic), so relatives' chances and the testing plan are shown whatever the example's own
    variant is classified."""
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "confirm"))
    from vcfmaker import Record, VcfSpec, foxp3_vep

    csq = foxp3_vep("c.100C>T", "p.Gln34Ter", "stop_gained", "A", exon="3/12", MAX_AF="")
    vcf = VcfSpec([Record("X", 49260000, "G", "A", f"CSQ={csq}", ["1"])]).write(
        tmp_path_factory.mktemp("plp") / "boy.vcf"
    )
    ex = example_inputs()
    return run_assessment(kb, read_case(ex.case, kb), vcf=vcf, family=ex.family, created=CREATED)


@pytest.fixture(scope="session")
def pathogenic_outputs(
    pathogenic_assessment: Assessment, tmp_path_factory: pytest.TempPathFactory
) -> Outputs:
    """The outputs of `pathogenic_assessment`, written once."""
    return write_outputs(pathogenic_assessment, tmp_path_factory.mktemp("assess-plp") / "out")
