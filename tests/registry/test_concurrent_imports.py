"""Two processes importing at once lose nothing: every patient and every audit row arrives."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ipexpath.registry.synthetic import CohortSpec, simulate


def _write_import(folder: Path, centre: str, seed: int, prefix: str) -> None:
    from ipexpath.registry.csv_io import write_csv

    data = simulate(CohortSpec(n_hsct=40, n_is=20, seed=seed, centre=centre, visits_per_patient=3))
    for rows in data.values():
        for row in rows:
            for key in ("pseudonym", "patient"):
                if key in row:
                    row[key] = row[key].replace("SYN-", prefix)
    folder.mkdir()
    write_csv(data, folder)


def test_two_processes_import_at_the_same_time(registry: str, tmp_path: Path) -> None:
    from ipexpath.registry import models as m

    _write_import(tmp_path / "a", "centre-a", 1, "A-")
    _write_import(tmp_path / "b", "centre-b", 2, "B-")
    env = {**os.environ, "IPEXPATH_DATABASE_URL": registry}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "ipexpath.cli", "registry", "import", str(tmp_path / name)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    assert m.Patient.objects.count() == 120
    assert (
        m.FollowUpVisit.objects.count()
        == sum(1 for _ in (tmp_path / "a" / "visit.csv").open())
        + sum(1 for _ in (tmp_path / "b" / "visit.csv").open())
        - 2
    )
    created = m.AuditEvent.objects.filter(action="create")
    assert created.filter(model="Patient").count() == 120
    total_rows = sum(
        model.objects.count()
        for model in (
            m.Patient,
            m.Diagnosis,
            m.Hsct,
            m.ChimerismMeasurement,
            m.ImmunosuppressionCourse,
            m.SupportiveCare,
            m.FollowUpVisit,
            m.OiAssessment,
        )
    )
    assert created.count() == total_rows
