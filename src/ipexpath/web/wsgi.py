"""WSGI entry point (gunicorn: `ipexpath.web.wsgi:application`; `ipexpath serve` runs it)."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipexpath.web.settings")

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
