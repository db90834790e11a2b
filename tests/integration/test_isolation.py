"""Tenants are isolated in every key: what tenant A issued is worthless under tenant B."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pyotp
import pytest

from functions.operator import Operator

if TYPE_CHECKING:
    from conftest import Api, Demo


PASSWORD = "the same password in both"  # noqa: S105


@pytest.fixture
def two(api: Api, operator: Operator, new_user: Callable[..., Demo]) -> tuple[Api, Api]:
    """Tenants A (...-acme) and B (...-globex), each with an alice of the same password."""
    acme, globex = f"{api.tenant}-acme", f"{api.tenant}-globex"
    operator.create_tenant(acme)
    operator.create_tenant(globex)
    return (api.as_user(new_user(acme, "alice", PASSWORD)),
            api.as_user(new_user(globex, "alice", PASSWORD)))


def test_a_session_of_tenant_a_is_refused_under_tenant_b(two: tuple[Api, Api]) -> None:
    acme, globex = two
    cookie = acme.sign_in()
    token = cookie.split("=", 1)[1]
    assert acme.body_of(acme.get("/me", cookie=cookie))["tenant"] == acme.tenant
    # the cookie as the browser would send it to B (its name is A's) ...
    globex.expect_error(globex.get("/me", cookie=cookie), 401, "unauthenticated")
    # ... and A's token presented under B's cookie name
    for path in ("/me", "/me/backup-codes", "/me/sessions"):
        globex.expect_error(globex.get(path, cookie=f"session-{globex.tenant}={token}"),
                            401, "unauthenticated")
    under_b = f"session-{globex.tenant}={token}"
    globex.expect_error(globex.post("/me/backup-codes", cookie=under_b), 401, "unauthenticated")


def test_a_login_flow_of_tenant_a_is_refused_under_tenant_b(two: tuple[Api, Api]) -> None:
    acme, globex = two
    flow = acme.flow()
    # GIVEN the right TOTP code of globex's alice, on acme's flow
    globex.expect_error(globex.mfa(flow, "totp", globex.totp()), 401, "flow_expired")
    # and the flow still works where it belongs
    assert acme.mfa(flow, "totp", acme.totp()).status_code == 200


def test_a_backup_code_of_tenant_a_is_refused_under_tenant_b(two: tuple[Api, Api]) -> None:
    acme, globex = two
    acme_codes = acme.add_codes(acme.sign_in())["codes"]
    globex.add_codes(globex.sign_in())
    for code in acme_codes[:3]:
        globex.expect_error(globex.mfa(globex.flow(), "backup_code", code), 401, "invalid_code")
    # the codes are untouched in A
    assert acme.body_of(acme.mfa(acme.flow(), "backup_code", acme_codes[0]))[
        "backup_codes_remaining"] == 9


def test_a_lockout_in_tenant_a_does_not_lock_tenant_b(two: tuple[Api, Api],
                                                      operator: Operator) -> None:
    acme, globex = two
    operator.set_policy(acme.tenant, lockout_threshold=3)
    flow = acme.flow()
    for _ in range(3):
        acme.mfa(flow, "backup_code", acme.WRONG_CODE)
    acme.expect_error(acme.mfa(acme.flow(), "totp", acme.totp_now()), 429, "locked")
    assert globex.mfa(globex.flow(), "totp", globex.totp()).status_code == 200


def test_sessions_are_listed_per_tenant(two: tuple[Api, Api]) -> None:
    acme, globex = two
    acme.sign_in()
    cookie = globex.sign_in()
    sessions = globex.body_of(globex.get("/me/sessions", cookie=cookie))["sessions"]
    assert [s["current"] for s in sessions] == [True]


def test_a_user_of_another_tenant_cannot_sign_in_here(two: tuple[Api, Api],
                                                      new_user: Callable[..., Demo]) -> None:
    acme, _ = two
    bob = new_user(two[1].tenant, "bob", PASSWORD)
    acme.expect_error(acme.login("bob", bob.password), 401, "invalid_credentials")


def test_a_set_up_of_tenant_a_is_confirmed_only_in_tenant_a(two: tuple[Api, Api]) -> None:
    acme, globex = two
    acme_cookie, globex_cookie = acme.sign_in(), globex.sign_in()
    setup = acme.body_of(acme.post("/me/totp", cookie=acme_cookie))
    code = pyotp.TOTP(setup["secret"]).at(acme.clock.now())
    # A's session cannot confirm under B, and B's alice has no set-up to confirm
    under_b = f"session-{globex.tenant}={acme_cookie.split('=', 1)[1]}"
    globex.expect_error(globex.post("/me/totp/confirm", {"code": code}, cookie=under_b), 401,
                        "unauthenticated")
    globex.expect_error(globex.post("/me/totp/confirm", {"code": code}, cookie=globex_cookie),
                        404, "no_pending_setup")
    assert acme.post("/me/totp/confirm", {"code": code}, cookie=acme_cookie).status_code == 204
    assert globex.mfa(globex.flow(), "totp", globex.totp()).status_code == 200
