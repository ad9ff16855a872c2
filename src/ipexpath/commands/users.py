"""`ipexpath users …`: accounts of the web application (role, centres, password, API tokens)."""

from __future__ import annotations

import sys

import click

from ipexpath.commands.options import emit_json, json_option
from ipexpath.errors import InputError


def _ready() -> None:
    from ipexpath.commands.serve import web_settings
    from ipexpath.registry.bootstrap import migrate

    web_settings()
    migrate()


@click.group("users")
def command() -> None:
    """Accounts of the web application (roles: clinician, genetic_counsellor, registry_coordinator,
    read_only, administrator)."""


@command.command("create")
@click.argument("name")
@click.option(
    "--role",
    required=True,
    help="clinician, genetic_counsellor, registry_coordinator, read_only or administrator.",
)
@click.option("--centre", "centres", multiple=True, required=True, help="Centre code (repeat for several).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line).")
@json_option
def create(name: str, role: str, centres: tuple[str, ...], password_stdin: bool, as_json: bool) -> None:
    """Create a user with a role in one or more centres."""
    from ipexpath.web.roles import parse_role

    if not password_stdin:
        raise InputError("Give the password on standard input with --password-stdin (never as an argument).")
    parsed = parse_role(role)
    password = sys.stdin.readline().rstrip("\r\n")
    _ready()
    from ipexpath.web.accounts import create_user

    create_user(name, parsed, centres, password)
    if as_json:
        emit_json({"user": name, "role": parsed.value, "centres": list(centres)})
    else:
        click.echo(f"User '{name}' created: {parsed.label} in {', '.join(centres)}.")


@command.command("list")
@json_option
def list_(as_json: bool) -> None:
    """List users with their role and centres."""
    _ready()
    from django.contrib.auth import get_user_model

    rows = []
    from ipexpath.web.second_factor import is_enrolled

    for user in get_user_model().objects.order_by("username"):
        membership = getattr(user, "membership", None)
        rows.append(
            {
                "user": user.get_username(),
                "role": membership.role if membership else None,
                "centres": [c.code for c in membership.centres.all()] if membership else [],
                "active": user.is_active,
                "second_factor": is_enrolled(user),
            }
        )
    if as_json:
        emit_json({"users": rows})
        return
    for row in rows:
        factor = "2FA" if row["second_factor"] else "-"
        click.echo(f"{row['user']:<20} {row['role'] or '-':<22} {factor:<4} {', '.join(row['centres'])}")


@command.command("token")
@click.argument("name")
@click.option("--label", default="", help="What the token is for.")
@click.option(
    "--days",
    type=click.IntRange(1, 365),
    default=None,
    help="Days until the token expires (default IPEXPATH_API_TOKEN_DAYS, 90; at most 365).",
)
@json_option
def token(name: str, label: str, days: int | None, as_json: bool) -> None:
    """Issue an API bearer token for a user (shown once; only its hash is stored); it expires after --days
    (the token alone goes to standard output, its expiry to standard error)."""
    _ready()
    from django.contrib.auth import get_user_model

    from ipexpath.web.models import ApiToken

    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise InputError(f"No user '{name}'.")
    text = ApiToken.issue(user, label, days)
    expires = ApiToken.objects.get(digest=ApiToken.hash(text)).expires_at
    from ipexpath.registry.audit import acting_as
    from ipexpath.web.credentials import changed

    with acting_as("ipexpath users", "command line"):
        changed(
            user,
            f"an API token was issued{f' ({label})' if label else ''}, expiring {expires:%Y-%m-%d}",
            "an administrator (command line)",
        )
    if as_json:
        emit_json({"user": name, "token": text, "expires_at": expires.isoformat()})
    else:
        click.echo(text)
        click.echo(f"The token expires on {expires:%Y-%m-%d %H:%M} UTC.", err=True)


@command.command("tokens")
@click.argument("name", required=False)
@json_option
def tokens(name: str | None, as_json: bool) -> None:
    """List API tokens (of NAME, or of everyone): label, issued, expires, active / expired / revoked."""
    _ready()
    from ipexpath.web.models import ApiToken

    rows = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
    if name is not None:
        rows = rows.filter(user=_user(name))
    listed = [
        {
            "user": t.user.get_username(),
            "label": t.name,
            "issued": t.created_at.isoformat(),
            "expires_at": t.expires_at.isoformat(),
            "state": t.state,
        }
        for t in rows
    ]
    if as_json:
        emit_json({"tokens": listed})
        return
    if not listed:
        click.echo("No API tokens.")
    for t, row in zip(rows, listed, strict=True):
        click.echo(
            f"{row['user']:<20} {row['state']:<8} issued {t.created_at:%Y-%m-%d} "
            f"expires {t.expires_at:%Y-%m-%d %H:%M} UTC  {row['label']}"
        )


