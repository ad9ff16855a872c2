"""The analysis is scoped to the user's centres; the client address comes from X-Forwarded-For only through a
trusted proxy; the API's VCF upload has the page's limits and checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from webworld import World


def _request(remote: str, forwarded: str | None = None) -> Any:
    from django.test import RequestFactory

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.9", "198.51.100.7", "203.0.113.9"),  # not from the proxy: the header is not believed
        ("10.0.0.2", "198.51.100.7", "198.51.100.7"),  # from the proxy: the client it saw
        ("10.0.0.2", "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # a client-written first hop is ignored
        ("10.0.0.2", "198.51.100.7, 10.0.0.3", "198.51.100.7"),  # two proxies in a row
        ("10.0.0.2", "not-an-address", "10.0.0.2"),  # garbage: the proxy's own address
        ("10.0.0.2", None, "10.0.0.2"),
    ],
)
def test_client_address_trusts_x_forwarded_for_only_from_a_trusted_proxy(
    remote: str, forwarded: str | None, expected: str, settings_proxies: None
) -> None:
    from ipexpath.web.middleware import client_address

    assert client_address(_request(remote, forwarded)) == expected


@pytest.fixture()
def settings_proxies() -> Any:
    from django.conf import settings

    before = getattr(settings, "TRUSTED_PROXIES", frozenset())
    settings.TRUSTED_PROXIES = frozenset({"10.0.0.2", "10.0.0.3"})
    yield None
    settings.TRUSTED_PROXIES = before


def test_audit_rows_record_the_forwarded_client_behind_a_trusted_proxy(
    world: World, settings_proxies: None
) -> None:
    from ipexpath.registry.models import AuditEvent

    client = world.client("clinician")
    client.get(f"/patients/{world.patient_a}/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert AuditEvent.objects.filter(action="read").latest("id").source == "web 198.51.100.7"


def test_analysis_is_computed_over_the_users_centres_only(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipexpath.web import analysis_pages

    asked: list[list[str]] = []

    def fake(time_zero: str, codes: list[str]) -> Any:
        asked.append(sorted(codes))
        return analysis_pages.AnalysisReport(time_zero, Path("."), {}, [])

    monkeypatch.setattr(analysis_pages, "current_report", fake)
    assert world.client("clinician").get("/registry/analysis/").status_code == 200
    assert world.client("other").get("/api/registry/analysis").status_code == 200
    assert asked == [["centre-a"], ["centre-b"]]


def test_registry_analysis_filters_patients_by_centre(world: World) -> None:
    from ipexpath.registry.analysis import patient_frame

    assert set(patient_frame("birth")["pseudonym"]) == {world.patient_a, world.patient_b}
    assert set(patient_frame("birth", ["centre-b"])["pseudonym"]) == {world.patient_b}


def test_api_vcf_upload_has_the_pages_checks(world: World, tmp_path: Path) -> None:
    from django.conf import settings

    client = world.client("clinician")
    url = f"/api/patients/{world.patient_a}/assessments/vcf"
    fake = tmp_path / "notes.vcf"
    fake.write_text("this is not a VCF\n")
    with fake.open("rb") as handle:
        refused = client.post(url, {"hpo": "HP:0002721", "vcf": handle})
    assert refused.status_code == 400 and "does not start like a VCF" in refused.json()["detail"]
    named = tmp_path / "notes.txt"
    named.write_text("##fileformat=VCFv4.2\n")
    with named.open("rb") as handle:
        assert client.post(url, {"hpo": "HP:0002721", "vcf": handle}).status_code == 400
    with fake.open("rb") as handle:
        bad_genes = client.post(url, {"covered": "../../etc/passwd.bed", "vcf": handle})
    assert bad_genes.status_code == 400 and "not a gene symbol" in bad_genes.json()["detail"]
    big = tmp_path / "big.vcf"
    big.write_bytes(b"##fileformat=VCFv4.2\n" + b"#" * (2 * 1024 * 1024))
    before = settings.MAX_UPLOAD_MB
    settings.MAX_UPLOAD_MB = 1
    try:
        with big.open("rb") as handle:
            too_big = client.post(url, {"hpo": "HP:0002721", "vcf": handle})
    finally:
        settings.MAX_UPLOAD_MB = before
    assert too_big.status_code == 413 and "larger than the limit of 1 MB" in too_big.json()["detail"]
    assert world.client("read_only").post(url, {"hpo": "HP:0002721"}).status_code == 403


def test_api_vcf_upload_assesses_with_the_saved_family(world: World) -> None:
    from ipexpath.report import example_inputs

    client = world.client("clinician")
    family = [
        {"id": "II-1", "sex": "male", "affected": "unaffected"},
        {"id": "II-2", "sex": "female", "affected": "unaffected"},
        {"id": world.patient_a, "sex": "male", "father": "II-1", "mother": "II-2", "affected": "affected",
         "proband": True},
    ]  # fmt: skip
    put = client.put(
        f"/api/patients/{world.patient_a}/family", {"relatives": family}, content_type="application/json"
    )
    assert put.status_code == 200, put.content
    with example_inputs().vcf.open("rb") as handle:
        made = client.post(
            f"/api/patients/{world.patient_a}/assessments/vcf",
            {"hpo": "HP:0002721,HP:0000964", "sex": "male", "age": "P3M", "covered": "FOXP3", "vcf": handle},
        )
    assert made.status_code == 201, made.content
    payload = client.get(f"/api/assessments/{made.json()['id']}").json()
    assert payload["genetics"]["test"]["covered"] == ["FOXP3"]
    assert payload["family"] is not None and payload["subject_id"] == world.patient_a
    document = client.get(f"/api/assessments/{made.json()['id']}/documents/phenopacket.json")
    assert document.status_code == 200 and document["Content-Disposition"].startswith("attachment;")


def test_refused_requests_are_audited(world: World) -> None:
    """ASVS 7.2.2: a role that may not do something, and a patient of another centre, leave an audit row."""
    from ipexpath.registry.models import AuditEvent

    assert world.client("read_only").get(f"/patients/{world.patient_a}/hsct/new/").status_code == 403
    assert world.client("other").get(f"/api/patients/{world.patient_a}").status_code == 404
    rows = AuditEvent.objects.filter(action="denied").order_by("id")
    assert [(r.actor, r.patient_pseudonym) for r in rows] == [("read_only", ""), ("other", world.patient_a)]
    assert "edit_registry" in rows[0].detail and rows[1].source.startswith("api ")
