"""The backup-code lifecycle over fakes: add, regenerate, remove, status, spend."""

from __future__ import annotations

from typing import Any

import pytest
from world import TENANT, USERNAME, World

from functions.api import presenters
from functions.core import code_format as codes
from functions.core.errors import (
    AlreadyEnabled,
    GenerationMismatch,
    InvalidCode,
    NotEnabled,
    ReauthenticationRequired,
)
from functions.core.model import Session
from functions.core.policy import TenantPolicy


def status_json(world: World, session: Session) -> dict[str, Any]:
    """The status as the contract shows it (the presenter's JSON of the core's value)."""
    return presenters.code_set_status(world.backup_codes.status(session))


@pytest.fixture(autouse=True)
def _many_tries(world: World) -> None:
    """These tests spend many wrong codes on purpose; the lockout is tested elsewhere."""
    world.tenants.set_policy(TENANT, TenantPolicy(lockout_threshold=100))


def flow(world: World) -> str:
    result = world.login()
    assert result.flow_token is not None
    return result.flow_token


def spend(world: World, shown: str, flow_token: str | None = None) -> int:
    """Sign in with a backup code (a new login flow unless given); the codes left."""
    done = world.second_factor(flow_token or flow(world), "backup_code", shown)
    assert done.backup_codes_remaining is not None
    return done.backup_codes_remaining


def test_add_issues_ten_displayed_codes_and_stores_only_hashes(world: World) -> None:
    world.add_user()
    session = world.signed_in()
    issued = world.backup_codes.add(session, world.policy())
    assert len(issued.codes) == 10 == len(set(issued.codes))
    assert all(len(c) == 19 and c.count("-") == 3 for c in issued.codes)
    stored = world.code_sets.get(TENANT, USERNAME)
    assert stored is not None and stored.enabled and stored.total == 10
    assert stored.generation == issued.generation
    kept = " ".join([*stored.hashes, *stored.hashes.values()])
    for shown in issued.codes:
        canonical = codes.normalize(shown)
        assert canonical is not None
        assert shown not in kept and canonical not in kept
    assert all(h.startswith("$argon2id$") for h in stored.hashes.values())


def test_add_follows_the_tenant_code_count(world: World) -> None:
    world.tenants.set_policy(TENANT, TenantPolicy(code_count=5))
    world.add_user()
    issued = world.backup_codes.add(world.signed_in(), world.policy())
    assert len(issued.codes) == 5


def test_add_records_the_change_and_the_session_that_made_it(world: World) -> None:
    world.add_user()
    session = world.signed_in()
    world.backup_codes.add(session, world.policy())
    assert [(c.kind, c.session_ref) for c in world.code_sets.changes] == [
        ("added", session.token_hash)]


def test_add_twice_is_refused(world: World) -> None:
    world.add_user()
    session = world.signed_in()
    first = world.backup_codes.add(session, world.policy())
    with pytest.raises(AlreadyEnabled):
        world.backup_codes.add(session, world.policy())
    assert spend(world, first.codes[0]) == 9  # the first set is untouched


@pytest.mark.parametrize("action", ["add", "regenerate", "remove"])
def test_every_change_needs_a_recent_authentication(world: World, action: str) -> None:
    # GIVEN a session authenticated 15 minutes and one second ago
    world.add_user()
    session = world.signed_in()
    if action != "add":
        world.backup_codes.add(session, world.policy())
    before = world.code_sets.get(TENANT, USERNAME)
    world.clock.advance(world.policy().reauth_max_age_seconds + 1)
    # WHEN it changes the codes THEN it is asked to re-authenticate, and nothing changes
    with pytest.raises(ReauthenticationRequired):
        if action == "add":
            world.backup_codes.add(session, world.policy())
        elif action == "regenerate":
            world.backup_codes.regenerate(session, world.policy(), None)
        else:
            world.backup_codes.remove(session, world.policy())
    assert world.code_sets.get(TENANT, USERNAME) == before


def test_a_reauthentication_makes_the_session_fresh_again(world: World) -> None:
    world.add_user()
    session = world.signed_in()
    world.clock.advance(3600)
    world.sessions_service.reauthenticate(session, "correct horse battery staple")
    refreshed = world.sessions.get(TENANT, session.token_hash)
    assert refreshed is not None
    assert len(world.backup_codes.add(refreshed, world.policy()).codes) == 10


def test_regenerate_kills_the_old_set_at_once(world: World) -> None:
    world.add_user()
    session = world.signed_in()
    old = world.backup_codes.add(session, world.policy())
    new = world.backup_codes.regenerate(session, world.policy(), old.generation)
    assert new.generation != old.generation
    assert set(new.codes).isdisjoint(old.codes)
    for shown in old.codes:
        with pytest.raises(InvalidCode):
            spend(world, shown)
    assert spend(world, new.codes[0]) == 9


