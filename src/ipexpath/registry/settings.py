"""Django settings for the registry when it is used without the web application (CLI, scripts, tests).

The database is `IPEXPATH_DATABASE_URL` (any URL `dj-database-url` understands, e.g.
`postgres://user@host:5432/ipexpath`) or, by default, an SQLite file in the user's data folder
(`IPEXPATH_DATA_DIR`, else `$XDG_DATA_HOME/ipexpath`, else `~/.local/share/ipexpath`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url


def data_dir() -> Path:
    """The folder that holds the embedded SQLite database (created on first use)."""
    explicit = os.environ.get("IPEXPATH_DATA_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ipexpath"


def database_settings(url: str | None = None) -> dict[str, Any]:
    """Django DATABASES['default'] for `url` (or the environment, or the embedded SQLite default)."""
    url = url or os.environ.get("IPEXPATH_DATABASE_URL")
    if not url:
        url = f"sqlite:///{data_dir() / 'registry.sqlite3'}"
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Two processes importing at once: wait for the write lock instead of failing, and take it at the
        # start of each transaction so that no transaction has to be retried half-way (Django >= 5.1).
        config["OPTIONS"] = {"timeout": 60, "transaction_mode": "IMMEDIATE"}
    return config


# The registry CLI signs nothing (no sessions, no cookies); the web application sets its own secret key.
SECRET_KEY = os.environ.get("IPEXPATH_SECRET_KEY", "ipexpath-registry-cli-signs-nothing")
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "ipexpath.registry"]
DATABASES = {"default": database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGGING_CONFIG = None  # no patient data in logs: Django's default logging is not installed
