"""backup-codes-admin (functions.cli.main) against moto, in process."""

from __future__ import annotations

import io
import json
from typing import Any

import pyotp
import pytest

from functions import cli
from functions.bootstrap import build_repositories, build_services
from functions.core.model import RequestContext
from functions.core.policy import TenantPolicy
from functions.core.signin import parse_second_factor
from functions.store import keys
from functions.store.models import UserModel

PASSWORD = "a long enough password"  # noqa: S105
CONTEXT = RequestContext.of("192.0.2.1", "cli-test")


class Run:
    def __init__(self, capsys: pytest.CaptureFixture[str],
                 monkeypatch: pytest.MonkeyPatch) -> None:
        self.capsys, self.monkeypatch = capsys, monkeypatch

    def __call__(self, *argv: str, stdin: str = "") -> tuple[int, str, str]:
        """Exit status, stdout, stderr. --aws: never a local stack another test left running."""
        self.monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        self.capsys.readouterr()
        try:
            status = cli.main(["--aws", *argv])
        except SystemExit as exit_:  # argparse refusing the command line
            status = int(exit_.code or 0)
        out, err = self.capsys.readouterr()
        return status, out, err


@pytest.fixture
def run(stack: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    return Run(capsys, monkeypatch)


def lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def test_create_tenant_with_a_policy(run: Run) -> None:
    status, out, _ = run("create-tenant", "acme", "--name", "Acme Inc", "--code-count", "12")
    assert status == 0
    policy = {**TenantPolicy().to_dict(), "code_count": 12}
    assert json.loads(out) == {"tenant": "acme", "policy": policy}
    status, out, _ = run("list-tenants")
    assert lines(out) == [{"tenant": "acme", "name": "Acme Inc", "policy": policy}]


def test_a_duplicate_tenant_is_refused(run: Run) -> None:
    assert run("create-tenant", "acme")[0] == 0
    status, out, err = run("create-tenant", "acme", "--code-count", "5")
    assert (status, out) == (2, "")
    assert err.strip() == "error: Tenant acme already exists."
    assert lines(run("list-tenants")[1])[0]["policy"]["code_count"] == 10


@pytest.mark.parametrize(("args", "named"), [
    (["--code-count", "4"], "code_count"),
    (["--code-count", "21"], "code_count"),
    (["--lockout-threshold", "2"], "lockout_threshold"),
    (["--lockout-threshold", "101"], "lockout_threshold"),
    (["--reauth-max-age-seconds", "59"], "reauth_max_age_seconds"),
])
def test_bad_policy_values_are_refused_clearly(run: Run, args: list[str], named: str) -> None:
    status, out, err = run("create-tenant", "acme", *args)
    assert (status, out) == (2, "")
    assert err.startswith("error: ") and named in err
    assert run("list-tenants")[1] == ""
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
                         "--require-mfa", "on")
    assert status == 0
    assert json.loads(out)["policy"] == {**TenantPolicy().to_dict(), "lockout_threshold": 5,
                                         "purge_mode": "all", "require_mfa": True}
    assert lines(run("list-tenants")[1])[0]["policy"]["purge_mode"] == "all"
    status, _, err = run("set-policy", "acme", "--require-mfa", "yes")
    assert status == 2 and "on or off" in err
    status, _, err = run("set-policy", "globex", "--code-count", "5")
    assert status == 2 and err.strip() == "error: Tenant globex does not exist."


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
    services = build_services(stack.settings)
    started = services.signin.login("acme", services.tenants.policy("acme"), "carol",
                                    PASSWORD, CONTEXT)
    assert started.methods == ("totp",) and started.flow_token is not None
    done = services.signin.second_factor(
        "acme", services.tenants.policy("acme"),
        parse_second_factor(started.flow_token, "totp", totp.now()), CONTEXT)
    assert services.sessions.resolve("acme", done.session_token).username == "carol"


