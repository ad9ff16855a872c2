"""First start of the embedded default: create the database, load the demo data, make a demo sign-in.

The demo data are the SYNTHETIC registry cohort (simulated from Barzaghi et al. 2018, `registry.synthetic`)
and the bundled FICTIONAL example family of `ipexpath demo`, assessed once and stored with a patient.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from ipexpath.registry.audit import acting_as
from ipexpath.registry.bootstrap import migrate
from ipexpath.registry.models import Centre, Diagnosis, Patient

DEMO_CENTRE = "synthetic-demo"
EXAMPLE_PSEUDONYM = "EXAMPLE-FAMILY-1"
DEMO_USER = "demo"


@dataclass(frozen=True)
class FirstStart:
    """What the first start did: whether data were loaded, and the one-time demo password (if created)."""

    loaded: bool
    demo_password: str | None
    demo_totp_key: str | None = None  # the demo administrator's authenticator key (administrators need one)


def is_empty() -> bool:
    """No patient and no user yet (a new database)."""
    return not Patient.all_objects.exists() and not get_user_model().objects.exists()


def load_demo(with_example: bool = True) -> FirstStart:
    """Load the synthetic cohort and the example family, and create the demo administrator account (with an
    authenticator key: administrators sign in with a second factor)."""
    from ipexpath.registry.store import import_tables
    from ipexpath.registry.synthetic import simulate
    from ipexpath.web.accounts import create_user
    from ipexpath.web.roles import Role

    with acting_as("ipexpath serve", "first start"):
        if not Patient.all_objects.filter(synthetic=True).exists():
            import_tables(simulate(), detail="synthetic demo cohort (first start of the web app)")
        centre, _ = Centre.objects.get_or_create(code=DEMO_CENTRE, defaults={"name": "Synthetic demo centre"})
        if with_example and not Patient.all_objects.filter(pseudonym=EXAMPLE_PSEUDONYM).exists():
            from ipexpath.web.assessments import run_example

            patient = Patient.objects.create(
                pseudonym=EXAMPLE_PSEUDONYM, centre=centre, sex="male", birth_year=2026, synthetic=True
            )
            stored = run_example(patient)
            _example_family(patient)
            Diagnosis.objects.create(
                patient=patient,
                disease_id="OMIM:304790",
                disease_label="IPEX syndrome (fictional example family)",
                gene="FOXP3",
                assessment=stored,
            )
        password = key = None
        if not get_user_model().objects.filter(username=DEMO_USER).exists():
            from ipexpath.web.second_factor import enrol

            password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
            user = create_user(DEMO_USER, Role.ADMINISTRATOR, [DEMO_CENTRE], password)
            key = enrol(user).key
    return FirstStart(loaded=True, demo_password=password, demo_totp_key=key)


def _example_family(patient: Patient) -> None:
    """The fictional example family, editable in the family editor of the example patient."""
    import yaml

    from ipexpath.report import example_inputs
    from ipexpath.web.family import Relative
    from ipexpath.web.models import FamilyRecord

    data = yaml.safe_load(example_inputs().family.read_text(encoding="utf-8"))
    entries = [Relative.from_entry(e).entry() for e in data["individuals"]]
    FamilyRecord.objects.create(patient=patient, family_id=str(data["family"]), relatives=entries)


def prepare(load: bool) -> FirstStart:
    """Migrate; on an empty database (and `load`), load the demo data."""
    migrate()
    if load and is_empty():
        return load_demo()
    return FirstStart(loaded=False, demo_password=None)