def test_regenerate_without_a_generation_replaces_the_current_set(world: World) -> None:
    world.add_user()
    session = world.signed_in()
    world.backup_codes.add(session, world.policy())
    new = world.backup_codes.regenerate(session, world.policy(), None)
    stored = world.code_sets.get(TENANT, USERNAME)
    assert stored is not None and stored.generation == new.generation


def test_regenerate_with_a_stale_generation_loses(world: World) -> None:
    world.add_user()
    session = world.signed_in()
    first = world.backup_codes.add(session, world.policy())
    winner = world.backup_codes.regenerate(session, world.policy(), first.generation)
    with pytest.raises(GenerationMismatch):
        world.backup_codes.regenerate(session, world.policy(), first.generation)
    stored = world.code_sets.get(TENANT, USERNAME)
    assert stored is not None and stored.generation == winner.generation
    assert spend(world, winner.codes[0]) == 9


def test_regenerate_and_remove_need_codes(world: World) -> None:
    world.add_user()
    session = world.signed_in()
    with pytest.raises(NotEnabled):
        world.backup_codes.regenerate(session, world.policy(), None)
    with pytest.raises(NotEnabled):
        world.backup_codes.regenerate(session, world.policy(), "some-generation")
    with pytest.raises(NotEnabled):
        world.backup_codes.remove(session, world.policy())


def test_remove_turns_the_codes_off_and_add_works_again(world: World) -> None:
    world.add_user()
    session = world.signed_in()
    old = world.backup_codes.add(session, world.policy())
    world.backup_codes.remove(session, world.policy())
    assert status_json(world, session)["enabled"] is False
    with pytest.raises(InvalidCode):
        spend(world, old.codes[0])
    again = world.backup_codes.add(session, world.policy())
    assert spend(world, again.codes[0]) == 9
    assert [c.kind for c in world.code_sets.changes] == ["added", "removed", "added"]


def test_a_code_works_once(world: World) -> None:
    world.add_user()
    issued = world.backup_codes.add(world.signed_in(), world.policy())
    assert spend(world, issued.codes[3]) == 9
    with pytest.raises(InvalidCode):
        spend(world, issued.codes[3])
    assert spend(world, issued.codes[4]) == 8


def test_a_used_code_and_a_wrong_code_are_refused_alike(world: World) -> None:
    world.add_user()
    issued = world.backup_codes.add(world.signed_in(), world.policy())
    spend(world, issued.codes[0])
    with pytest.raises(InvalidCode) as used:
        spend(world, issued.codes[0])
    with pytest.raises(InvalidCode) as wrong:
        spend(world, "ABCD-EFGH-JKMN-PQRS")
    assert (used.value.code, used.value.message) == (wrong.value.code, wrong.value.message)


@pytest.mark.parametrize("left", [10, 1])
@pytest.mark.parametrize("right", [True, False])
def test_one_argon2_verification_per_attempt(world: World, left: int, right: bool) -> None:
    # GIVEN a set with `left` codes remaining
    world.add_user()
    issued = world.backup_codes.add(world.signed_in(), world.policy())
    for shown in issued.codes[: 10 - left]:
        spend(world, shown)
    # WHEN one code is tried THEN exactly one argon2 verification is spent on it
    started = flow(world)
    before = world.hasher.verifications
    if right:
        assert spend(world, issued.codes[-1], started) == left - 1
    else:
        with pytest.raises(InvalidCode):
            spend(world, "ABCD-EFGH-JKMN-PQRS", started)
    assert world.hasher.verifications - before == 1


def test_one_verification_too_when_there_is_no_set(world: World) -> None:
    world.add_user()
    started = flow(world)
    before = world.hasher.verifications
    with pytest.raises(InvalidCode):
        spend(world, "ABCD-EFGH-JKMN-PQRS", started)
    assert world.hasher.verifications - before == 1  # the burn: the same time as a miss


def test_spending_records_when_where_and_with_what(world: World) -> None:
    world.add_user()
    session = world.signed_in()
    issued = world.backup_codes.add(session, world.policy())
    world.clock.advance(10)
    spend(world, issued.codes[0])
    status = status_json(world, session)
    assert status["remaining"] == 9 and status["total"] == 10
    assert status["usage"] == [{"at": status["last_used_at"], "ip": "192.0.2.10",
                                "user_agent": "pytest-agent/1.0"}]
    assert status["last_used_at"] is not None and status["last_used_at"].endswith("Z")


def test_status_never_shows_codes(world: World) -> None:
    world.add_user()
    session = world.signed_in()
    off = status_json(world, session)
    assert off == {"enabled": False, "total": 0, "remaining": 0, "created_at": None,
                   "last_used_at": None, "generation": None, "usage": []}
    issued = world.backup_codes.add(session, world.policy())
    on = status_json(world, session)
    assert set(on) == set(off)
    assert on["generation"] == issued.generation
    text = repr(on)
    assert not any(c in text or c.replace("-", "") in text for c in issued.codes)
