"""SecondFactorLocked is announced where the lock begins: once per lock, from the sign-in
step, and a publisher that fails changes nothing of the answer."""

from __future__ import annotations

import pytest
from world import CONTEXT, TENANT, USERNAME, World, build_world

from functions import crypto
from functions.core.errors import InvalidCode, Locked
from functions.core.policy import TenantPolicy
from functions.outbound.eventbridge import BestEffort

WRONG_TOTP = "000000"


def wrong_codes(world: World, attempts: int) -> list[str]:
    answers = []
    for _ in range(attempts):
        flow = world.login().flow_token
        try:
            world.second_factor(flow, "totp", WRONG_TOTP)
        except (InvalidCode, Locked) as refused:
            answers.append(refused.code)
    return answers


def locks_after_three(world: World) -> World:
    world.tenants.set_policy(TENANT, TenantPolicy(lockout_threshold=3))
    world.add_user()
    return world


@pytest.fixture
def locking(world: World) -> World:
    return locks_after_three(world)


def test_the_failure_that_locks_announces_it_once(locking: World) -> None:
    # WHEN the third wrong code locks, and a fourth try is refused during the lock
    assert wrong_codes(locking, 4) == ["invalid_code", "invalid_code", "locked", "locked"]
    # THEN one event, of that lock, from where the attempt came
    (fact,) = locking.events.published
    assert (fact.type, fact.tenant, fact.username) == ("SecondFactorLocked", TENANT, USERNAME)
    assert (fact.ip, fact.user_agent) == (CONTEXT.ip, CONTEXT.user_agent)
    assert fact.at == locking.clock.now()


def test_each_new_lock_after_a_back_off_is_its_own_event(locking: World) -> None:
    wrong_codes(locking, 3)
    locking.clock.advance(3600)
    assert wrong_codes(locking, 1) == ["locked"]
    first, second = locking.events.published
    assert first.id != second.id


def test_a_failing_publisher_changes_nothing_of_the_answer(
        argon2: crypto.Argon2Hasher) -> None:
    # GIVEN the bus unreachable, behind the best-effort wrapper the service uses inline
    locking = locks_after_three(build_world(argon2, wrap_events=BestEffort))
    locking.events.failures = 10
    # WHEN the third wrong code locks THEN that is answered all the same
    assert wrong_codes(locking, 4) == ["invalid_code", "invalid_code", "locked", "locked"]
    assert locking.events.published == []
