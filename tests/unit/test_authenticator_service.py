"""The authenticator set up by the user, over fakes: start, confirm, replace, remove, and
the require_mfa sign-in that leads to it."""

from __future__ import annotations

import pyotp
import pytest
from world import TENANT, USERNAME, World

from functions.core.authenticator import MAX_CONFIRMATIONS, SETUP_SECONDS
from functions.core.errors import (
    InvalidCode,
    InvalidRequest,
    NoPendingSetup,
    NotEnabled,
    ReauthenticationRequired,
    SecondFactorRequired,
    SetupExpired,
    Unauthenticated,
)
from functions.core.model import Session, TotpSetup
from functions.core.policy import TenantPolicy


def code_of(setup: TotpSetup | str, world: World, steps: int = 0) -> str:
    secret = setup if isinstance(setup, str) else setup.secret
    return pyotp.TOTP(secret).at(world.clock.now() + 30 * steps)


def wrong_code(setup: TotpSetup, world: World) -> str:
    near = {code_of(setup, world, d) for d in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222") if c not in near)


def no_factor_session(world: World) -> Session:
    world.add_user(totp=False)
    return world.signed_in()


def test_a_set_up_shows_the_secret_once_and_stays_pending(world: World) -> None:
    session = no_factor_session(world)
    setup = world.authenticators.start(session, world.policy())
    parsed = pyotp.parse_uri(setup.otpauth_uri)
    assert isinstance(parsed, pyotp.TOTP)
    assert (parsed.secret, parsed.name, parsed.issuer) == (setup.secret, USERNAME, "Acme")
    assert len(setup.secret) == 32  # 160 bits of base32
    assert setup.qr_svg.startswith("<svg") and setup.secret not in setup.qr_svg
    assert setup.expires_at == world.clock.now() + SETUP_SECONDS
    # Pending is not a second factor: the password alone still signs in.
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and not user.totp_enabled and user.totp_pending is not None
    assert world.login().status == "authenticated"


def test_confirming_with_a_current_code_makes_it_the_second_factor(world: World) -> None:
    session = no_factor_session(world)
    setup = world.authenticators.start(session, world.policy())
    world.authenticators.confirm(session, world.policy(), code_of(setup, world))
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and user.totp_secret == setup.secret and user.totp_pending is None
    assert world.login().methods == ("totp",)
    assert world.authenticator_store.changes[-1].kind == "authenticator_added"


def test_a_code_one_step_off_confirms_as_at_sign_in(world: World) -> None:
    session = no_factor_session(world)
    setup = world.authenticators.start(session, world.policy())
    world.authenticators.confirm(session, world.policy(), code_of(setup, world, -1))
    assert world.login().methods == ("totp",)


def test_the_confirming_code_cannot_then_sign_in(world: World) -> None:
    # GIVEN an authenticator confirmed with the code of this time step
    session = no_factor_session(world)
    setup = world.authenticators.start(session, world.policy())
    used = code_of(setup, world)
    world.authenticators.confirm(session, world.policy(), used)
    # WHEN the same code is typed at sign-in, within the same step
    flow = world.login().flow_token
    # THEN it is refused: its step was claimed at the confirmation
    with pytest.raises(InvalidCode):
        world.second_factor(flow, "totp", used)
    world.clock.advance(30)
    assert world.second_factor(flow, "totp", code_of(setup, world)).session_token


def test_a_wrong_code_is_refused_and_the_set_up_waits(world: World) -> None:
    session = no_factor_session(world)
    setup = world.authenticators.start(session, world.policy())
    with pytest.raises(InvalidCode):
        world.authenticators.confirm(session, world.policy(), wrong_code(setup, world))
    world.authenticators.confirm(session, world.policy(), code_of(setup, world))
    assert world.login().methods == ("totp",)


def test_the_last_wrong_confirmation_discards_the_set_up(world: World) -> None:
    session = no_factor_session(world)
    setup = world.authenticators.start(session, world.policy())
    wrong = wrong_code(setup, world)
    for _ in range(MAX_CONFIRMATIONS - 1):
        with pytest.raises(InvalidCode):
            world.authenticators.confirm(session, world.policy(), wrong)
    with pytest.raises(SetupExpired, match="Too many wrong codes"):
        world.authenticators.confirm(session, world.policy(), wrong)
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and user.totp_pending is None
    # Even the right code finds nothing to confirm now.
    with pytest.raises(NoPendingSetup):
        world.authenticators.confirm(session, world.policy(), code_of(setup, world))


def test_a_set_up_out_of_confirmations_is_refused_before_any_check(world: World) -> None:
    # GIVEN a set-up whose confirmations were all counted (the discard never happened)
    session = no_factor_session(world)
    setup = world.authenticators.start(session, world.policy())
    for attempt in range(MAX_CONFIRMATIONS):
        world.authenticator_store.count_confirmation(TENANT, USERNAME, f"a{attempt}",
                                                     world.clock.now(), MAX_CONFIRMATIONS)
    # THEN the right code is refused too, and the set-up goes
    with pytest.raises(SetupExpired, match="Too many wrong codes"):
        world.authenticators.confirm(session, world.policy(), code_of(setup, world))
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and user.totp_pending is None and user.totp_secret is None


def test_an_expired_set_up_is_refused_and_discarded(world: World) -> None:
    session = no_factor_session(world)
    setup = world.authenticators.start(session, world.policy())
    world.clock.advance(SETUP_SECONDS)
    with pytest.raises(SetupExpired, match="expired"):
        world.authenticators.confirm(session, world.policy(), code_of(setup, world))
    with pytest.raises(NoPendingSetup):
        world.authenticators.confirm(session, world.policy(), code_of(setup, world))
    assert world.login().status == "authenticated"


def test_confirming_without_a_set_up(world: World) -> None:
    session = no_factor_session(world)
    with pytest.raises(NoPendingSetup):
        world.authenticators.confirm(session, world.policy(), "123456")


@pytest.mark.parametrize("code", [None, 123456, ["123456"], "1" * 65])
def test_a_code_of_the_wrong_shape_is_a_bad_request(world: World, code: object) -> None:
    session = no_factor_session(world)
    world.authenticators.start(session, world.policy())
    with pytest.raises(InvalidRequest):
        world.authenticators.confirm(session, world.policy(), code)


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "\u0661" * 6])
def test_input_that_cannot_be_a_code_is_not_counted(world: World, code: str) -> None:
    session = no_factor_session(world)
    world.authenticators.start(session, world.policy())
    for _ in range(MAX_CONFIRMATIONS + 1):
        with pytest.raises(InvalidCode):
            world.authenticators.confirm(session, world.policy(), code)
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and user.totp_pending is not None
    assert user.totp_pending.attempts == 0


