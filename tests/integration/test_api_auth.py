"""POST /auth/login, /auth/mfa, /auth/reauth, /auth/logout over moto, row by row."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from chalice.test import HTTPResponse
from unit.fakes import CountingHasher

from functions.bootstrap import Repositories
from functions.core.policy import LOCKOUT_CEILING
from functions.operator import Operator
from functions.store import keys
from functions.store.models import UserModel

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
    """Wrong backup codes, through fresh flows as each dies, all below the threshold:
    each must be answered 401 invalid_code, none as the lock."""
    flow = api.flow()
    for _ in range(times):
        response = api.mfa(flow, "backup_code", api.WRONG_CODE)
        if api.body_of(response)["error"] == "flow_expired":
            flow = api.flow()
            response = api.mfa(flow, "backup_code", api.WRONG_CODE)
        api.expect_error(response, 401, "invalid_code")
        assert "Retry-After" not in response.headers


def expect_locked(api: Api, response: HTTPResponse,
                  retry_after: int | None) -> dict[str, Any]:
    """429 locked, with exactly this Retry-After (None: no header, only an operator unlocks)."""
    answer = api.expect_error(response, 429, "locked")
    if retry_after is None:
        assert "Retry-After" not in response.headers, response.headers
    else:
        assert response.headers.get("Retry-After") == str(retry_after), response.headers
    return answer


def failures(repos: Repositories, api: Api) -> int:
    user = repos.users.get(api.tenant, api.user.username)
    assert user is not None
    return user.failed_attempts


def test_the_threshold_locks_with_retry_after(api: Api, repos: Repositories) -> None:
    # GIVEN the default threshold of 10, and 9 failures: each a plain 401
    fail(api, 9)
    assert failures(repos, api) == 9
    # WHEN the tenth code is wrong
    locking = api.mfa(api.flow(), "backup_code", api.WRONG_CODE)
    # THEN that very answer says the second factor is locked, and for how long
    expect_locked(api, locking, 30)
    assert failures(repos, api) == 10
    # AND the next attempt, even with the right code, is refused for the rest of the wait
    api.clock.advance(10)
    expect_locked(api, api.mfa(api.flow(), "totp", api.totp_now()), 20)
    assert failures(repos, api) == 10


def test_the_back_off_grows(api: Api, operator: Operator, repos: Repositories) -> None:
    operator.set_policy(api.tenant, lockout_threshold=3)
    fail(api, 2)
    # the failure that reaches the threshold locks for 30 s, and each failure after a
    # wait has passed locks for twice as long as the one before, up to an hour
    for count, wait in enumerate((30, 60, 120, 240, 480, 960, 1920, 3600, 3600), start=3):
        expect_locked(api, api.mfa(api.flow(), "backup_code", api.WRONG_CODE), wait)
        assert failures(repos, api) == count
        api.clock.advance(wait - 1)
        # a second before the wait is over even the right code is refused, uncounted
        expect_locked(api, api.mfa(api.flow(), "totp", api.totp_now()), 1)
        assert failures(repos, api) == count
        api.clock.advance(1)
    # and when the wait is over, the right code is accepted again
    assert api.mfa(api.flow(), "totp", api.totp_now()).status_code == 200
    assert failures(repos, api) == 0


def test_a_locked_user_cannot_guess_through_an_old_flow(api: Api, operator: Operator,
                                                        repos: Repositories) -> None:
    operator.set_policy(api.tenant, lockout_threshold=3)
    old_flow = api.flow()  # opened before the lock, with five attempts unused
    fail(api, 2)
    expect_locked(api, api.mfa(api.flow(), "backup_code", api.WRONG_CODE), 30)
    counted = repos.users.get(api.tenant, api.user.username)
    api.clock.advance(10)
    expect_locked(api, api.mfa(old_flow, "totp", api.totp_now()), 20)
    after = repos.users.get(api.tenant, api.user.username)
    assert counted is not None and after is not None
    assert after.failed_attempts == counted.failed_attempts == 3
    assert after.locked_until == counted.locked_until


def test_success_resets_the_count(api: Api, operator: Operator, repos: Repositories) -> None:
    operator.set_policy(api.tenant, lockout_threshold=3)
    fail(api, 2)
    assert api.mfa(api.flow(), "totp", api.totp()).status_code == 200
    user = repos.users.get(api.tenant, api.user.username)
    assert user is not None and user.failed_attempts == 0
    fail(api, 2)  # would be the 4th and 5th failure without the reset
    assert api.mfa(api.flow(), "totp", api.totp()).status_code == 200


def test_the_hard_ceiling_of_100_failures(api: Api, repos: Repositories,
                                          operator: Operator) -> None:
    # GIVEN 99 consecutive failures, the last hold over (set on the item directly)
    UserModel(keys.user_pk(api.tenant, "alice")).update(
        actions=[UserModel.failed_attempts.set(LOCKOUT_CEILING - 1)])
    # WHEN the hundredth code is wrong
    hundredth = api.mfa(api.flow(), "backup_code", api.WRONG_CODE)
    # THEN that very answer is the lock, with no Retry-After: only an operator unlocks
    assert "administrator" in expect_locked(api, hundredth, None)["message"]
    assert failures(repos, api) == LOCKOUT_CEILING
    # AND no later attempt is even counted, however long the user waits
    api.clock.advance(7 * 24 * 3600)
    locked = api.mfa(api.flow(), "totp", api.totp())
    assert "administrator" in expect_locked(api, locked, None)["message"]
    user = repos.users.get(api.tenant, "alice")
    assert user is not None and user.failed_attempts == LOCKOUT_CEILING
    # ... until an operator unlocks the user
    operator.unlock_user(api.tenant, "alice")
    assert api.mfa(api.flow(), "totp", api.totp()).status_code == 200


# Reauthentication and logout --------------------------------------------------------------

def test_reauth_with_the_password(api: Api) -> None:
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


def test_wrong_passwords_at_reauth_end_the_session_after_five(api: Api) -> None:
    # GIVEN a signed-in session (a stolen cookie, say)
    cookie = api.sign_in()
    # WHEN it guesses the password four times, each answer is a plain refusal
    for _ in range(4):
        api.expect_error(api.post("/auth/reauth", {"password": "guess"}, cookie=cookie), 401,
                         "invalid_credentials")
    assert api.get("/me", cookie=cookie).status_code == 200
    # THEN the fifth wrong password ends the session: no more guesses through it
    api.expect_error(api.post("/auth/reauth", {"password": "guess"}, cookie=cookie), 401,
                     "unauthenticated")
    api.expect_error(api.post("/auth/reauth", {"password": api.user.password}, cookie=cookie),
                     401, "unauthenticated")
    api.expect_error(api.get("/me", cookie=cookie), 401, "unauthenticated")


def test_a_right_password_at_reauth_clears_the_count(api: Api) -> None:
    cookie = api.sign_in()
    for _ in range(4):
        api.post("/auth/reauth", {"password": "guess"}, cookie=cookie)
    assert api.post("/auth/reauth", {"password": api.user.password},
                    cookie=cookie).status_code == 200
    for _ in range(4):
        api.expect_error(api.post("/auth/reauth", {"password": "guess"}, cookie=cookie), 401,
                         "invalid_credentials")
    assert api.get("/me", cookie=cookie).status_code == 200
