"""`ipexpath serve`: run the web application under gunicorn (first start: demo data and a demo sign-in)."""

from __future__ import annotations

import os
from typing import Any

import click

DEFAULT_WORKERS = max(2, min(4, os.cpu_count() or 2))  # see docs/web.md: one worker per core, 2 to 4
THREADS = 4  # threads per worker (gthread): page views wait on the database, not the CPU


def web_settings(host: str | None = None) -> None:
    """Point Django at the web settings (before anything configures it); allow `host` as a host name."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "ipexpath.web.settings"
    if host and "IPEXPATH_ALLOWED_HOSTS" not in os.environ:
        extra = "" if host in ("127.0.0.1", "localhost", "::1", "0.0.0.0", "::") else f",{host}"
        os.environ["IPEXPATH_ALLOWED_HOSTS"] = "localhost,127.0.0.1,[::1]" + extra
    from ipexpath.registry.bootstrap import configure

    configure()


def _gunicorn(options: dict[str, Any]) -> Any:
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):  # type: ignore[misc]
        """gunicorn running the already-loaded Django application."""

        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from ipexpath.web.wsgi import application

            return application

    return Application()


@click.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default)."
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port.")
@click.option(
    "--workers",
    default=DEFAULT_WORKERS,
    show_default=True,
    type=click.IntRange(1, 64),
    help="gunicorn worker processes (each with 4 threads; the HPO index is shared, loaded before forking).",
)
@click.option(
    "--demo-data/--no-demo-data",
    default=True,
    show_default=True,
    help="On a new, empty database: load the synthetic registry cohort, the fictional example family and "
    "create a demo sign-in.",
)
def command(host: str, port: int, workers: int, demo_data: bool) -> None:
    """Run the web application for the care team (Ctrl-C stops it)."""
    web_settings(host)
    from django.db import connections

    from ipexpath.web.assessments import warm_up
    from ipexpath.web.firststart import DEMO_USER, prepare

    click.echo("Preparing the database and loading the HPO release …")
    started = prepare(load=demo_data)
    warm_up()
    connections.close_all()  # no database connection may cross the fork into the workers
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/"
    click.echo(f"ipexpath is running at {url}  (Ctrl-C stops it)")
    if started.loaded:
        click.echo("First start: loaded the SYNTHETIC registry cohort and the FICTIONAL example family.")
    if started.demo_password:
        click.echo(
            f"Demo sign-in (shown once): user '{DEMO_USER}', password '{started.demo_password}'. "
            "Create real accounts with: ipexpath users create NAME --role ROLE --centre CODE --password-stdin"
        )
    _gunicorn(
        {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": THREADS,
            "preload_app": True,
            "timeout": 120,
            "graceful_timeout": 10,
            "accesslog": None,  # no request log: URLs carry pseudonyms (no patient data in logs)
            "errorlog": "-",
            "loglevel": "warning",
            "limit_request_line": 8190,
            "proc_name": "ipexpath-web",
        }
    ).run()