def test_a_new_set_up_replaces_the_pending_one(world: World) -> None:
    session = no_factor_session(world)
    first = world.authenticators.start(session, world.policy())
    second = world.authenticators.start(session, world.policy())
    assert first.secret != second.secret
    if code_of(first, world) != code_of(second, world):
        with pytest.raises(InvalidCode):
            world.authenticators.confirm(session, world.policy(), code_of(first, world))
    world.authenticators.confirm(session, world.policy(), code_of(second, world))
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and user.totp_secret == second.secret


def test_a_set_up_replaced_while_it_was_checked_is_refused(world: World) -> None:
    # GIVEN a confirmation counted on a set-up, and a new set-up from another tab
    session = no_factor_session(world)
    first = world.authenticators.start(session, world.policy())
    store = world.authenticator_store
    count = store.count_confirmation

    def replaced_meanwhile(*args: object) -> object:
        counted = count(*args)  # type: ignore[arg-type]
        world.authenticators.start(session, world.policy())
        return counted

    store.count_confirmation = replaced_meanwhile  # type: ignore[assignment,method-assign]
    # THEN the first set-up's code does not turn on either secret
    with pytest.raises(SetupExpired, match="newer set-up"):
        world.authenticators.confirm(session, world.policy(), code_of(first, world))
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and user.totp_secret is None and user.totp_pending is not None


def test_a_lost_phone_is_replaced_by_a_new_authenticator(world: World) -> None:
    # GIVEN alice, whose authenticator is on a lost phone
    world.add_user()
    session = world.signed_in()
    setup = world.authenticators.start(session, world.policy())
    world.authenticators.confirm(session, world.policy(), code_of(setup, world))
    # THEN the old app's codes stop working and the new one's work
    world.clock.advance(30)
    with pytest.raises(InvalidCode):
        world.second_factor(world.login().flow_token, "totp", code_of(world.totp_secret, world))
    assert world.second_factor(world.login().flow_token, "totp", code_of(setup, world))


def test_remove_turns_the_authenticator_off(world: World) -> None:
    world.add_user()
    session = world.signed_in()
    world.authenticators.remove(session, world.policy())
    assert world.login().status == "authenticated"
    assert world.authenticator_store.changes[-1].kind == "authenticator_removed"
    with pytest.raises(NotEnabled, match="authenticator"):
        world.authenticators.remove(world.signed_in(), world.policy())


