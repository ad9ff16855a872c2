"""Roles of the care team and what each may do (one table, used by the pages, the API and the tests)."""

from __future__ import annotations

from enum import StrEnum

from ipexpath.errors import InputError


class Role(StrEnum):
    """The five roles of issue 16."""

    CLINICIAN = "clinician"
    GENETIC_COUNSELLOR = "genetic_counsellor"
    REGISTRY_COORDINATOR = "registry_coordinator"
    READ_ONLY = "read_only"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        """The role in words."""
        return self.value.replace("_", " ")


class Permission(StrEnum):
    """One kind of action; every page and API endpoint names the permission it needs."""

    VIEW = "view"  # read patients of one's centres, their assessments and registry data
    ASSESS = "assess"  # enter a case and run an assessment (stores a StoredAssessment)
    EDIT_REGISTRY = "edit_registry"  # add patients, treatments, visits, OI scores
    ANALYSE = "analyse"  # the registry analysis report (pseudonymous, aggregated over one's centres)
    AUDIT = "audit"  # read the audit trail
    DELETE = "delete"  # delete (soft-delete, with a reason) a patient's record; needs re-authentication
    EXPORT = "export"  # export the registry of one's centres (a zip of files); needs re-authentication
    MANAGE_USERS = (
        "manage_users"  # the user list: reset a second factor, (de)activate; needs re-authentication
    )


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.CLINICIAN: frozenset(
        {Permission.VIEW, Permission.ASSESS, Permission.EDIT_REGISTRY, Permission.ANALYSE}
    ),
    Role.GENETIC_COUNSELLOR: frozenset({Permission.VIEW, Permission.ASSESS, Permission.ANALYSE}),
    Role.REGISTRY_COORDINATOR: frozenset(
        {Permission.VIEW, Permission.EDIT_REGISTRY, Permission.ANALYSE, Permission.DELETE, Permission.EXPORT}
    ),
    Role.READ_ONLY: frozenset({Permission.VIEW}),
    Role.ADMINISTRATOR: frozenset(Permission),
}


def allowed(role: Role | None, permission: Permission) -> bool:
    """May a user with `role` do `permission`? (No role: nothing.)"""
    return role is not None and permission in GRANTS[role]


def parse_role(text: str) -> Role:
    """A role from its name ('read-only', 'read only', 'read_only'); InputError naming the choices."""
    value = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return Role(value)
    except ValueError:
        raise InputError(
            f"Unknown role '{text}'.", f"Use one of: {', '.join(r.value for r in Role)}."
        ) from None
