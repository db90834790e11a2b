"""backup-codes-admin (functions.cli.main) against moto, in process."""

from __future__ import annotations

import io
import json
import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyotp
import pytest

from functions import cli
from functions.bootstrap import build_operator, build_repositories, build_services
from functions.cli.commands import COMMANDS
from functions.core.errors import Unauthenticated
from functions.core.model import RequestContext
from functions.core.policy import TenantPolicy
from functions.core.signin import parse_second_factor
from functions.local.aws import LocalAws
from functions.local.discovery import (
    STATE_DIR_VARIABLE,
    clear_local_stack,
    find_local_stack,
    running_local_stacks,
    state_file,
    write_local_stack,
)
from functions.local.tables import create_tables
from functions.settings import Settings
from functions.store import keys
from functions.store.models import UserModel

PASSWORD = "a long enough password"  # noqa: S105
CONTEXT = RequestContext.of("192.0.2.1", "cli-test")


# What the CLI may change in the environment (dummy credentials for moto): restored
# after each test.
AWS_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                 "AWS_PROFILE", "AWS_ACCOUNT_ID_ENDPOINT_MODE")


class Terminal(io.StringIO):
    """Standard input that is a terminal."""

    def isatty(self) -> bool:
        return True


class Run:
    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                 where: tuple[str, ...] = ("--aws",)) -> None:
        self.capsys, self.monkeypatch, self.where = capsys, monkeypatch, where
        for name in AWS_VARIABLES:
            if name in os.environ:
                monkeypatch.setenv(name, os.environ[name])
            else:
                monkeypatch.delenv(name, raising=False)

    def __call__(self, *argv: str, stdin: str | io.StringIO = "") -> tuple[int, str, str]:
        """Exit status, stdout, stderr (without the line that names the target). --aws
        by default: the in-process moto, never a local stack another test left running."""
        self.monkeypatch.setattr("sys.stdin", io.StringIO(stdin) if isinstance(stdin, str)
                                 else stdin)
        self.capsys.readouterr()
        try:
            status = cli.main([*self.where, *argv])
        except SystemExit as exit_:  # argparse refusing the command line
            status = int(exit_.code or 0)
        out, err = self.capsys.readouterr()
        err = "".join(line for line in err.splitlines(keepends=True)
                      if not line.startswith("Using "))
        return status, out, err