def test_create_user_without_totp(run: Run) -> None:
    run("create-tenant", "acme")
    status, out, _ = run("create-user", "acme", "dave", "--password-stdin", stdin=PASSWORD)
    assert status == 0 and "otpauth://" not in out
    assert out.strip() == "Created acme/dave."
    status, out, _ = run("list-users", "acme")
    assert lines(out) == [{"username": "dave", "totp": False}]


def test_list_users(run: Run) -> None:
    run("create-tenant", "acme")
    run("create-tenant", "globex")
    run("create-user", "acme", "bob", "--totp", "--password-stdin", stdin=PASSWORD)
    run("create-user", "acme", "alice", "--password-stdin", stdin=PASSWORD)
    run("create-user", "globex", "eve", "--password-stdin", stdin=PASSWORD)
    status, out, _ = run("list-users", "acme")
    assert status == 0
    assert lines(out) == [{"username": "alice", "totp": False}, {"username": "bob", "totp": True}]
    assert "eve" not in out
    assert PASSWORD not in out
    status, _, err = run("list-users", "initech")
    assert status == 2 and "does not exist" in err


@pytest.mark.parametrize(("argv", "stdin", "message"), [
    (["acme", "erin", "--password-stdin"], "too short\n", "at least 12 characters"),
    (["acme", "erin", "--password-stdin"], "\n", "at least 12 characters"),
    (["acme", "er in", "--password-stdin"], PASSWORD, "Username"),
    (["initech", "erin", "--password-stdin"], PASSWORD, "Tenant initech does not exist."),
])
def test_create_user_refuses_clearly(run: Run, argv: list[str], stdin: str,
                                     message: str) -> None:
    run("create-tenant", "acme")
    status, out, err = run("create-user", *argv, stdin=stdin)
    assert (status, out) == (2, "")
    assert err.startswith("error: ") and message in err
    assert run("list-users", "acme")[1] == ""


def test_a_duplicate_user_is_refused(run: Run) -> None:
    run("create-tenant", "acme")
    assert run("create-user", "acme", "erin", "--password-stdin", stdin=PASSWORD)[0] == 0
    status, _, err = run("create-user", "acme", "ERIN", "--password-stdin", stdin=PASSWORD)
    assert status == 2 and "already exists" in err


