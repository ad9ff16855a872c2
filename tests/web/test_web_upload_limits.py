"""A .vcf.gz is checked once decompressed (OWASP ASVS 12.1.2): over the size or line limit, or a broken
gzip, is refused with a sentence and nothing is stored — on the page and through the API."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from webworld import World

HEADER = b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"


@pytest.fixture()
def small_limits() -> Iterator[None]:
    from django.conf import settings

    before = settings.MAX_VCF_DECOMPRESSED_MB, settings.MAX_VCF_LINES
    settings.MAX_VCF_DECOMPRESSED_MB, settings.MAX_VCF_LINES = 1, 1000
    yield
    settings.MAX_VCF_DECOMPRESSED_MB, settings.MAX_VCF_LINES = before


def _bomb(tmp_path: Path) -> Path:
    """3 MB of VCF text in a gzip of a few kilobytes (far under the upload limit)."""
    path = tmp_path / "bomb.vcf.gz"
    path.write_bytes(gzip.compress(HEADER + b"#" * (3 * 1024 * 1024) + b"\n"))
    assert path.stat().st_size < 20_000
    return path


def _many_lines(tmp_path: Path) -> Path:
    path = tmp_path / "lines.vcf.gz"
    path.write_bytes(gzip.compress(HEADER + b"X\t1\t.\tA\tG\t.\t.\t.\n" * 2000))
    return path


def _broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.vcf.gz"
    lines = b"".join(b"X\t%d\t.\tA\tG\t.\t.\t.\n" % (i * 7919 % 100_003) for i in range(500))
    whole = gzip.compress(HEADER + lines)
    path.write_bytes(whole[: len(whole) // 2])  # cut short: an incomplete upload
    return path


def _stored() -> int:
    from ipexpath.registry.models import StoredAssessment

    return int(StoredAssessment.objects.count())


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_bomb, "larger than 1 MB once decompressed"),
        (_many_lines, "more than 1,000 lines"),
        (_broken, "not a readable gzip file"),
    ],
)
def test_page_refuses_a_vcf_gz_past_the_decompressed_limits(
    world: World, tmp_path: Path, small_limits: None, make: object, message: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    before = _stored()
    with path.open("rb") as handle:
        response = world.client("clinician").post(
            f"/patients/{world.patient_a}/assess/", {"hpo": ["HP:0002721"], "vcf": handle}
        )
    page = response.content.decode()
    assert response.status_code == 400 and message in page and "nothing was stored" in page
    assert "once decompressed, at most 1 MB and 1000 lines" in page
    assert _stored() == before


def test_api_refuses_a_vcf_gz_past_the_decompressed_limits(
    world: World, tmp_path: Path, small_limits: None
) -> None:
    before = _stored()
    with _bomb(tmp_path).open("rb") as handle:
        response = world.client("clinician").post(
            f"/api/patients/{world.patient_a}/assessments/vcf", {"hpo": "HP:0002721", "vcf": handle}
        )
    assert response.status_code == 400 and "once decompressed" in response.json()["detail"]
    assert _stored() == before


def test_a_gzip_that_is_not_a_vcf_inside_is_refused(world: World, tmp_path: Path) -> None:
    path = tmp_path / "notes.vcf.gz"
    path.write_bytes(gzip.compress(b"just some notes\n"))
    with path.open("rb") as handle:
        response = world.client("clinician").post(
            f"/patients/{world.patient_a}/assess/", {"hpo": ["HP:0002721"], "vcf": handle}
        )
    assert response.status_code == 400 and "does not start like a VCF" in response.content.decode()
