"""Django application config of the registry."""

from __future__ import annotations

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """The `ipexpath.registry` app (label `registry`)."""

    name = "ipexpath.registry"
    label = "registry"
    verbose_name = "IPEX treatment and follow-up registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Connect the audit-trail signal handlers."""
        from ipexpath.registry import audit  # noqa: F401