def test_the_password_prompt_wants_it_twice(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    run("create-tenant", "acme")
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    status, _, err = run("create-user", "acme", "frank")
    assert status == 2 and "differ" in err
    answers = iter([PASSWORD, PASSWORD])
    assert run("create-user", "acme", "frank")[0] == 0


def test_unlock_user(run: Run, stack: Any) -> None:
    run("create-tenant", "acme")
    run("create-user", "acme", "grace", "--totp", "--password-stdin", stdin=PASSWORD)
    # GIVEN grace at the hard ceiling of failures, locked
    users = build_repositories(stack.settings).users
    UserModel(keys.user_pk("acme", "grace")).update(
        actions=[UserModel.failed_attempts.set(100)])
    users.lock_until("acme", "grace", 4_000_000_000.0)
    # WHEN the operator unlocks her
    status, out, _ = run("unlock-user", "acme", "Grace")
    assert status == 0 and "acme/Grace" in out
    # THEN her attempts count from zero again
    user = users.get("acme", "grace")
    assert user is not None and (user.failed_attempts, user.locked_until) == (0, None)


@pytest.mark.parametrize(("argv", "message"), [
    (["acme", "nobody"], "User nobody does not exist."),
    (["acme", "no body"], "Username"),
    (["Acme!", "grace"], "Tenant id"),
])
def test_unlock_user_refuses_clearly(run: Run, argv: list[str], message: str) -> None:
    run("create-tenant", "acme")
    status, out, err = run("unlock-user", *argv)
    assert (status, out) == (2, "")
    assert err.startswith("error: ") and message in err


def test_register_an_application_and_show_its_secret_once(run: Run, stack: Any) -> None:
    run("create-tenant", "acme")
    status, out, _ = run("create-client", "acme", "Shop", "--redirect-uri",
                         "https://shop.example/cb", "--redirect-uri", "https://shop.example/cb2",
                         "--backchannel-logout-uri", "https://shop.example/bc")
    assert status == 0
    created = json.loads(out)
    assert created["type"] == "confidential" and len(created["client_secret"]) >= 43
    assert created["redirect_uris"] == ["https://shop.example/cb", "https://shop.example/cb2"]
    # Listed without the secret; only its hash is stored.
    status, out, _ = run("list-clients", "acme")
    (listed,) = lines(out)
    assert "client_secret" not in listed and listed["client_id"] == created["client_id"]
    from functions.store.models import ClientModel
    (stored,) = list(ClientModel.scan())
    assert created["client_secret"] not in json.dumps(stored.attribute_values)


def test_rotate_and_delete_an_application(run: Run) -> None:
    run("create-tenant", "acme")
    created = json.loads(run("create-client", "acme", "Tool", "--scope", "admin")[1])
    assert created["scopes"] == ["openid", "profile", "admin"]
    status, out, _ = run("rotate-client-secret", "acme", created["client_id"])
    assert status == 0 and json.loads(out)["client_secret"] != created["client_secret"]
    assert run("delete-client", "acme", created["client_id"])[0] == 0
    status, _, err = run("delete-client", "acme", created["client_id"])
    assert status == 2 and "does not exist" in err


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
    assert run("list-clients", "acme")[1] == ""


def test_an_application_of_an_unknown_tenant_is_refused(run: Run) -> None:
    status, _, err = run("create-client", "nope", "Shop", "--redirect-uri", "https://x.example/")
    assert status == 2 and "Tenant nope does not exist" in err


def test_a_user_gets_an_email_address_at_creation_and_it_can_be_changed_or_cleared(
        run: Run, stack: Any) -> None:
    users = build_repositories(stack.settings).users
    run("create-tenant", "acme")
    # WHEN a user is created with an address
    status, _, _ = run("create-user", "acme", "heidi", "--email", "Heidi@Example.ORG",
                       "--password-stdin", stdin=PASSWORD)
    assert status == 0
    # THEN it is kept, its domain in lower case
    assert users.get("acme", "heidi").email == "Heidi@example.org"
    # AND set-email changes it, and --clear removes it (no emails then)
    status, out, _ = run("set-email", "acme", "heidi", "heidi@acme.example")
    assert status == 0 and "h***@acme.example" in out and "heidi@acme.example" not in out
    assert users.get("acme", "heidi").email == "heidi@acme.example"
    assert run("set-email", "acme", "heidi", "--clear")[0] == 0
    assert users.get("acme", "heidi").email is None


@pytest.mark.parametrize(("argv", "message"), [
    (["set-email", "acme", "ivan", "not-an-address"], "email address is not valid"),
    (["set-email", "acme", "nobody", "nobody@example.org"], "does not exist"),
    (["create-user", "acme", "judy", "--email", "judy@", "--password-stdin"],
     "email address is not valid"),
])
def test_a_bad_email_address_or_user_is_refused_clearly(run: Run, argv: list[str],
                                                        message: str) -> None:
    run("create-tenant", "acme")
    run("create-user", "acme", "ivan", "--password-stdin", stdin=PASSWORD)
    status, _, err = run(*argv, stdin=PASSWORD)
    assert status == 2 and message in err, err


def test_set_email_wants_an_address_or_clear_not_both(run: Run) -> None:
    assert run("set-email", "acme", "ivan")[0] == 2
    assert run("set-email", "acme", "ivan", "a@example.org", "--clear")[0] == 2


def test_the_notification_settings_are_policy_options(run: Run) -> None:
    status, out, _ = run("create-tenant", "acme", "--notify-code-used", "off",
                         "--low-codes-threshold", "5",
                         "--email-sender", "security@codes.example")
    assert status == 0
    policy = json.loads(out)["policy"]
    assert (policy["notify_code_used"], policy["notify_codes_low"]) == (False, True)
    assert (policy["low_codes_threshold"], policy["email_sender"]) == (
        5, "security@codes.example")
    status, _, err = run("set-policy", "acme", "--email-sender", "Acme <x@codes.example>")
    assert status == 2 and "email_sender" in err
