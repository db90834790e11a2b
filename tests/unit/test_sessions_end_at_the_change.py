"""Sessions end at the change: a session authenticated before a change to the user's
second factor is refused from the moment the change commits, purged or not."""

from __future__ import annotations

import pytest
from world import TENANT, USERNAME, World

from functions import crypto
from functions.core.errors import InvalidCode, Unauthenticated


@pytest.mark.parametrize("change", ["add", "regenerate", "remove"])
def test_other_sessions_are_refused_at_once_and_the_changing_one_stays(
        world: World, change: str) -> None:
    # GIVEN alice signed in on a laptop and a phone (with codes, unless adding them)
    world.add_user()
    laptop_token = world.sign_in_token()
    phone_token = world.sign_in_token()
    laptop = world.sessions_service.resolve(TENANT, laptop_token)
    if change != "add":
        world.backup_codes.add(laptop, world.policy())
        phone_token = world.sign_in_token()  # a phone session of the current codes
    laptop = world.sessions_service.resolve(TENANT, laptop_token)
    # WHEN the laptop changes the codes (no purge runs: none is wired here)
    if change == "add":
        world.backup_codes.add(laptop, world.policy())
    elif change == "regenerate":
        world.backup_codes.regenerate(laptop, world.policy(), None)
    else:
        world.backup_codes.remove(laptop, world.policy())
    # THEN the phone's session is refused, though its record is still stored
    with pytest.raises(Unauthenticated):
        world.sessions_service.resolve(TENANT, phone_token)
    assert (TENANT, crypto.token_hash(phone_token)) in world.sessions.items
    # AND the laptop's goes on, and lists only itself
    current = world.sessions_service.resolve(TENANT, laptop_token)
    assert [s.session_id for s in world.sessions_service.list(current)] == [current.session_id]


def test_a_sign_in_read_before_a_change_and_committed_after_it_loses(world: World) -> None:
    # GIVEN alice with codes, and a second step that has read her second factor
    world.add_user()
    laptop = world.signed_in()
    issued = world.backup_codes.add(laptop, world.policy())
    flow = world.login().flow_token
    assert flow is not None
    store = world.signin._p.store
    begin = store.begin

    def change_meanwhile(start):  # type: ignore[no-untyped-def]
        state = begin(start)
        # WHEN the laptop regenerates between the read and the commit
        world.backup_codes.regenerate(laptop, world.policy(), None)
        return state

    store.begin = change_meanwhile  # type: ignore[method-assign]
    # THEN the old code's sign-in is refused and opens no session
    sessions_before = set(world.sessions.items)
    with pytest.raises(InvalidCode):
        world.second_factor(flow, "backup_code", issued.codes[0])
    assert set(world.sessions.items) == sessions_before
    stored = world.code_sets.get(TENANT, USERNAME)
    assert stored is not None and stored.remaining == stored.total == 10


def test_a_token_naming_another_user_is_refused(world: World) -> None:
    world.add_user()
    world.add_user("bob")
    token = world.sign_in_token()
    _username, secret = token.split("~")
    for forged in (f"bob~{secret}", f"BOB~{secret}", f"~{secret}", secret, f"bob~{secret}~x"):
        with pytest.raises(Unauthenticated):
            world.sessions_service.resolve(TENANT, forged)
    assert world.sessions_service.resolve(TENANT, token).username == USERNAME