def _user(name: str) -> object:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise InputError(f"No user '{name}'.", "See the accounts with: ipexpath users list")
    return user


@command.command("enrol-mfa")
@click.argument("name")
@json_option
def mfa_enrol(name: str, as_json: bool) -> None:
    """Second sign-in factor: give NAME a new authenticator-app key (TOTP) and 10 recovery codes, replacing
    earlier ones; shown once. Required for the roles in IPEXPATH_MFA_ROLES (administrators by default)."""
    _ready()
    from ipexpath.registry import audit
    from ipexpath.registry.audit import acting_as
    from ipexpath.web import second_factor
    from ipexpath.web.credentials import changed

    user = _user(name)
    done = second_factor.enrol(user)
    with acting_as("ipexpath users", "command line"):
        audit.record("update", model="User", detail=f"second factor enrolled for {name}")
        changed(
            user,
            "a new second sign-in factor (authenticator key and recovery codes) was enrolled",
            "an administrator (command line)",
        )
    if as_json:
        emit_json(
            {"user": name, "key": done.key, "uri": done.uri, "recovery_codes": list(done.recovery_codes)}
        )
        return
    click.echo(f"Second factor for '{name}' (shown once — give it to the user in person):")
    click.echo(f"  Key for the authenticator app (time-based, 6 digits, 30 s): {done.key}")
    click.echo(f"  Or as a link/QR content: {done.uri}")
    click.echo("  Recovery codes (each works once, if the phone is lost):")
    for code in done.recovery_codes:
        click.echo(f"    {code}")


@command.command("reset-mfa")
@click.argument("name")
@json_option
def mfa_reset(name: str, as_json: bool) -> None:
    """Remove NAME's authenticator and recovery codes (a lost phone); enrol again with `users enrol-mfa`."""
    _ready()
    from ipexpath.registry import audit
    from ipexpath.registry.audit import acting_as
    from ipexpath.web import second_factor
    from ipexpath.web.credentials import changed

    user = _user(name)
    removed = second_factor.reset(user)
    with acting_as("ipexpath users", "command line"):
        audit.record("update", model="User", detail=f"second factor reset for {name} ({removed} removed)")
        changed(user, "your second sign-in factor was removed", "an administrator (command line)")
    if as_json:
        emit_json({"user": name, "removed": removed})
    else:
        click.echo(
            f"Second factor of '{name}' removed. If their role needs one, they cannot sign in until enrolled "
            f"again: ipexpath users enrol-mfa {name}"
        )


@command.command("set-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input (one line).")
@json_option
def set_password(name: str, password_stdin: bool, as_json: bool) -> None:
    """Reset NAME's password (a forgotten password); the user is told at their next sign-in, and it is
    audited. Their sessions elsewhere end (Django invalidates sessions on a password change)."""
    if not password_stdin:
        raise InputError("Give the password on standard input with --password-stdin (never as an argument).")
    password = sys.stdin.readline().rstrip("\r\n")
    _ready()
    from ipexpath.registry.audit import acting_as
    from ipexpath.web.accounts import set_password as apply
    from ipexpath.web.credentials import changed

    user = _user(name)
    apply(user, password)
    with acting_as("ipexpath users", "command line"):
        changed(user, "your password was reset", "an administrator (command line)")
    if as_json:
        emit_json({"user": name, "password": "reset"})
    else:
        click.echo(f"Password of '{name}' reset; they will be told at their next sign-in.")


@command.command("revoke-tokens")
@click.argument("name")
@json_option
def revoke_tokens(name: str, as_json: bool) -> None:
    """Revoke every API token of NAME (a leaked token, a script retired); audited, and the user is told."""
    _ready()
    from ipexpath.registry.audit import acting_as
    from ipexpath.web.credentials import changed
    from ipexpath.web.models import ApiToken

    user = _user(name)
    revoked = ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)
    if revoked:
        with acting_as("ipexpath users", "command line"):
            changed(user, f"{revoked} API token(s) were revoked", "an administrator (command line)")
    if as_json:
        emit_json({"user": name, "revoked": revoked})
    else:
        click.echo(f"{revoked} API token(s) of '{name}' revoked.")
