"""Accounts: sign-in, lockout, audit of failed sign-ins, password rules, argon2, the users command."""

from __future__ import annotations

import subprocess
import sys

import pytest
from webworld import PASSWORD, World

from ipexpath.errors import InputError


def _post_signin(world: World, username: str, password: str) -> int:
    client = world.client()
    return int(client.post("/signin/", {"username": username, "password": password}).status_code)


def test_sign_in_succeeds_and_is_audited(world: World) -> None:
    from ipexpath.registry.models import AuditEvent

    client = world.client()
    response = client.post("/signin/", {"username": "clinician", "password": PASSWORD, "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    event = AuditEvent.objects.get(action="signin")
    assert event.actor == "clinician" and event.source == "web 127.0.0.1"


def test_failed_sign_in_is_audited_with_who_and_where(world: World) -> None:
    from ipexpath.registry.models import AuditEvent

    assert _post_signin(world, "clinician", "wrong password!") == 401
    event = AuditEvent.objects.get(action="signin_failed")
    assert (event.actor, event.source, event.model) == ("clinician", "web 127.0.0.1", "User")
    assert event.at is not None
    assert "wrong password" not in f"{event.detail} {event.before} {event.after}"  # ASVS 7.1.1


def test_lockout_after_repeated_failures_refuses_the_right_password(world: World) -> None:
    for _ in range(5):
        assert _post_signin(world, "clinician", "wrong password!") == 401
    assert _post_signin(world, "clinician", PASSWORD) == 401  # locked: even the right password fails
    assert _post_signin(world, "read_only", PASSWORD) == 302  # other accounts are unaffected


def test_open_redirect_after_sign_in_is_refused(world: World) -> None:
    response = world.client().post(
        "/signin/", {"username": "clinician", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_passwords_are_hashed_with_argon2(world: World) -> None:
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(username="clinician").password.startswith("argon2$argon2id$")


@pytest.mark.parametrize(
    "password", ["short", "password1234", "123456789012345", "clinician-new-user", "x" * 129]
)
def test_weak_passwords_are_refused(world: World, password: str) -> None:
    from ipexpath.web.accounts import create_user, parse_role

    with pytest.raises(InputError, match="password"):
        create_user("clinician-new-user", parse_role("clinician"), ["centre-a"], password)


def test_long_passphrases_are_accepted(world: World) -> None:
    from ipexpath.web.accounts import create_user, parse_role

    passphrase = "a long passphrase of one hundred characters is fine " * 2  # ASVS 2.1.2: 64+ allowed
    create_user("long-passphrase-user", parse_role("read_only"), ["centre-a"], passphrase[:100])
    assert _post_signin(world, "long-passphrase-user", passphrase[:100]) == 302


def test_unknown_role_names_the_choices() -> None:
    from ipexpath.web.accounts import parse_role

    assert parse_role("Read-only").value == "read_only"
    with pytest.raises(InputError, match="administrator"):
        parse_role("superuser")


def test_users_create_command_reads_the_password_from_stdin(world: World, tmp_path: object) -> None:
    import os

    from django.conf import settings

    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("sqlite3"):
        pytest.skip("the command test uses the SQLite test database")
    env = {**os.environ, "IPEXPATH_DATABASE_URL": f"sqlite:///{db['NAME']}"}
    cmd = [
        sys.executable,
        "-m",
        "ipexpath.cli",
        "users",
        "create",
        "newcomer",
        "--role",
        "genetic counsellor",
    ]
    done = subprocess.run(
        [*cmd, "--centre", "centre-a", "--password-stdin"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "genetic counsellor in centre-a" in done.stdout
    weak = subprocess.run(
        [*cmd[:5], "weakling", "--role", "read_only", "--centre", "centre-a", "--password-stdin"],
        input="abc\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert weak.returncode == 2 and "too short" in weak.stderr and "Traceback" not in weak.stderr