@pytest.mark.parametrize("action", ["start", "confirm", "remove"])
def test_each_change_needs_a_recent_authentication(world: World, action: str) -> None:
    world.add_user()
    session = world.signed_in()
    setup = world.authenticators.start(session, world.policy())
    world.clock.advance(world.policy().reauth_max_age_seconds + 1)
    calls = {"start": lambda: world.authenticators.start(session, world.policy()),
             "confirm": lambda: world.authenticators.confirm(session, world.policy(),
                                                             code_of(setup, world)),
             "remove": lambda: world.authenticators.remove(session, world.policy())}
    with pytest.raises(ReauthenticationRequired):
        calls[action]()
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and user.totp_secret == world.totp_secret


@pytest.mark.parametrize("change", ["confirm", "remove"])
def test_other_sessions_end_at_the_change_and_the_changing_one_stays(
        world: World, change: str) -> None:
    world.add_user()
    laptop_token, phone_token = world.sign_in_token(), world.sign_in_token()
    laptop = world.sessions_service.resolve(TENANT, laptop_token)
    if change == "confirm":
        setup = world.authenticators.start(laptop, world.policy())
        world.authenticators.confirm(laptop, world.policy(), code_of(setup, world))
    else:
        world.authenticators.remove(laptop, world.policy())
    with pytest.raises(Unauthenticated):
        world.sessions_service.resolve(TENANT, phone_token)
    assert world.sessions_service.resolve(TENANT, laptop_token).session_id == laptop.session_id


# require_mfa ----------------------------------------------------------------------------

def require_mfa(world: World) -> None:
    world.tenants.set_policy(TENANT, TenantPolicy(require_mfa=True))


def test_under_require_mfa_a_user_without_a_factor_gets_a_set_up_session(world: World) -> None:
    require_mfa(world)
    world.add_user(totp=False)
    result = world.login()
    assert result.status == "mfa_setup_required" and result.session_token is not None
    session = world.sessions_service.resolve(TENANT, result.session_token)
    assert session.mfa_setup_required and session.methods == ("pwd",)
    # WHEN the set-up is confirmed THEN the same session is an ordinary one
    setup = world.authenticators.start(session, world.policy())
    world.authenticators.confirm(session, world.policy(), code_of(setup, world))
    after = world.sessions_service.resolve(TENANT, result.session_token)
    assert not after.mfa_setup_required
    # ... whose methods still say how it signed in: the password only
    assert after.methods == ("pwd",)


def test_under_require_mfa_a_user_with_a_factor_signs_in_as_before(world: World) -> None:
    require_mfa(world)
    world.add_user()
    assert world.login().status == "mfa_required"


def test_without_require_mfa_the_password_alone_signs_in(world: World) -> None:
    world.add_user(totp=False)
    result = world.login()
    assert result.status == "authenticated" and result.session_token is not None
    assert not world.sessions_service.resolve(TENANT, result.session_token).mfa_setup_required


def test_under_require_mfa_the_last_factor_stays_but_can_be_replaced(world: World) -> None:
    require_mfa(world)
    world.add_user()
    token = world.sign_in_token()

    def session() -> Session:  # each request resolves it anew
        return world.sessions_service.resolve(TENANT, token)

    with pytest.raises(SecondFactorRequired):
        world.authenticators.remove(session(), world.policy())
    setup = world.authenticators.start(session(), world.policy())
    world.authenticators.confirm(session(), world.policy(), code_of(setup, world))
    # With backup codes on, the authenticator may go.
    world.backup_codes.add(session(), world.policy())
    world.authenticators.remove(session(), world.policy())
    assert world.login().methods == ("backup_code",)


@pytest.mark.parametrize("change", ["confirm", "remove"])
def test_a_change_over_a_second_factor_changed_meanwhile_ends_the_session(
        world: World, change: str) -> None:
    # GIVEN a request of the laptop, resolved before the phone changed the codes
    world.add_user()
    laptop, phone = world.signed_in(), world.signed_in()
    setup = world.authenticators.start(laptop, world.policy())
    world.backup_codes.add(phone, world.policy())
    # WHEN the laptop's change commits THEN it is refused: that change ended its session
    with pytest.raises(Unauthenticated, match="changed meanwhile"):
        if change == "confirm":
            world.authenticators.confirm(laptop, world.policy(), code_of(setup, world))
        else:
            world.authenticators.remove(laptop, world.policy())
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and user.totp_secret == world.totp_secret


def test_a_confirmation_by_a_session_that_ended_changes_nothing(world: World) -> None:
    session = no_factor_session(world)
    setup = world.authenticators.start(session, world.policy())
    world.sessions_service.logout(session)
    with pytest.raises(Unauthenticated):
        world.authenticators.confirm(session, world.policy(), code_of(setup, world))
    user = world.users.get(TENANT, USERNAME)
    assert user is not None and user.totp_secret is None and user.totp_pending is not None
    assert world.code_sets.get(TENANT, USERNAME) is None