@pytest.fixture
def run(stack: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    return Run(capsys, monkeypatch)


def lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def tenants(run: Run) -> list[dict[str, Any]]:
    status, out, _ = run("list-tenants", "--json")
    assert status == 0
    return list(json.loads(out)["tenants"])


def users(run: Run, tenant: str) -> list[dict[str, Any]]:
    status, out, _ = run("list-users", tenant, "--json")
    assert status == 0
    return list(json.loads(out)["users"])


def test_create_tenant_with_a_policy(run: Run) -> None:
    status, out, _ = run("create-tenant", "acme", "--name", "Acme Inc", "--code-count", "12",
                         "--json")
    assert status == 0
    policy = {**TenantPolicy().to_dict(), "code_count": 12}
    assert json.loads(out) == {"tenant": "acme", "name": "Acme Inc", "policy": policy}
    assert tenants(run) == [{"tenant": "acme", "name": "Acme Inc", "policy": policy}]
    # Without --json, a sentence naming what differs from the defaults.
    status, out, _ = run("list-tenants")
    assert (status, out) == (0, "acme\tAcme Inc\tcode_count=12\n")


def test_a_duplicate_tenant_is_a_conflict(run: Run) -> None:
    assert run("create-tenant", "acme")[0] == 0
    status, out, err = run("create-tenant", "acme", "--code-count", "5")
    assert (status, out) == (4, "")
    assert err == "error: Tenant acme already exists.\n"
    assert tenants(run)[0]["policy"]["code_count"] == 10


@pytest.mark.parametrize(("args", "named"), [
    (["--code-count", "4"], "code_count"),
    (["--code-count", "21"], "code_count"),
    (["--lockout-threshold", "2"], "lockout_threshold"),
    (["--lockout-threshold", "101"], "lockout_threshold"),
    (["--reauth-max-age-seconds", "59"], "reauth_max_age_seconds"),
])
def test_bad_policy_values_are_bad_usage(run: Run, args: list[str], named: str) -> None:
    status, out, err = run("create-tenant", "acme", *args)
    assert (status, out) == (2, "")
    assert err.startswith("error: ") and named in err
    assert tenants(run) == []
    assert run("create-tenant", "globex")[0] == 0
    status, _, err = run("set-policy", "globex", *args)
    assert status == 2 and named in err


@pytest.mark.parametrize("args", [["--purge-mode", "none"], ["--code-count", "ten"]])
def test_the_command_line_itself_refuses_wrong_types(run: Run, args: list[str]) -> None:
    status, out, err = run("create-tenant", "acme", *args)
    assert (status, out) == (2, "")
    assert "invalid" in err


@pytest.mark.parametrize("tenant", ["Acme", "ac_me", "acme-", "a" * 33])
def test_an_invalid_tenant_id_is_refused(run: Run, tenant: str) -> None:
    status, _, err = run("create-tenant", tenant)
    assert status == 2 and "Tenant id" in err


def test_set_policy(run: Run) -> None:
    run("create-tenant", "acme")
    status, out, _ = run("set-policy", "acme", "--lockout-threshold", "5", "--purge-mode", "all",
                         "--require-mfa", "on", "--json")
    assert status == 0
    assert json.loads(out)["policy"] == {**TenantPolicy().to_dict(), "lockout_threshold": 5,
                                         "purge_mode": "all", "require_mfa": True}
    assert tenants(run)[0]["policy"]["purge_mode"] == "all"
    status, _, err = run("set-policy", "acme", "--require-mfa", "yes")
    assert status == 2 and "on or off" in err
    status, _, err = run("set-policy", "globex", "--code-count", "5")
    assert status == 3 and err == "error: Tenant globex does not exist.\n"


def sign_in(stack: Any, tenant: str, username: str, password: str,
            totp: pyotp.TOTP | None = None) -> str:
    """A session token of the user, signed in with their password (and authenticator)."""
    services = build_services(stack.settings)
    policy = services.tenants.policy(tenant)
    started = services.signin.login(tenant, policy, username, password, CONTEXT)
    if totp is None:
        assert started.session_token is not None
        return started.session_token
    assert started.methods == ("totp",) and started.flow_token is not None
    done = services.signin.second_factor(
        tenant, policy, parse_second_factor(started.flow_token, "totp", totp.now()), CONTEXT)
    assert services.sessions.resolve(tenant, done.session_token).username == username
    return done.session_token


def test_create_user_with_totp_prints_a_uri_the_app_can_scan(run: Run, stack: Any) -> None:
    run("create-tenant", "acme")
    # WHEN an operator creates carol, piping her password in
    status, out, _ = run("create-user", "acme", "Carol", "--totp", "--password-stdin",
                         stdin=PASSWORD + "\n")
    assert status == 0
    uri = next(line for line in out.splitlines() if line.startswith("otpauth://"))
    totp = pyotp.parse_uri(uri)
    assert isinstance(totp, pyotp.TOTP) and totp.name == "carol"
    # The issuer the app shows is the tenant's display name (here its id: it has no other).
    assert totp.issuer == "acme"
    # THEN carol signs in with that password (no trailing newline) and the app's code
    sign_in(stack, "acme", "carol", PASSWORD, totp)
    # AND --json gives the same URI as a field
    status, out, _ = run("create-user", "acme", "dan", "--totp", "--password-stdin", "--json",
                         stdin=PASSWORD)
    assert status == 0 and json.loads(out)["otpauth_uri"].startswith("otpauth://totp/acme:dan")


def test_create_user_without_totp(run: Run) -> None:
    run("create-tenant", "acme")
    status, out, _ = run("create-user", "acme", "dave", "--password-stdin", stdin=PASSWORD)
    assert status == 0 and "otpauth://" not in out
    assert out.strip() == "Created acme/dave."
    assert users(run, "acme") == [{"username": "dave", "totp": False}]


def test_create_user_without_a_terminal_makes_a_password_and_shows_it_once(
        run: Run, stack: Any) -> None:
    run("create-tenant", "acme")
    # GIVEN no terminal (standard input is not one) and no --password-stdin
    status, out, err = run("create-user", "acme", "erin", "--json")
    # THEN a password is made, printed once, and it is erin's
    assert (status, err) == (0, "")
    created = json.loads(out)
    assert set(created) == {"tenant", "username", "password"}
    assert len(created["password"]) >= 20
    sign_in(stack, "acme", "erin", created["password"])
    # AND the same without --json: the password on a line of its own
    status, out, _ = run("create-user", "acme", "fay")
    password = out.splitlines()[-1]
    assert status == 0 and "shown once" in out and len(password) >= 20
    sign_in(stack, "acme", "fay", password)


def test_list_users(run: Run) -> None:
    run("create-tenant", "acme")
    run("create-tenant", "globex")
    run("create-user", "acme", "bob", "--totp", "--password-stdin", stdin=PASSWORD)
    run("create-user", "acme", "alice", "--password-stdin", stdin=PASSWORD)
    run("create-user", "globex", "eve", "--password-stdin", stdin=PASSWORD)
    assert users(run, "acme") == [{"username": "alice", "totp": False},
                                  {"username": "bob", "totp": True}]
    status, out, _ = run("list-users", "acme")
    assert (status, out) == (0, "alice\t-\nbob\ttotp\n")
    assert "eve" not in out and PASSWORD not in out
    status, _, err = run("list-users", "initech")
    assert status == 3 and "Tenant initech does not exist" in err


@pytest.mark.parametrize(("argv", "stdin", "expected", "message"), [
    (["acme", "erin", "--password-stdin"], "too short\n", 2, "12 to"),
    (["acme", "erin", "--password-stdin"], "\n", 2, "12 to"),
    (["acme", "er in", "--password-stdin"], PASSWORD, 2, "Username"),
    (["initech", "erin", "--password-stdin"], PASSWORD, 3, "Tenant initech does not exist."),
    (["acme", "erin", "--password-stdin", "--generate-password"], PASSWORD, 2, "not allowed"),
])
def test_create_user_refuses_clearly(run: Run, argv: list[str], stdin: str, expected: int,
                                     message: str) -> None:
    run("create-tenant", "acme")
    status, out, err = run("create-user", *argv, stdin=stdin)
    assert (status, out) == (expected, "")
    assert message in err and len(err.splitlines()) <= 2 and "Traceback" not in err
    assert users(run, "acme") == []


def test_a_duplicate_user_is_a_conflict(run: Run) -> None:
    run("create-tenant", "acme")
    assert run("create-user", "acme", "erin", "--password-stdin", stdin=PASSWORD)[0] == 0
    status, _, err = run("create-user", "acme", "ERIN", "--password-stdin", stdin=PASSWORD)
    assert (status, err) == (4, "error: User erin already exists.\n")


def test_at_a_terminal_the_password_is_typed_twice(run: Run,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    run("create-tenant", "acme")
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    status, _, err = run("create-user", "acme", "frank", stdin=Terminal())
    assert status == 2 and "differ" in err
    answers = iter([PASSWORD, PASSWORD])
    status, out, _ = run("create-user", "acme", "frank", stdin=Terminal())
    assert status == 0 and PASSWORD not in out and "shown once" not in out


def lock(stack: Any, tenant: str, username: str) -> None:
    """The user at the hard ceiling of failures, locked."""
    UserModel(keys.user_pk(tenant, username)).update(
        actions=[UserModel.failed_attempts.set(100)])
    build_repositories(stack.settings).users.lock_until(tenant, username, 4_000_000_000.0)


def test_unlock_user(run: Run, stack: Any) -> None:
    run("create-tenant", "acme")
    run("create-user", "acme", "grace", "--totp", "--password-stdin", stdin=PASSWORD)
    lock(stack, "acme", "grace")
    # WHEN the operator unlocks her
    status, out, _ = run("unlock-user", "acme", "Grace")
    assert status == 0 and "acme/Grace" in out
    # THEN her attempts count from zero again
    user = build_repositories(stack.settings).users.get("acme", "grace")
    assert user is not None and (user.failed_attempts, user.locked_until) == (0, None)


@pytest.mark.parametrize(("argv", "expected", "message"), [
    (["acme", "nobody"], 3, "User nobody does not exist."),
    (["initech", "grace"], 3, "Tenant initech does not exist."),
    (["acme", "no body"], 2, "Username"),
    (["Acme!", "grace"], 2, "Tenant id"),
])
def test_unlock_user_refuses_clearly(run: Run, argv: list[str], expected: int,
                                     message: str) -> None:
    run("create-tenant", "acme")
    status, out, err = run("unlock-user", *argv)
    assert (status, out) == (expected, "")
    assert err.startswith("error: ") and message in err


def test_reset_mfa_removes_both_factors_and_ends_every_session(run: Run, stack: Any) -> None:
    # GIVEN hal, with an authenticator and backup codes, signed in
    run("create-tenant", "acme")
    out = run("create-user", "acme", "hal", "--totp", "--password-stdin", "--json",
              stdin=PASSWORD)[1]
    totp = pyotp.parse_uri(json.loads(out)["otpauth_uri"])
    token = sign_in(stack, "acme", "hal", PASSWORD, totp)
    services = build_services(stack.settings)
    session = services.sessions.resolve("acme", token)
    services.backup_codes.add(session, services.tenants.policy("acme"), CONTEXT)
    assert services.backup_codes.status(session).enabled
    # WHEN the operator resets his second factor (he lost his phone and his codes)
    status, out, _ = run("reset-mfa", "acme", "hal", "--json")
    assert (status, json.loads(out)) == (0, {"tenant": "acme", "username": "hal",
                                             "done": "reset-mfa"})
    # THEN he has neither, and his session is refused
    assert build_repositories(stack.settings).users.get("acme", "hal").totp_secret is None
    assert not services.backup_codes.status(session).enabled
    with pytest.raises(Unauthenticated):
        services.sessions.resolve("acme", token)
    # AND he signs in with his password alone, to set up a second factor again
    sign_in(stack, "acme", "hal", PASSWORD)


def test_remove_codes_and_end_sessions(run: Run, stack: Any) -> None:
    run("create-tenant", "acme")
    run("create-user", "acme", "ida", "--password-stdin", stdin=PASSWORD)
    token = sign_in(stack, "acme", "ida", PASSWORD)
    services = build_services(stack.settings)
    session = services.sessions.resolve("acme", token)
    services.backup_codes.add(session, services.tenants.policy("acme"), CONTEXT)
    status, out, _ = run("remove-codes", "acme", "ida")
    assert (status, out) == (0, "Removed the backup codes of acme/ida.\n")
    assert not services.backup_codes.status(session).enabled
    token = sign_in(stack, "acme", "ida", PASSWORD)
    status, out, _ = run("end-sessions", "acme", "ida")
    assert (status, out) == (0, "Ended every session of acme/ida.\n")
    with pytest.raises(Unauthenticated):
        services.sessions.resolve("acme", token)


def test_reset_password_piped_or_made(run: Run, stack: Any) -> None:
    run("create-tenant", "acme")
    run("create-user", "acme", "jo", "--password-stdin", stdin=PASSWORD)
    token = sign_in(stack, "acme", "jo", PASSWORD)
    new = "another long password"
    status, out, _ = run("reset-password", "acme", "jo", "--password-stdin", stdin=new)
    assert status == 0 and new not in out
    with pytest.raises(Unauthenticated):
        build_services(stack.settings).sessions.resolve("acme", token)
    sign_in(stack, "acme", "jo", new)
    status, out, _ = run("reset-password", "acme", "jo", "--json")
    assert status == 0
    sign_in(stack, "acme", "jo", json.loads(out)["password"])
    status, _, err = run("reset-password", "acme", "nobody", "--password-stdin", stdin=new)
    assert (status, err) == (3, "error: User nobody does not exist.\n")


def test_delete_user_asks_first(run: Run, stack: Any) -> None:
    run("create-tenant", "acme")
    run("create-user", "acme", "kim", "--password-stdin", stdin=PASSWORD)
    # No terminal to ask at, no --yes: nothing happens.
    status, out, err = run("delete-user", "acme", "kim")
    assert (status, out) == (2, "") and "--yes" in err
    # At a terminal, a wrong answer changes nothing.
    status, _, err = run("delete-user", "acme", "kim", stdin=Terminal("no\n"))
    assert status == 1 and "Type kim to confirm" in err
    assert err.endswith("error: Nothing was changed.\n")
    assert users(run, "acme") == [{"username": "kim", "totp": False}]
    # The username typed back deletes; so does --yes.
    assert run("delete-user", "acme", "kim", stdin=Terminal("kim\n"))[0] == 0
    assert users(run, "acme") == []
    run("create-user", "acme", "lee", "--password-stdin", stdin=PASSWORD)
    status, out, _ = run("delete-user", "acme", "lee", "--yes", "--json")
    assert (status, json.loads(out)["done"]) == (0, "delete-user")
    status, _, err = run("delete-user", "acme", "lee", "--yes")
    assert (status, err) == (3, "error: User lee does not exist.\n")


def test_the_operators_actions_are_in_the_audit_trail(run: Run) -> None:
    # GIVEN the operator's actions on two users
    run("create-tenant", "acme")
    for name in ("mia", "ned"):
        run("create-user", "acme", name, "--password-stdin", stdin=PASSWORD)
    run("unlock-user", "acme", "mia")
    run("end-sessions", "acme", "mia")
    run("reset-password", "acme", "mia", "--password-stdin", stdin=PASSWORD + "!")
    run("delete-user", "acme", "ned", "--yes")
    # THEN the trail lists them newest first, each by the operator, no secret in it
    status, out, _ = run("audit", "acme", "--json")
    assert status == 0
    trail = json.loads(out)
    assert [(e["type"], e["username"]) for e in trail["events"]] == [
        ("user_deleted", "ned"), ("password_reset", "mia"), ("sessions_ended", "mia"),
        ("unlocked", "mia"), ("user_created", "ned"), ("user_created", "mia")]
    assert {e["actor"] for e in trail["events"]} == {"operator"}
    assert PASSWORD not in out and trail["next"] is None
    # AND one user's, a page at a time
    status, out, _ = run("audit", "acme", "--user", "mia", "--limit", "2", "--json")
    first = json.loads(out)
    assert [e["type"] for e in first["events"]] == ["password_reset", "sessions_ended"]
    assert first["next"]
    status, out, _ = run("audit", "acme", "--user", "mia", "--limit", "2", "--cursor",
                         first["next"], "--json")
    assert status == 0
    assert [e["type"] for e in json.loads(out)["events"]] == ["unlocked", "user_created"]
    # AND for people: one line an event, and how to ask for the next page
    status, out, _ = run("audit", "acme", "--user", "mia", "--limit", "2")
    assert out.splitlines()[0].split("\t")[1:4] == ["password_reset", "mia", "by operator"]
    assert out.splitlines()[-1] == f"More: --cursor {first['next']}"


@pytest.mark.parametrize(("argv", "expected", "message"), [
    (["audit", "initech"], 3, "Tenant initech does not exist."),
    (["audit", "acme", "--cursor", "nonsense"], 2, "not a cursor"),
    (["audit", "acme", "--limit", "0"], 2, "from 1 to 100"),
])
def test_audit_refuses_clearly(run: Run, argv: list[str], expected: int,
                               message: str) -> None:
    run("create-tenant", "acme")
    status, out, err = run(*argv)
    assert (status, out) == (expected, "") and message in err


def test_register_an_application_and_show_its_secret_once(run: Run, stack: Any) -> None:
    run("create-tenant", "acme")
    status, out, _ = run("create-client", "acme", "Shop", "--redirect-uri",
                         "https://shop.example/cb", "--redirect-uri", "https://shop.example/cb2",
                         "--backchannel-logout-uri", "https://shop.example/bc", "--json")
    assert status == 0
    created = json.loads(out)
    assert created["type"] == "confidential" and len(created["client_secret"]) >= 43
    assert created["redirect_uris"] == ["https://shop.example/cb", "https://shop.example/cb2"]
    # Listed without the secret; only its hash is stored.
    status, out, _ = run("list-clients", "acme", "--json")
    (listed,) = json.loads(out)["clients"]
    assert "client_secret" not in listed and listed["client_id"] == created["client_id"]
    from functions.store.models import ClientModel
    (stored,) = list(ClientModel.scan())
    assert created["client_secret"] not in json.dumps(stored.attribute_values)


def test_rotate_and_delete_an_application(run: Run) -> None:
    run("create-tenant", "acme")
    created = json.loads(run("create-client", "acme", "Tool", "--scope", "admin", "--json")[1])
    assert created["scopes"] == ["openid", "profile", "admin"]
    status, out, _ = run("rotate-client-secret", "acme", "--json", "--", created["client_id"])
    assert status == 0 and json.loads(out)["client_secret"] != created["client_secret"]
    assert run("delete-client", "acme", "--", created["client_id"])[0] == 0
    status, _, err = run("delete-client", "acme", "--", created["client_id"])
    assert status == 3 and "does not exist" in err
    status, _, err = run("rotate-client-secret", "initech", "--", created["client_id"])
    assert (status, err) == (3, "error: Tenant initech does not exist.\n")


@pytest.mark.parametrize(("arguments", "message"), [
    (("--redirect-uri", "http://shop.example/cb"), "https"),
    (("--public", "--scope", "admin"), "public client"),
    (("--redirect-uri", "https://shop.example/cb", "--backchannel-logout-uri",
      "http://localhost/bc"), "back-channel"),
    ((), "redirect URI"),
])
def test_a_bad_registration_is_refused_clearly(run: Run, arguments: tuple[str, ...],
                                               message: str) -> None:
    run("create-tenant", "acme")
    status, _, err = run("create-client", "acme", "Shop", *arguments)
    assert status == 2 and message in err
    assert run("list-clients", "acme", "--json")[1] == '{"clients": []}\n'


def test_an_application_of_an_unknown_tenant_is_refused(run: Run) -> None:
    status, _, err = run("create-client", "nope", "Shop", "--redirect-uri", "https://x.example/")
    assert status == 3 and "Tenant nope does not exist" in err


def test_a_user_gets_an_email_address_at_creation_and_it_can_be_changed_or_cleared(
        run: Run, stack: Any) -> None:
    users_store = build_repositories(stack.settings).users
    run("create-tenant", "acme")
    # WHEN a user is created with an address
    status, _, _ = run("create-user", "acme", "heidi", "--email", "Heidi@Example.ORG",
                       "--password-stdin", stdin=PASSWORD)
    assert status == 0
    # THEN it is kept, its domain in lower case
    assert users_store.get("acme", "heidi").email == "Heidi@example.org"
    # AND set-email changes it, and --clear removes it (no emails then)
    status, out, _ = run("set-email", "acme", "heidi", "heidi@acme.example")
    assert status == 0 and "h***@acme.example" in out and "heidi@acme.example" not in out
    assert users_store.get("acme", "heidi").email == "heidi@acme.example"
    assert run("set-email", "acme", "heidi", "--clear")[0] == 0
    assert users_store.get("acme", "heidi").email is None


@pytest.mark.parametrize(("argv", "expected", "message"), [
    (["set-email", "acme", "ivan", "not-an-address"], 2, "email address is not valid"),
    (["set-email", "acme", "nobody", "nobody@example.org"], 3, "does not exist"),
    (["set-email", "initech", "ivan", "ivan@example.org"], 3, "Tenant initech does not"),
    (["create-user", "acme", "judy", "--email", "judy@", "--password-stdin"], 2,
     "email address is not valid"),
])
def test_a_bad_email_address_or_user_is_refused_clearly(run: Run, argv: list[str],
                                                        expected: int, message: str) -> None:
    run("create-tenant", "acme")
    run("create-user", "acme", "ivan", "--password-stdin", stdin=PASSWORD)
    status, _, err = run(*argv, stdin=PASSWORD)
    assert status == expected and message in err, err


def test_set_email_wants_an_address_or_clear_not_both(run: Run) -> None:
    assert run("set-email", "acme", "ivan")[0] == 2
    assert run("set-email", "acme", "ivan", "a@example.org", "--clear")[0] == 2


def test_the_notification_settings_are_policy_options(run: Run) -> None:
    status, out, _ = run("create-tenant", "acme", "--notify-code-used", "off",
                         "--low-codes-threshold", "5",
                         "--email-sender", "security@codes.example", "--json")
    assert status == 0
    policy = json.loads(out)["policy"]
    assert (policy["notify_code_used"], policy["notify_codes_low"]) == (False, True)
    assert (policy["low_codes_threshold"], policy["email_sender"]) == (
        5, "security@codes.example")
    status, _, err = run("set-policy", "acme", "--email-sender", "Acme <x@codes.example>")
    assert status == 2 and "email_sender" in err


# Every command, as an operator would run it on a tenant with a user and an application.
EVERY_COMMAND = [
    ["create-tenant", "globex"], ["set-policy", "acme", "--code-count", "8"],
    ["list-tenants"], ["create-user", "acme", "zoe", "--totp"], ["list-users", "acme"],
    ["set-email", "acme", "yan", "yan@acme.example"], ["unlock-user", "acme", "yan"],
    ["reset-mfa", "acme", "yan"], ["remove-codes", "acme", "yan"],
    ["reset-password", "acme", "yan"], ["end-sessions", "acme", "yan"],
    ["audit", "acme"], ["audit", "acme", "--user", "yan", "--limit", "1"],
    ["list-clients", "acme"], ["create-client", "acme", "Shop", "--redirect-uri",
                                "https://shop.example/cb"],
    ["rotate-client-secret", "acme", "CLIENT"], ["delete-client", "acme", "CLIENT"],
    ["delete-user", "acme", "yan", "--yes"],
]


def test_the_commands_cover_the_command_line() -> None:
    assert {argv[0] for argv in EVERY_COMMAND} == set(COMMANDS)


@pytest.mark.parametrize("argv", EVERY_COMMAND, ids=lambda argv: " ".join(argv[:2]))
@pytest.mark.parametrize("position", ["before", "after"])
def test_every_command_prints_one_json_document(run: Run, argv: list[str],
                                                position: str) -> None:
    run("create-tenant", "acme")
    run("create-user", "acme", "yan", "--password-stdin", stdin=PASSWORD)
    client = json.loads(run("create-client", "acme", "Tool", "--scope", "admin",
                            "--json")[1])["client_id"]
    # A client id may begin with "-": it goes after "--".
    argv = [part for name in argv for part in (["--", client] if name == "CLIENT" else [name])]
    # --json before the command's name or after it (and its other options)
    if position == "before":
        argv = ["--json", *argv]
    else:
        argv.insert(argv.index("--") if "--" in argv else len(argv), "--json")
    status, out, err = run(*argv)
    assert (status, err) == (0, "")
    document = json.loads(out)
    assert isinstance(document, dict) and out.count("\n") == 1


# Where the CLI goes: --endpoint, --local PORT, --aws, else the one local stack running.

@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where local stacks say where they listen: empty, this test's own."""
    monkeypatch.setenv(STATE_DIR_VARIABLE, str(tmp_path / "state"))
    return tmp_path / "state"


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every connection attempted (to AWS, its metadata service, anywhere): refused."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def without_aws_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*AWS_VARIABLES, "AWS_DEFAULT_REGION", "AWS_REGION", "TABLE_PREFIX"):
        monkeypatch.delenv(name, raising=False)


def test_without_a_target_nothing_is_reached(
        state_dir: Path, connections: list[Any], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN no local stack, no flag, and AWS credentials nowhere in the environment
    without_aws_settings(monkeypatch)
    built: list[Any] = []
    monkeypatch.setattr(cli, "build_operator", built.append)
    run = Run(capsys, monkeypatch, where=())
    # WHEN a command is run
    status, out, err = run("create-tenant", "acme")
    # THEN it is bad usage, said in one line naming the choices, and nothing was built
    # nor any connection attempted (AWS is reached only with --aws)
    assert (status, out) == (2, "")
    assert err.startswith("error: No local stack is running") and err.count("\n") == 1
    assert "--local PORT" in err and "--aws" in err
    assert (built, connections) == ([], [])


@pytest.mark.parametrize(("where", "message"), [
    (["--local", "8000", "--aws"], "not --local and --aws"),
    (["--endpoint", "http://127.0.0.1:1", "--local", "8000"], "not --endpoint and --local"),
    (["--table-prefix", "prod"], "goes with --aws"),
    (["--endpoint", "127.0.0.1:5000"], "wants a URL"),
    (["--local", "70000"], "from 1 to 65535"),
    (["--local", "8000"], "No local stack is running on port 8000 (running: none)"),
])
def test_a_wrong_target_is_bad_usage(state_dir: Path, connections: list[Any],
                                     capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch, where: list[str],
                                     message: str) -> None:
    status, out, err = Run(capsys, monkeypatch, where=tuple(where))("list-tenants")
    assert (status, out, connections) == (2, "", [])
    assert message in err and err.count("\n") == 1


def test_aws_names_its_tables_before_it_works(stack: Any, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert cli.main(["--aws", "list-tenants"]) == 0
    assert capsys.readouterr().err == "Using AWS: region us-east-1, tables backup-codes-*.\n"
    # Another stack's prefix: its tables (here there are none: a failure, in one line).
    assert cli.main(["--aws", "--table-prefix", "staging", "list-tenants"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "Using AWS: region us-east-1, tables staging-*."
    assert err[1].startswith("error: could not reach the tables") and len(err) == 2


@dataclass
class FakeStack:
    """Tables in a moto server, and the file a local stack on `port` writes."""

    port: int
    settings: Settings
    tenant: str
    prefix: str


@pytest.fixture
def two_stacks(state_dir: Path) -> Iterator[list[FakeStack]]:
    # moto's servers in one process share their data: each stack has its own tables
    # (prefix) and region, which its file names, as a real stack's does.
    stacks, servers = [], []
    run_id = secrets.token_hex(4)  # and the data outlives a test: new tables each time
    for index, region in enumerate(("us-east-1", "eu-west-1")):
        prefix = f"s{run_id}-{index}"
        server = LocalAws()
        server.start()
        servers.append(server)
        settings = replace(Settings.from_env({**os.environ, "TABLE_PREFIX": prefix}),
                           region=region, dynamodb_endpoint=server.endpoint,
                           ssm_endpoint=server.endpoint)
        create_tables(settings)
        build_operator(settings).create_tenant(f"tenant{index}")
        port = 18000 + index
        write_local_stack(port, f"http://127.0.0.1:{port}", server.endpoint, settings)
        stacks.append(FakeStack(port, settings, f"tenant{index}", prefix))
    yield stacks
    for server in servers:
        server.stop()


def test_two_local_stacks_each_reached_by_its_port(
        two_stacks: list[FakeStack], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = two_stacks
    # Each stack by its port.
    for stack in two_stacks:
        run = Run(capsys, monkeypatch, where=("--local", str(stack.port)))
        status, out, _ = run("list-tenants", "--json")
        assert status == 0
        assert [t["tenant"] for t in json.loads(out)["tenants"]] == [stack.tenant]
        assert run("create-user", stack.tenant, "zed", "--json")[0] == 0
    # Without a flag: which one? The CLI lists them and does nothing.
    run = Run(capsys, monkeypatch, where=())
    status, out, err = run("list-tenants")
    assert (status, out) == (2, "")
    assert err == ("error: 2 local stacks are running: port 18000 (http://127.0.0.1:18000), "
                   "port 18001 (http://127.0.0.1:18001). Choose one with --local PORT (or "
                   "--endpoint URL, or --aws).\n")
    status, _, err = Run(capsys, monkeypatch, where=("--local", "18002"))("list-tenants")
    assert status == 2 and "(running: 18000, 18001)" in err


def test_the_one_stack_running_is_used_and_named(
        two_stacks: list[FakeStack], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = two_stacks
    # GIVEN the second stack stopped (its own file gone), the first's file untouched
    clear_local_stack(second.port)
    assert not state_file(second.port).exists() and state_file(first.port).exists()
    # WHEN a command names no target
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    Run(capsys, monkeypatch)  # restores the environment the CLI changes
    assert cli.main(["list-tenants", "--json"]) == 0
    # THEN it goes to the first, and says so on standard error
    out, err = capsys.readouterr()
    assert [t["tenant"] for t in json.loads(out)["tenants"]] == [first.tenant]
    assert err == "Using the local stack on port 18000 (http://127.0.0.1:18000).\n"


def test_a_stack_removes_only_its_own_file_and_a_dead_ones_is_ignored(
        state_dir: Path, stack: Any) -> None:
    # Another live process's file (the parent's) stays when this process clears the port.
    write_local_stack(18010, "http://127.0.0.1:18010", "http://127.0.0.1:1", stack.settings)
    path = state_file(18010)
    path.write_text(path.read_text().replace(f'"pid": {os.getpid()}',
                                             f'"pid": {os.getppid()}'))
    clear_local_stack(18010)
    assert path.exists() and find_local_stack(18010) is not None
    # A file whose stack died without removing it counts for nothing.
    dead = subprocess.Popen(["true"])
    dead.wait()
    path.write_text(path.read_text().replace(f'"pid": {os.getppid()}', f'"pid": {dead.pid}'))
    assert find_local_stack(18010) is None and running_local_stacks() == []


def test_endpoint_needs_no_aws_credentials_and_no_terminal(
        two_stacks: list[FakeStack], monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN no AWS credentials (a profile that does not exist), no terminal: a new process
    first = two_stacks[0]
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("AWS_") and name != STATE_DIR_VARIABLE}
    env.update({"AWS_PROFILE": "nobody-has-this-profile", "TABLE_PREFIX": first.prefix})
    admin = Path(sys.executable).with_name("backup-codes-admin")
    done = subprocess.run([str(admin), "--endpoint", first.settings.dynamodb_endpoint or "",
                           "create-user", first.tenant, "yve", "--totp"], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60, check=False)
    # THEN the user is made, with a password made for them and shown once
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    out = done.stdout.splitlines()
    assert out[0] == f"Created {first.tenant}/yve."
    assert out[1] == "Their password (shown once):" and len(out[2]) >= 20
    assert out[4].startswith("otpauth://")
    # AND a failure is one line and its status, never a traceback
    again = subprocess.run([str(admin), "--endpoint", first.settings.dynamodb_endpoint or "",
                            "create-user", first.tenant, "yve"], env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=60, check=False)
    assert (again.returncode, again.stdout, again.stderr) == (
        4, "", "error: User yve already exists.\n")
    nowhere = subprocess.run([str(admin), "list-tenants"], capture_output=True, text=True,
                             env={**env, STATE_DIR_VARIABLE: str(first.settings.region)},
                             timeout=60, check=False)
    assert nowhere.returncode == 2 and nowhere.stderr.count("\n") == 1
