"""Sign-in over fakes: password, second factor, lockout, login flows, sessions."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import replace

import pyotp
import pytest
from fakes import FLOW_USED, Attempts
from world import PASSWORD, TENANT, USERNAME, World

from functions import crypto
from functions.api import presenters
from functions.core.errors import (
    FlowExpired,
    InvalidCode,
    InvalidCredentials,
    InvalidRequest,
    Locked,
    SessionNotFound,
    Unauthenticated,
)
from functions.core.model import User
from functions.core.policy import LOCKOUT_CEILING, TenantPolicy
from functions.settings import Argon2Parameters

WRONG_CODE = "ABCD-EFGH-JKMN-PQRS"


def start(world: World, username: str = USERNAME) -> str:
    result = world.login(username)
    assert result.status == "mfa_required" and result.flow_token
    return result.flow_token


def flow_id_of(token: str) -> str:
    claims = world_signer_claims(token)
    return str(claims["f"])


def world_signer_claims(token: str) -> dict:
    # The flow token's claims part, read without checking it: a test looking inside.
    payload = token.split(".")[2]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def guess(world: World, flow: str, code: str = WRONG_CODE, method: str = "backup_code") -> None:
    world.second_factor(flow, method, code)


# First factor ---------------------------------------------------------------------------

def test_a_user_with_totp_is_asked_for_it(world: World) -> None:
    world.add_user()
    result = world.login(USERNAME)
    assert (result.status, result.methods, result.session_token) == ("mfa_required",
                                                                     ("totp",), None)
    # The flow is carried, signed, by the client: nothing is stored until a second
    # factor is tried on it.
    assert result.flow_token and not world.db.flows


def test_a_user_with_backup_codes_is_offered_them(world: World) -> None:
    world.add_user()
    world.backup_codes.add(world.signed_in(), world.policy())
    assert world.login(USERNAME).methods == ("totp",
                                                                             "backup_code")


def test_a_user_without_a_second_factor_is_signed_in_at_once(world: World) -> None:
    world.add_user(totp=False)
    result = world.login(USERNAME)
    assert result.status == "authenticated" and result.session_token
    assert result.flow_token is None and not world.db.flows
    session = world.sessions_service.resolve(TENANT, result.session_token)
    assert session.username == USERNAME


def test_usernames_sign_in_without_regard_to_case(world: World) -> None:
    world.add_user()
    assert world.login("ALICE").status == "mfa_required"


@pytest.mark.parametrize(("username", "password"), [(USERNAME, "wrong password"),
                                                    ("mallory", PASSWORD)])
def test_a_wrong_password_and_an_unknown_user_cost_and_answer_the_same(
        world: World, username: str, password: str) -> None:
    world.add_user()
    before = world.hasher.verifications
    with pytest.raises(InvalidCredentials) as refused:
        world.login(username, password)
    assert refused.value.message == "The username or password is incorrect."
    assert world.hasher.verifications - before == 1
    assert not world.db.flows and not world.sessions.items


@pytest.mark.parametrize(("username", "password"), [
    (None, PASSWORD), (42, PASSWORD), ("al ice", PASSWORD), (USERNAME, None),
    (USERNAME, ""), (USERNAME, 12345678), (USERNAME, "x" * 1025),
])
def test_malformed_credentials_are_refused_before_any_hashing(world: World, username: object,
                                                              password: object) -> None:
    world.add_user()
    before = world.hasher.verifications
    with pytest.raises(InvalidRequest):
        world.login(username, password)  # type: ignore[arg-type]
    assert world.hasher.verifications == before


def test_an_outdated_password_hash_is_upgraded_at_sign_in(world: World) -> None:
    # GIVEN a password hashed with weaker parameters than today's
    weak = crypto.Argon2Hasher(Argon2Parameters(memory_kib=8, time_cost=1, parallelism=1))
    stronger = crypto.Argon2Hasher(Argon2Parameters(memory_kib=16, time_cost=1, parallelism=1))
    world.users.create(User(tenant=TENANT, username=USERNAME, password_hash=weak.hash(PASSWORD),
                            created_at=0.0))
    world.signin._p = replace(world.signin._p, hasher=stronger)  # the deployment raised the cost
    # WHEN the user signs in THEN the stored hash is redone with today's parameters
    world.login(USERNAME)
    stored = world.users.get(TENANT, USERNAME)
    assert stored is not None and not stronger.needs_rehash(stored.password_hash)
    assert stronger.verify(stored.password_hash, PASSWORD)


# Second factor --------------------------------------------------------------------------

def test_totp_signs_in_and_ends_the_flow(world: World) -> None:
    world.add_user()
    flow = start(world)
    done = world.second_factor(flow, "totp", world.totp_now())
    assert done.backup_codes_remaining is None
    assert world.sessions_service.resolve(TENANT, done.session_token).username == USERNAME
    assert world.db.flows[(TENANT, USERNAME)][flow_id_of(flow)] >= FLOW_USED  # closed
    with pytest.raises(FlowExpired):
        guess(world, flow)


def test_a_totp_code_works_once_in_its_window(world: World) -> None:
    # GIVEN a TOTP code used to sign in
    world.add_user()
    code = world.totp_now()
    world.second_factor(start(world), "totp", code)
    # WHEN the same code is replayed within its 30 seconds THEN it is refused
    with pytest.raises(InvalidCode):
        world.second_factor(start(world), "totp", code)
    # ... and so is the previous step's code, which drift would otherwise allow
    previous = pyotp.TOTP(world.totp_secret).at(world.clock.now() - 30)
    with pytest.raises(InvalidCode):
        world.second_factor(start(world), "totp", previous)


def test_a_backup_code_signs_in_and_reports_what_is_left(world: World) -> None:
    world.add_user()
    issued = world.backup_codes.add(world.signed_in(), world.policy())
    done = world.second_factor(start(world), "backup_code", issued.codes[0].lower())
    assert done.backup_codes_remaining == 9


@pytest.mark.parametrize(("method", "code"), [
    ("backup_code", "not a code"), ("backup_code", ""), ("backup_code", "ABCD-EFGH-JKMN-PQR0"),
    ("totp", "12345"), ("totp", "abcdef"), ("totp", "\u0661\u0662\u0663\u0664\u0665\u0666"),
])
def test_a_code_that_cannot_be_one_costs_nothing_and_counts_nothing(world: World, method: str,
                                                                     code: str) -> None:
    world.add_user()
    flow = start(world)
    before = world.hasher.verifications
    with pytest.raises(InvalidCode):
        guess(world, flow, code, method)
    assert world.hasher.verifications == before
    assert not world.db.flows.get((TENANT, USERNAME))  # no attempt counted on the flow
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and user.failed_attempts == 0


@pytest.mark.parametrize(("flow", "method", "code"), [
    (None, "totp", "123456"), ("", "totp", "123456"), ("f" * 513, "totp", "123456"),
    ("flow", "sms", "123456"), ("flow", None, "123456"), ("flow", "totp", None),
    ("flow", "totp", 123456), ("flow", "backup_code", ["ABCD"]), ("flow", "totp", "1" * 65),
])
def test_malformed_second_factor_requests_are_invalid(world: World, flow: object,
                                                      method: object, code: object) -> None:
    with pytest.raises(InvalidRequest):
        world.second_factor(flow, method, code)


def test_a_flow_dies_after_five_wrong_codes(world: World) -> None:
    world.add_user()
    flow = start(world)
    for _ in range(5):
        with pytest.raises(InvalidCode):
            guess(world, flow)
    with pytest.raises(FlowExpired):
        guess(world, flow, world.totp_now(), "totp")  # even with the right code


def test_a_flow_expires_after_five_minutes(world: World) -> None:
    world.add_user()
    flow = start(world)
    world.clock.advance(300)
    with pytest.raises(FlowExpired):
        guess(world, flow, world.totp_now(), "totp")


def test_a_flow_of_a_user_deleted_meanwhile_is_dead(world: World) -> None:
    world.add_user()
    flow = start(world)
    del world.db.users[(TENANT, USERNAME)]
    with pytest.raises(FlowExpired):
        guess(world, flow)


# Lockout --------------------------------------------------------------------------------

def fail(world: World, times: int) -> None:
    """Wrong codes through as many flows as it takes, all below the threshold: each
    must be answered as an invalid code, none as a lock."""
    flow = start(world)
    for _ in range(times):
        try:
            guess(world, flow)
        except FlowExpired:
            flow = start(world)
            with pytest.raises(InvalidCode):
                guess(world, flow)
        except InvalidCode:
            pass
        else:
            pytest.fail("a wrong code was accepted")


def answer_of(attempt: Callable[[], object]) -> str:
    """How an attempt was answered: "invalid_code", "locked <retry_after>" or "accepted"."""
    try:
        attempt()
    except InvalidCode:
        return "invalid_code"
    except Locked as locked:
        return f"locked {locked.retry_after}"
    return "accepted"


def test_the_threshold_locks_with_growing_back_off(world: World) -> None:
    # GIVEN a tenant that locks after 3 failures, and 2 failures, each a plain invalid code
    world.tenants.set_policy(TENANT, TenantPolicy(lockout_threshold=3))
    world.add_user()
    fail(world, 2)
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and (user.failed_attempts, user.locked_until) == (2, None)
    # WHEN the third code is wrong THEN that very answer is the lock, for 30 seconds
    locked_at = world.clock.now()
    assert answer_of(lambda: guess(world, start(world))) == "locked 30"
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and (user.failed_attempts, user.locked_until) == (3, locked_at + 30)
    # AND until it passes every attempt, right or wrong, is refused uncounted
    world.clock.advance(10)
    assert answer_of(lambda: guess(world, start(world), world.totp_now(), "totp")) == "locked 20"
    world.clock.advance(19)
    assert answer_of(lambda: guess(world, start(world))) == "locked 1"
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and user.failed_attempts == 3
    # WHEN each wait passes and one more code is wrong THEN that failure is answered
    # with the next wait, doubling up to an hour
    world.clock.advance(1)
    for wait in (60, 120, 240, 480, 960, 1920, 3600, 3600):
        assert answer_of(lambda: guess(world, start(world))) == f"locked {wait}"
        world.clock.advance(wait - 1)
        assert answer_of(lambda: guess(world, start(world), world.totp_now(),
                                       "totp")) == "locked 1"
        world.clock.advance(1)
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and user.failed_attempts == 11
    # AND once the last wait has passed the right code signs in
    assert answer_of(lambda: guess(world, start(world), world.totp_now(), "totp")) == "accepted"


@pytest.mark.parametrize(("failures_before", "beside_it", "own_answer", "failures_after"), [
    # below the threshold both are checked, and both are plain failures
    pytest.param(0, ("invalid_code", "checked"), "invalid_code", 2, id="0-checked"),
    # the one beside it reaches the threshold: it is checked, and its failure is the lock
    pytest.param(1, ("locked 30", "checked"), "invalid_code", 3, id="1-checked"),
    # the first reaches the threshold and holds the lock while it is checked: the one
    # beside it is refused unchecked and uncounted, and the first's failure is the lock
    pytest.param(2, ("locked 30", "unchecked"), "locked 30", 3, id="2-locked"),
])
def test_only_the_attempt_that_reaches_the_threshold_runs_while_it_is_checked(
        world: World, monkeypatch: pytest.MonkeyPatch, failures_before: int,
        beside_it: tuple[str, str], own_answer: str, failures_after: int) -> None:
    # GIVEN a tenant that locks after 3 failures, and some failures so far
    world.tenants.set_policy(TENANT, TenantPolicy(lockout_threshold=3))
    world.add_user()
    fail(world, failures_before)
    other_flow = start(world)
    seen: list[object] = []
    burn = world.hasher.burn

    def another_guess_meanwhile(secret: str) -> None:
        # WHEN a second guess arrives while the first one is being checked
        if not seen:
            seen.append("busy")
            verifications = world.hasher.verifications
            answer = answer_of(lambda: guess(world, other_flow))
            seen.append((answer, "checked" if world.hasher.verifications > verifications
                         else "unchecked"))
        burn(secret)

    monkeypatch.setattr(world.hasher, "burn", another_guess_meanwhile)
    now = world.clock.now()
    assert answer_of(lambda: guess(world, start(world))) == own_answer
    # THEN below the threshold both are checked; the attempt that reaches it holds
    # the lock, so a burst cannot get more guesses than the threshold allows; and
    # whichever failure reaches the threshold is the one answered with the lock
    assert seen == ["busy", beside_it]
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and user.failed_attempts == failures_after
    assert user.locked_until == (now + 30 if failures_after >= 3 else None)


def test_a_locked_user_cannot_guess_through_an_old_flow(world: World) -> None:
    world.tenants.set_policy(TENANT, TenantPolicy(lockout_threshold=3))
    world.add_user()
    old_flow = start(world)  # opened before the lock, 5 attempts unused
    fail(world, 2)
    assert answer_of(lambda: guess(world, start(world))) == "locked 30"
    before = world.users.get(TENANT, USERNAME)
    world.clock.advance(10)
    assert answer_of(lambda: guess(world, old_flow, world.totp_now(), "totp")) == "locked 20"
    after = world.users.get(TENANT, USERNAME)
    assert before is not None and after is not None
    assert after.failed_attempts == before.failed_attempts == 3
    assert after.locked_until == before.locked_until


def test_success_resets_the_count(world: World) -> None:
    world.tenants.set_policy(TENANT, TenantPolicy(lockout_threshold=3))
    world.add_user()
    fail(world, 2)
    world.clock.advance(30)
    guess(world, start(world), world.totp_now(), "totp")
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and (user.failed_attempts, user.locked_until) == (0, None)
    fail(world, 2)  # two more are again below the threshold
    world.clock.advance(30)
    guess(world, start(world), world.totp_now(), "totp")


def test_the_hard_ceiling_needs_an_operator(world: World) -> None:
    # GIVEN 99 consecutive failures
    world.add_user()
    world.db.second_factor[(TENANT, USERNAME)] = Attempts(failures=LOCKOUT_CEILING - 1)
    # WHEN the hundredth fails THEN that very answer is the lock, with no wait to tell:
    # only an operator unlocks
    with pytest.raises(Locked) as hundredth:
        guess(world, start(world))
    assert hundredth.value.retry_after is None
    assert "administrator" in hundredth.value.message
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and user.failed_attempts == LOCKOUT_CEILING
    # AND no further attempt is even counted, however long one waits
    world.clock.advance(30 * 24 * 3600)
    with pytest.raises(Locked) as locked:
        guess(world, start(world), world.totp_now(), "totp")
    assert locked.value.retry_after is None
    assert "administrator" in locked.value.message
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and user.failed_attempts == LOCKOUT_CEILING
    # ... until the count is reset (the operator's unlock)
    world.users.reset_failures(TENANT, USERNAME)
    guess(world, start(world), world.totp_now(), "totp")


# Sessions -------------------------------------------------------------------------------

def test_unknown_and_missing_tokens_are_unauthenticated(world: World) -> None:
    for token in (None, "", "x" * 129, crypto.new_token()):
        with pytest.raises(Unauthenticated):
            world.sessions_service.resolve(TENANT, token)


def test_a_session_is_touched_at_most_once_a_minute(world: World) -> None:
    world.add_user()
    token = world.sign_in_token()
    world.clock.advance(59)
    world.sessions_service.resolve(TENANT, token)
    assert world.sessions.touches == 0
    world.clock.advance(1)
    seen = world.sessions_service.resolve(TENANT, token)
    assert world.sessions.touches == 1
    assert seen.last_seen_at == world.clock.now()


def test_an_idle_session_expires(world: World) -> None:
    world.add_user()
    token = world.sign_in_token()
    world.clock.advance(2 * 3600)
    with pytest.raises(Unauthenticated):
        world.sessions_service.resolve(TENANT, token)


def test_an_active_session_still_ends_at_its_lifetime(world: World) -> None:
    world.add_user()
    token = world.sign_in_token()
    for _ in range(11):
        world.clock.advance(3600)
        world.sessions_service.resolve(TENANT, token)
    world.clock.advance(3600)  # twelve hours after it opened
    with pytest.raises(Unauthenticated):
        world.sessions_service.resolve(TENANT, token)


def test_reauthentication_checks_the_password(world: World) -> None:
    world.add_user()
    session = world.signed_in()
    world.clock.advance(600)
    with pytest.raises(InvalidCredentials):
        world.sessions_service.reauthenticate(session, "wrong password")
    with pytest.raises(InvalidRequest):
        world.sessions_service.reauthenticate(session, None)
    stored = world.sessions.get(TENANT, session.token_hash)
    assert stored is not None and stored.authenticated_at == session.authenticated_at
    world.sessions_service.reauthenticate(session, PASSWORD)
    stored = world.sessions.get(TENANT, session.token_hash)
    assert stored is not None and stored.authenticated_at == world.clock.now()


def test_sessions_list_marks_the_current_one_and_ends_only_the_users_own(world: World) -> None:
    world.add_user()
    world.add_user("bob")
    first = world.signed_in()
    second = world.signed_in()
    bobs = world.signed_in("bob")
    listed = world.sessions_service.list(second)
    # most recently seen first; the page's "current" mark is the presenter's
    assert [s.session_id for s in listed] == [second.session_id, first.session_id]
    assert [s["current"] for s in presenters.sessions(listed, second)["sessions"]] == [True,
                                                                                      False]
    with pytest.raises(SessionNotFound):
        world.sessions_service.end(second, bobs.session_id)
    assert world.sessions.get(TENANT, bobs.token_hash) is not None
    world.sessions_service.end(second, first.session_id)
    assert world.sessions.get(TENANT, first.token_hash) is None


def test_logout_ends_the_session(world: World) -> None:
    world.add_user()
    token = world.sign_in_token()
    world.sessions_service.logout(world.sessions_service.resolve(TENANT, token))
    with pytest.raises(Unauthenticated):
        world.sessions_service.resolve(TENANT, token)
