"""POST /auth/login, /auth/mfa, /auth/reauth, /auth/logout over moto, row by row."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from unit.fakes import CountingHasher

from functions.bootstrap import Services
from functions.core.policy import LOCKOUT_CEILING
from functions.operator import Operator

if TYPE_CHECKING:
    from conftest import Api, Demo


# Login --------------------------------------------------------------------------------------

def test_login_asks_for_the_second_factors_the_user_has(api: Api) -> None:
    response = api.login()
    assert response.status_code == 200
    answer = api.body_of(response)
    assert answer["status"] == "mfa_required"
    assert answer["methods"] == ["totp"]
    assert isinstance(answer["flow"], str) and len(answer["flow"]) >= 32
    assert "Set-Cookie" not in response.headers
    # WHEN backup codes are added THEN they are offered too
    api.add_codes(api.sign_in())
    assert api.body_of(api.login())["methods"] == ["totp", "backup_code"]


def test_login_without_a_second_factor_opens_a_session(api: Api,
                                                       new_user: Callable[..., Demo]) -> None:
    new_user(api.tenant, "bob", totp=False)
    response = api.login("bob")
    assert response.status_code == 200
    assert api.body_of(response) == {"status": "authenticated"}
    cookie = api.cookie_of(response)
    assert cookie.startswith(f"session-{api.tenant}=")
    assert api.body_of(api.get("/me", cookie=cookie))["username"] == "bob"


@pytest.mark.parametrize(("username", "password"), [
    ("alice", "not the password"),
    ("mallory", "correct horse battery staple"),
])
def test_login_refuses_a_wrong_password_and_an_unknown_user_alike(
        api: Api, hasher: CountingHasher, username: str, password: str) -> None:
    before = hasher.verifications
    answer = api.expect_error(api.login(username, password), 401, "invalid_credentials")
    assert answer["message"] == "The username or password is incorrect."
    assert hasher.verifications - before == 1  # an unknown user costs a wrong password's time


def test_login_usernames_ignore_case(api: Api) -> None:
    assert api.body_of(api.login("ALICE"))["status"] == "mfa_required"


# Second factor: TOTP ---------------------------------------------------------------------

def test_totp_signs_in(api: Api) -> None:
    response = api.mfa(api.flow(), "totp", api.totp())
    assert response.status_code == 200
    assert api.body_of(response) == {"status": "authenticated", "backup_codes_remaining": None}
    assert api.body_of(api.get("/me", cookie=api.cookie_of(response)))["username"] == "alice"


def test_totp_accepts_spaces(api: Api) -> None:
    code = api.totp()
    response = api.mfa(api.flow(), "totp", f"{code[:3]} {code[3:]}")
    assert response.status_code == 200


def test_a_totp_code_is_refused_when_reused_in_its_window(api: Api) -> None:
    # GIVEN a TOTP code that just signed in
    code = api.totp()
    assert api.mfa(api.flow(), "totp", code).status_code == 200
    # WHEN it is used again 10 seconds later, in the same 30-second window
    api.clock.advance(10)
    reused = api.mfa(api.flow(), "totp", code)
    # THEN it is refused like any wrong code
    api.expect_error(reused, 401, "invalid_code")


def test_a_wrong_totp_code_is_invalid(api: Api) -> None:
    good = api.totp()
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    api.expect_error(api.mfa(api.flow(), "totp", wrong), 401, "invalid_code")


# Second factor: backup codes -------------------------------------------------------------

def test_a_backup_code_signs_in_and_says_how_many_are_left(api: Api) -> None:
    codes = api.add_codes(api.sign_in())["codes"]
    response = api.mfa(api.flow(), "backup_code", codes[0])
    assert response.status_code == 200
    assert api.body_of(response) == {"status": "authenticated", "backup_codes_remaining": 9}
    assert api.cookie_of(response).startswith(f"session-{api.tenant}=")
    response = api.mfa(api.flow(), "backup_code", codes[1])
    assert api.body_of(response)["backup_codes_remaining"] == 8


@pytest.mark.parametrize("typed", [
    lambda c: c.lower(),
    lambda c: c.replace("-", " "),
    lambda c: c.replace("-", ""),
    lambda c: f"  {c.replace('-', '').lower()}  ",
], ids=["lower-case", "spaces", "without-dashes", "padded-lower-without-dashes"])
def test_backup_code_input_is_tolerant(api: Api, typed: object) -> None:
    codes = api.add_codes(api.sign_in())["codes"]
    response = api.mfa(api.flow(), "backup_code", typed(codes[0]))  # type: ignore[operator]
    assert response.status_code == 200, response.body


def test_a_used_code_and_a_wrong_code_get_the_identical_answer(api: Api) -> None:
    codes = api.add_codes(api.sign_in())["codes"]
    assert api.mfa(api.flow(), "backup_code", codes[0]).status_code == 200
    used = api.mfa(api.flow(), "backup_code", codes[0])
    wrong = api.mfa(api.flow(), "backup_code", api.WRONG_CODE)
    assert (used.status_code, used.body) == (wrong.status_code, wrong.body)
    api.expect_error(used, 401, "invalid_code")
    assert {k: v for k, v in used.headers.items()} == {k: v for k, v in wrong.headers.items()}


# Login flows ----------------------------------------------------------------------------

def test_a_flow_dies_after_five_wrong_codes(api: Api) -> None:
    flow = api.flow()
    for _ in range(5):
        api.expect_error(api.mfa(flow, "backup_code", api.WRONG_CODE), 401, "invalid_code")
    # even the right code cannot revive it
    api.expect_error(api.mfa(flow, "totp", api.totp()), 401, "flow_expired")


def test_a_flow_expires_after_five_minutes(api: Api) -> None:
    flow = api.flow()
    api.clock.advance(301)
    api.expect_error(api.mfa(flow, "totp", api.totp_now()), 401, "flow_expired")


def test_a_flow_is_spent_by_its_success(api: Api) -> None:
    flow = api.flow()
    assert api.mfa(flow, "totp", api.totp()).status_code == 200
    api.expect_error(api.mfa(flow, "totp", api.totp()), 401, "flow_expired")


def test_an_unknown_flow_is_expired(api: Api) -> None:
    api.expect_error(api.mfa("no-such-flow", "totp", api.totp()), 401, "flow_expired")


# Lockout --------------------------------------------------------------------------------

def fail(api: Api, times: int) -> None:
    """Wrong backup codes, through fresh flows as each dies."""
    flow = api.flow()
    for _ in range(times):
        response = api.mfa(flow, "backup_code", api.WRONG_CODE)
        if api.body_of(response)["error"] == "flow_expired":
            flow = api.flow()
            response = api.mfa(flow, "backup_code", api.WRONG_CODE)
        api.expect_error(response, 401, "invalid_code")


def test_the_threshold_locks_with_retry_after(api: Api) -> None:
    # GIVEN the default threshold of 10 failures
    fail(api, 10)
    # WHEN the user tries again, even with the right code
    locked = api.mfa(api.flow(), "totp", api.totp_now())
    # THEN the account's second factor is locked for a while, and the answer says how long
    api.expect_error(locked, 429, "locked")
    assert locked.headers["Retry-After"] == "30"


def test_the_back_off_grows(api: Api, operator: Operator) -> None:
    operator.set_policy(api.tenant, lockout_threshold=3)
    fail(api, 3)
    assert api.mfa(api.flow(), "backup_code", api.WRONG_CODE).headers["Retry-After"] == "30"
    api.clock.advance(30)
    fail(api, 1)
    assert api.mfa(api.flow(), "backup_code", api.WRONG_CODE).headers["Retry-After"] == "60"
    api.clock.advance(60)
    fail(api, 1)
    assert api.mfa(api.flow(), "backup_code", api.WRONG_CODE).headers["Retry-After"] == "120"
    # and when the wait is over, the right code is accepted again
    api.clock.advance(120)
    assert api.mfa(api.flow(), "totp", api.totp()).status_code == 200


def test_a_locked_user_cannot_guess_through_an_old_flow(api: Api, operator: Operator,
                                                        services: Services) -> None:
    operator.set_policy(api.tenant, lockout_threshold=3)
    old_flow = api.flow()  # opened before the lock, with five attempts unused
    fail(api, 3)
    counted = services.users.get(api.tenant, api.user.username)
    response = api.mfa(old_flow, "totp", api.totp_now())
    api.expect_error(response, 429, "locked")
    after = services.users.get(api.tenant, api.user.username)
    assert counted is not None and after is not None
    assert after.failed_attempts == counted.failed_attempts == 3


def test_success_resets_the_count(api: Api, operator: Operator, services: Services) -> None:
    operator.set_policy(api.tenant, lockout_threshold=3)
    fail(api, 2)
    assert api.mfa(api.flow(), "totp", api.totp()).status_code == 200
    user = services.users.get(api.tenant, api.user.username)
    assert user is not None and user.failed_attempts == 0
    fail(api, 2)  # would be the 4th and 5th failure without the reset
    assert api.mfa(api.flow(), "totp", api.totp()).status_code == 200


def test_the_hard_ceiling_of_100_failures(api: Api, services: Services,
                                          operator: Operator) -> None:
    # GIVEN 99 consecutive failures, counted through the repository (each attempt's
    # hold ending at once, as if each had been checked and its lock had passed)
    now = api.clock.now()
    for _ in range(LOCKOUT_CEILING - 1):
        allowed, _user = services.users.reserve_attempt(api.tenant, "alice", now,
                                                        lock_from=10, hold_until=now)
        assert allowed
    # WHEN the hundredth code is wrong
    api.expect_error(api.mfa(api.flow(), "backup_code", api.WRONG_CODE), 401, "invalid_code")
    # THEN no later attempt is even counted, however long the user waits
    api.clock.advance(7 * 24 * 3600)
    locked = api.mfa(api.flow(), "totp", api.totp())
    answer = api.expect_error(locked, 429, "locked")
    assert "Retry-After" not in locked.headers
    assert "administrator" in answer["message"]
    user = services.users.get(api.tenant, "alice")
    assert user is not None and user.failed_attempts == LOCKOUT_CEILING
    # ... until an operator unlocks the user
    operator.unlock_user(api.tenant, "alice")
    assert api.mfa(api.flow(), "totp", api.totp()).status_code == 200


# Reauthentication and logout --------------------------------------------------------------

def test_reauth_with_the_password(api: Api, services: Services) -> None:
    cookie = api.sign_in()
    api.clock.advance(3600)
    response = api.post("/auth/reauth", {"password": api.user.password}, cookie=cookie)
    assert response.status_code == 200
    assert api.body_of(response) == {"status": "authenticated"}
    # the fresh authentication is what the code changes then rely on
    assert api.post("/me/backup-codes", cookie=cookie).status_code == 201


def test_reauth_with_a_wrong_password(api: Api) -> None:
    cookie = api.sign_in()
    api.clock.advance(3600)
    api.expect_error(api.post("/auth/reauth", {"password": "guess"}, cookie=cookie), 401,
                 "invalid_credentials")
    api.expect_error(api.post("/me/backup-codes", cookie=cookie), 403, "reauthentication_required")


def test_reauth_needs_a_session(api: Api) -> None:
    api.expect_error(api.post("/auth/reauth", {"password": api.user.password}), 401,
                 "unauthenticated")


def test_logout_ends_the_session_and_clears_the_cookie(api: Api) -> None:
    cookie = api.sign_in()
    response = api.post("/auth/logout", cookie=cookie)
    assert response.status_code == 204
    assert response.body == b""
    cleared = response.headers["Set-Cookie"]
    assert cleared.startswith(f"session-{api.tenant}=;") and "Max-Age=0" in cleared
    # the cookie the browser may still hold is worthless now
    api.expect_error(api.get("/me", cookie=cookie), 401, "unauthenticated")
    # and signing out again is no error
    assert api.post("/auth/logout", cookie=cookie).status_code == 204


def test_logout_ends_only_its_own_session(api: Api) -> None:
    first, second = api.sign_in(), api.sign_in()
    api.post("/auth/logout", cookie=first)
    assert api.get("/me", cookie=second).status_code == 200


def test_two_users_of_a_tenant_are_apart(api: Api, new_user: Callable[..., Demo]) -> None:
    bob = new_user(api.tenant, "bob")
    alice_codes = api.add_codes(api.sign_in())["codes"]
    bob_api = api.as_user(bob)
    bob_api.add_codes(bob_api.sign_in())
    api.expect_error(bob_api.mfa(bob_api.flow(), "backup_code", alice_codes[0]), 401,
                 "invalid_code")
    assert api.mfa(api.flow(), "backup_code", alice_codes[0]).status_code == 200
