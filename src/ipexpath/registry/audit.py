"""The audit trail: every change to a registry row is written as an `AuditEvent` (who, when, before, after).

Single saves are caught by Django signals, so the CLI, imports and the web application are audited the same
way; bulk imports write their audit rows in bulk (one per created row). The actor and the source come from a
context variable that the CLI (operating-system user or `IPEXPATH_USER`) or the web request sets.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import os
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from ipexpath.registry.models import AuditEvent, Patient, RegistryRecord

_actor: ContextVar[tuple[str, str] | None] = ContextVar("ipexpath_registry_actor", default=None)


def default_actor() -> str:
    """The person behind a CLI call: `IPEXPATH_USER`, else the operating-system login name."""
    explicit = os.environ.get("IPEXPATH_USER")
    if explicit:
        return explicit
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def current_actor() -> tuple[str, str]:
    """(actor, source) for audit rows written now."""
    return _actor.get() or (default_actor(), "cli")


@contextlib.contextmanager
def acting_as(actor: str, source: str) -> Iterator[None]:
    """Attribute every audit row written inside the block to `actor` coming from `source`."""
    token = _actor.set((actor, source))
    try:
        yield
    finally:
        _actor.reset(token)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The row's concrete field values as JSON-safe data (foreign keys as ids)."""
    return {
        field.attname: _json_value(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if field.attname not in ("updated_at",)
    }


def patient_of(instance: models.Model) -> str:
    """The pseudonym of the patient a row belongs to ('' for rows without a patient)."""
    if isinstance(instance, Patient):
        return instance.pseudonym
    patient = getattr(instance, "patient", None)
    if patient is None:
        for parent in ("transplant", "visit"):
            owner = getattr(instance, parent, None)
            if owner is not None:
                patient = owner.patient
                break
    return patient.pseudonym if isinstance(patient, Patient) else ""


def record(
    action: str,
    instance: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str = "",
    model: str = "",
    patient: str = "",
) -> AuditEvent:
    """Write one audit row now, attributed to the current actor."""
    actor, source = current_actor()
    event = AuditEvent(
        actor=actor,
        source=source,
        action=action,
        model=model or (type(instance).__name__ if instance is not None else ""),
        object_pk=str(instance.pk) if instance is not None and instance.pk is not None else "",
        patient_pseudonym=patient or (patient_of(instance) if instance is not None else ""),
        before=before,
        after=after,
        detail=detail,
    )
    event.save()
    return event


def record_created(rows: Iterable[models.Model], detail: str) -> int:
    """Bulk audit rows for rows created in bulk (imports); returns how many were written."""
    actor, source = current_actor()
    now = timezone.now()
    events = [
        AuditEvent(
            at=now,
            actor=actor,
            source=source,
            action="create",
            model=type(row).__name__,
            object_pk=str(row.pk),
            patient_pseudonym=patient_of(row),
            after=snapshot(row),
            detail=detail,
        )
        for row in rows
    ]
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    return len(events)


def soft_delete(instance: RegistryRecord, reason: str) -> None:
    """Hide a row (never removed physically); the reason is required and audited."""
    if not reason.strip():
        raise ValueError("A reason is required to delete a registry record.")
    instance.deleted_at = timezone.now()
    instance.deleted_reason = reason.strip()
    instance.save()


@receiver(pre_save)
def _remember_before(sender: type[models.Model], instance: models.Model, raw: bool = False, **_: Any) -> None:
    if raw or not isinstance(instance, RegistryRecord) or instance.pk is None:
        return
    previous = type(instance).all_objects.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(previous) if previous is not None else None  # type: ignore[attr-defined]


@receiver(post_save)
def _record_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **_: Any
) -> None:
    if raw or not isinstance(instance, RegistryRecord):  # raw: a backup being restored keeps its own trail
        return
    before = getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if created:
        action = "create"
    elif instance.deleted_at is not None and (before or {}).get("deleted_at") is None:
        action = "delete"
    else:
        action = "update"
    record(action, instance, before=None if created else before, after=after, detail=instance.deleted_reason)
