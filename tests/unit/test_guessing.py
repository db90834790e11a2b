"""Guessing is bounded everywhere: passwords at sign-in, and re-authentication."""

from __future__ import annotations

import pytest
from fakes import Attempts
from world import PASSWORD, TENANT, USERNAME, World

from functions.core.errors import InvalidCredentials, Locked, Unauthenticated
from functions.core.policy import (
    BACKOFF_MAX_SECONDS,
    LOCKOUT_CEILING,
    TenantPolicy,
    password_lockout_seconds,
)
from functions.core.sessions import MAX_REAUTH_FAILURES


def answer_of(world: World, username: str = USERNAME, password: str = "wrong password") -> str:
    try:
        world.login(username, password)
    except InvalidCredentials:
        return "invalid_credentials"
    except Locked as locked:
        return f"locked {locked.retry_after}"
    return "accepted"


def test_wrong_passwords_wait_with_a_growing_back_off(world: World) -> None:
    # GIVEN a tenant whose sign-in waits after 3 wrong passwords
    world.tenants.set_policy(TENANT, TenantPolicy(password_lockout_threshold=3))
    world.add_user()
    assert [answer_of(world) for _ in range(2)] == ["invalid_credentials"] * 2
    # WHEN the third is wrong THEN that answer is the wait, 30 seconds
    assert answer_of(world) == "locked 30"
    # AND during the wait the right password is refused too, and nothing is checked
    before = world.hasher.verifications
    world.clock.advance(10)
    assert answer_of(world, password=PASSWORD) == "locked 20"
    assert world.hasher.verifications == before
    # AND each further wrong password after a wait doubles it, up to an hour
    for wait in (60, 120, 240):
        world.clock.advance(3600)
        assert answer_of(world) == f"locked {wait}"
    world.clock.advance(3600)
    # AND a right password after the wait signs in and clears the count
    assert answer_of(world, password=PASSWORD) == "accepted"
    assert (TENANT, USERNAME) not in world.db.passwords


def test_passwords_alone_never_lock_for_good(world: World) -> None:
    # GIVEN a username at the ceiling of wrong passwords
    world.add_user()
    world.db.passwords[(TENANT, USERNAME)] = Attempts(failures=LOCKOUT_CEILING)
    # WHEN one more is wrong THEN the wait is the longest, not forever
    assert answer_of(world) == f"locked {BACKOFF_MAX_SECONDS}"
    assert world.db.passwords[(TENANT, USERNAME)].failures == LOCKOUT_CEILING
    # AND after it the right password signs in
    world.clock.advance(BACKOFF_MAX_SECONDS)
    assert answer_of(world, password=PASSWORD) == "accepted"


def test_an_unknown_username_is_counted_and_answered_like_a_known_one(world: World) -> None:
    world.tenants.set_policy(TENANT, TenantPolicy(password_lockout_threshold=3))
    world.add_user()
    known = [answer_of(world, USERNAME) for _ in range(4)]
    unknown = [answer_of(world, "mallory") for _ in range(4)]
    # The lock says nothing about which usernames exist.
    assert known == unknown == ["invalid_credentials", "invalid_credentials", "locked 30",
                                "locked 30"]


def test_the_password_back_off_is_the_second_factors_but_never_infinite() -> None:
    assert [password_lockout_seconds(n, 10) for n in (0, 9, 10, 11, 12)] == [0, 0, 30, 60, 120]
    assert password_lockout_seconds(LOCKOUT_CEILING, 10) == BACKOFF_MAX_SECONDS
    assert password_lockout_seconds(10_000, 10) == BACKOFF_MAX_SECONDS


def test_reauthentication_counts_before_it_checks(world: World) -> None:
    # GIVEN a signed-in session
    world.add_user()
    session = world.signed_in()
    verifications = world.hasher.verifications
    # WHEN many wrong passwords arrive on it
    answers = []
    for _ in range(MAX_REAUTH_FAILURES + 5):
        try:
            world.sessions_service.reauthenticate(session, "wrong password")
        except InvalidCredentials:
            answers.append("invalid_credentials")
        except Unauthenticated:
            answers.append("unauthenticated")
    # THEN no more than MAX_REAUTH_FAILURES of them were ever checked, and the fifth
    # ended the session
    assert world.hasher.verifications - verifications == MAX_REAUTH_FAILURES
    assert answers[:MAX_REAUTH_FAILURES] == ["invalid_credentials"] * (
        MAX_REAUTH_FAILURES - 1) + ["unauthenticated"]
    assert set(answers[MAX_REAUTH_FAILURES:]) == {"unauthenticated"}
    with pytest.raises(Unauthenticated):
        world.sessions_service.reauthenticate(session, PASSWORD)


def test_a_right_password_clears_the_reauthentication_count(world: World) -> None:
    world.add_user()
    session = world.signed_in()
    for _ in range(MAX_REAUTH_FAILURES - 1):
        with pytest.raises(InvalidCredentials):
            world.sessions_service.reauthenticate(session, "wrong password")
    world.sessions_service.reauthenticate(session, PASSWORD)
    with pytest.raises(InvalidCredentials):
        world.sessions_service.reauthenticate(session, "wrong password")


def test_reauthentication_of_a_session_ended_meanwhile_is_unauthenticated(
        world: World) -> None:
    world.add_user()
    session = world.signed_in()
    world.sessions.delete(TENANT, session.token_hash)
    with pytest.raises(Unauthenticated):
        world.sessions_service.reauthenticate(session, PASSWORD)
