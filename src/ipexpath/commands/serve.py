"""`ipexpath serve`: run the web application under gunicorn (first start: demo data and a demo sign-in)."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from ipexpath.commands.options import json_option

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


def _announce(url: str, loaded: bool, password: str | None, user: str, key: str | None = None) -> None:
    click.echo(f"ipexpath is running at {url}  (Ctrl-C stops it)")
    if loaded:
        click.echo("First start: loaded the SYNTHETIC registry cohort and the FICTIONAL example family.")
    if password:
        click.echo(
            f"Demo sign-in (shown once): user '{user}', password '{password}'. "
            "Create real accounts with: ipexpath users create NAME --role ROLE --centre CODE --password-stdin"
        )
    if password and key:
        click.echo(
            f"The demo user is an administrator and signs in with a second factor: add the key {key} to an "
            "authenticator app (time-based, 6 digits), then enter its code after the password."
        )


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
@json_option
def command(host: str, port: int, workers: int, demo_data: bool, as_json: bool) -> None:
    """Run the web application for the care team (Ctrl-C stops it)."""
    web_settings(host)
    from django.db import connections

    from ipexpath.web.assessments import warm_up
    from ipexpath.web.firststart import DEMO_USER, prepare

    if not as_json:
        click.echo("Preparing the database and loading the HPO release …")
    started = prepare(load=demo_data)
    warm_up(full=True)
    connections.close_all()  # no database connection may cross the fork into the workers
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/"
    if as_json:  # one JSON line before serving: the URL and the one-time demo sign-in (scripts, tests)
        line = json.dumps(
            {
                "url": url,
                "first_start": started.loaded,
                "demo_user": DEMO_USER if started.demo_password else None,
                "demo_password": started.demo_password,
                "demo_totp_key": started.demo_totp_key,
                "workers": workers,
            }
        )
        click.echo(line)
        sys.stdout.flush()
    else:
        _announce(url, started.loaded, started.demo_password, DEMO_USER, started.demo_totp_key)
    _gunicorn(
        {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": THREADS,
            "preload_app": True,
            "timeout": 120,
            "graceful_timeout": 10,
            "keepalive": 5,  # idle keep-alive (s): longer than a reader's pause, so reused connections hold
            "accesslog": None,  # no request log: URLs carry pseudonyms (no patient data in logs)
            "errorlog": "-",
            "loglevel": "warning",
            "limit_request_line": 8190,
            "proc_name": "ipexpath-web",
        }
    ).run()
