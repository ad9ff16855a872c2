"""Django application config of the web app (accounts, roles, centre membership, API tokens)."""

from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """The `ipexpath.web` app (label `web`)."""

    name = "ipexpath.web"
    label = "web"
    verbose_name = "ipexpath web application"
    default_auto_field = "django.db.models.BigAutoField"
