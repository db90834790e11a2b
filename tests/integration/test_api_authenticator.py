"""POST/DELETE /me/totp and POST /me/totp/confirm over moto, and the require_mfa sign-in."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pyotp
import pytest

from functions.core.authenticator import MAX_CONFIRMATIONS, SETUP_SECONDS
from functions.operator import Operator
from functions.qr import SvgQrCodes
from functions.store import keys
from functions.store.models import CodeSetModel, SessionModel, UserModel

if TYPE_CHECKING:
    from conftest import Api, Demo


SVG = "{http://www.w3.org/2000/svg}"


def start(api: Api, cookie: str) -> dict[str, Any]:
    response = api.post("/me/totp", cookie=cookie)
    assert response.status_code == 200, response.body
    return api.body_of(response)


def code_of(api: Api, setup: dict[str, Any] | str, steps: int = 0) -> str:
    secret = setup if isinstance(setup, str) else setup["secret"]
    return pyotp.TOTP(secret).at(api.clock.now() + 30 * steps)


def wrong_code(api: Api, setup: dict[str, Any]) -> str:
    near = {code_of(api, setup, d) for d in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222") if c not in near)


def confirm(api: Api, cookie: str, code: Any) -> Any:
    return api.post("/me/totp/confirm", {"code": code}, cookie=cookie)


@pytest.fixture
def bob(api: Api, new_user: Callable[..., Demo]) -> Api:
    """A user of the same tenant without any second factor: the password signs him in."""
    return api.as_user(new_user(api.tenant, "bob", totp=False))


def password_session(api: Api) -> str:
    response = api.login()
    assert api.body_of(response)["status"] == "authenticated", response.body
    return api.cookie_of(response)


def factors(api: Api, cookie: str) -> dict[str, bool]:
    return dict(api.body_of(api.get("/me", cookie=cookie))["factors"])


# Starting a set-up ------------------------------------------------------------------------

def test_a_set_up_answers_the_key_its_uri_and_a_qr_code_and_stays_pending(bob: Api) -> None:
    cookie = password_session(bob)
    response = bob.post("/me/totp", cookie=cookie)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    setup = bob.body_of(response)
    assert set(setup) == {"secret", "otpauth_uri", "qr_svg", "expires_at"}
    parsed = pyotp.parse_uri(setup["otpauth_uri"])
    assert isinstance(parsed, pyotp.TOTP)
    # The issuer is the tenant's display name, the account the username.
    assert (parsed.secret, parsed.issuer, parsed.name) == (setup["secret"], "Demo", "bob")
    assert len(setup["secret"]) == 32
    expires = datetime.fromtimestamp(bob.clock.now() + SETUP_SECONDS, UTC)
    assert setup["expires_at"] == expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    # Pending is not a factor: nothing changed for sign-in or the account.
    assert factors(bob, cookie) == {"totp": False, "backup_codes": False}
    assert bob.body_of(bob.login())["status"] == "authenticated"


def test_the_qr_code_is_the_uri_and_safe_to_put_inline(bob: Api) -> None:
    setup = start(bob, password_session(bob))
    svg = setup["qr_svg"]
    # It is the QR code of the URI answered (segno renders a text the same way each time).
    assert svg == SvgQrCodes().svg(setup["otpauth_uri"])
    root = ElementTree.fromstring(svg)
    elements = list(root.iter())
    assert root.tag == f"{SVG}svg"
    # Only shapes: no script, no foreignObject, no image, no link, no text, no style.
    assert {e.tag for e in elements} <= {f"{SVG}svg", f"{SVG}g", f"{SVG}path"}
    attributes = {name for e in elements for name in e.attrib}
    assert attributes <= {"width", "height", "transform", "fill", "stroke", "d"}
    assert not any(name.lower().startswith("on") or "href" in name.lower()
                   for name in attributes)
    for text in ("<script", "javascript:", "url(", "<!", "<?", "href", "@import"):
        assert text not in svg.lower()
    # The only address in it is SVG's namespace; the key is not in the markup.
    assert svg.count("http") == 1 and "http://www.w3.org/2000/svg" in svg
    assert setup["secret"] not in svg


def test_a_hostile_tenant_name_stays_out_of_the_markup(api: Api, operator: Operator,
                                                       new_user: Callable[..., Demo]) -> None:
    tenant = f"{api.tenant}-x"
    operator.create_tenant(tenant, '<script>alert(1)</script>" onload="x')
    user = api.as_user(new_user(tenant, "eve", totp=False))
    setup = start(user, password_session(user))
    assert pyotp.parse_uri(setup["otpauth_uri"]).issuer == \
        '<script>alert(1)</script>" onload="x'
    assert "script" not in setup["qr_svg"] and "onload" not in setup["qr_svg"]


# Confirming ----------------------------------------------------------------------------

def test_confirming_with_a_current_code_turns_the_authenticator_on(bob: Api) -> None:
    cookie = password_session(bob)
    setup = start(bob, cookie)
    response = confirm(bob, cookie, code_of(bob, setup))
    assert response.status_code == 204 and response.body == b""
    assert factors(bob, cookie) == {"totp": True, "backup_codes": False}
    assert bob.body_of(bob.login())["methods"] == ["totp"]
    assert bob.mfa(bob.flow(), "totp", bob.totp(setup["secret"])).status_code == 200
    # Confirmed once: there is nothing left to confirm.
    bob.expect_error(confirm(bob, cookie, code_of(bob, setup)), 404, "no_pending_setup")


def test_the_confirming_code_cannot_then_be_replayed_at_sign_in(bob: Api) -> None:
    # GIVEN an authenticator confirmed with the code of the current time step
    cookie = password_session(bob)
    setup = start(bob, cookie)
    used = code_of(bob, setup)
    assert confirm(bob, cookie, used).status_code == 204
    # WHEN the same code is typed at sign-in in the same step
    flow = bob.flow()
    # THEN it is refused, as a code used at sign-in would be
    bob.expect_error(bob.mfa(flow, "totp", used), 401, "invalid_code")
    assert bob.mfa(flow, "totp", bob.totp(setup["secret"])).status_code == 200


def test_a_wrong_code_is_refused_and_a_right_one_then_confirms(bob: Api) -> None:
    cookie = password_session(bob)
    setup = start(bob, cookie)
    bob.expect_error(confirm(bob, cookie, wrong_code(bob, setup)), 401, "invalid_code")
    assert factors(bob, cookie)["totp"] is False
    assert confirm(bob, cookie, code_of(bob, setup)).status_code == 204


def test_the_fifth_wrong_code_discards_the_set_up(bob: Api, repos: Any) -> None:
    cookie = password_session(bob)
    setup = start(bob, cookie)
    wrong = wrong_code(bob, setup)
    for _ in range(MAX_CONFIRMATIONS - 1):
        bob.expect_error(confirm(bob, cookie, wrong), 401, "invalid_code")
    answer = bob.expect_error(confirm(bob, cookie, wrong), 410, "setup_expired")
    assert "Too many wrong codes" in answer["message"]
    # The secret is gone from storage; even the right code finds nothing to confirm.
    stored = UserModel.get(keys.user_pk(bob.tenant, "bob"), consistent_read=True)
    assert stored.totp_pending_secret is None and stored.totp_secret is None
    bob.expect_error(confirm(bob, cookie, code_of(bob, setup)), 404, "no_pending_setup")
    # A new set-up starts with its own five tries.
    again = start(bob, cookie)
    bob.expect_error(confirm(bob, cookie, wrong_code(bob, again)), 401, "invalid_code")
    assert confirm(bob, cookie, code_of(bob, again)).status_code == 204


def test_a_set_up_out_of_confirmations_refuses_even_the_right_code(bob: Api,
                                                                    repos: Any) -> None:
    # GIVEN a set-up whose five confirmations were counted (by a burst, say, that the
    # discard has not caught up with)
    cookie = password_session(bob)
    setup = start(bob, cookie)
    counts = [repos.authenticators.count_confirmation(bob.tenant, "bob", f"burst-{i}",
                                                      bob.clock.now(), MAX_CONFIRMATIONS)
              for i in range(MAX_CONFIRMATIONS + 2)]
    # THEN DynamoDB counted five and refused the rest ...
    assert [c.counted for c in counts] == [True] * MAX_CONFIRMATIONS + [False, False]
    # ... and the right code is refused before it is checked, the set-up discarded
    bob.expect_error(confirm(bob, cookie, code_of(bob, setup)), 410, "setup_expired")
    assert factors(bob, cookie)["totp"] is False
    bob.expect_error(confirm(bob, cookie, code_of(bob, setup)), 404, "no_pending_setup")


def test_an_expired_set_up_is_gone(bob: Api) -> None:
    # GIVEN a set-up left for ten minutes (the injected clock)
    cookie = password_session(bob)
    setup = start(bob, cookie)
    bob.clock.advance(SETUP_SECONDS)
    # WHEN a current code is typed THEN the set-up has expired, and is then gone
    bob.expect_error(confirm(bob, cookie, code_of(bob, setup)), 410, "setup_expired")
    bob.expect_error(confirm(bob, cookie, code_of(bob, setup)), 404, "no_pending_setup")
    assert factors(bob, cookie)["totp"] is False


def test_one_second_before_expiry_it_still_confirms(bob: Api) -> None:
    cookie = password_session(bob)
    setup = start(bob, cookie)
    bob.clock.advance(SETUP_SECONDS - 1)
    assert confirm(bob, cookie, code_of(bob, setup)).status_code == 204


def test_confirm_without_a_set_up(bob: Api) -> None:
    bob.expect_error(confirm(bob, password_session(bob), "123456"), 404, "no_pending_setup")


@pytest.mark.parametrize(("raw", "status", "code"), [
    ('{"code": 123456}', 400, "invalid_request"),
    ('{"code": null}', 400, "invalid_request"),
    ("{}", 400, "invalid_request"),
    ('{"code": "' + "1" * 65 + '"}', 400, "invalid_request"),
    ("[]", 400, "invalid_json"),
    ("{oops", 400, "invalid_json"),
    ('{"code": "12345"}', 401, "invalid_code"),
    ('{"code": "abcdef"}', 401, "invalid_code"),
])
def test_input_that_cannot_be_a_code_changes_nothing(
        bob: Api, state: Callable[[], dict[str, Any]], raw: str, status: int, code: str) -> None:
    cookie = password_session(bob)
    start(bob, cookie)
    before = state()
    bob.expect_error(bob.post("/me/totp/confirm", raw=raw, cookie=cookie), status, code)
    assert state() == before  # not even counted


def test_a_new_set_up_replaces_a_pending_one(bob: Api) -> None:
    cookie = password_session(bob)
    first, second = start(bob, cookie), start(bob, cookie)
    assert first["secret"] != second["secret"]
    if code_of(bob, first) != code_of(bob, second):
        bob.expect_error(confirm(bob, cookie, code_of(bob, first)), 401, "invalid_code")
    assert confirm(bob, cookie, code_of(bob, second)).status_code == 204
    assert bob.mfa(bob.flow(), "totp", bob.totp(second["secret"])).status_code == 200


def test_a_lost_phone_is_replaced_by_a_new_authenticator(api: Api) -> None:
    # GIVEN alice, whose authenticator app is on a phone she lost
    cookie = api.sign_in()
    setup = start(api, cookie)
    assert confirm(api, cookie, code_of(api, setup)).status_code == 204
    # THEN the lost phone's codes no longer sign in, the new app's do
    api.expect_error(api.mfa(api.flow(), "totp", api.totp()), 401, "invalid_code")
    assert api.mfa(api.flow(), "totp", api.totp(setup["secret"])).status_code == 200


# Removing ------------------------------------------------------------------------------

def test_remove_turns_the_authenticator_off(api: Api) -> None:
    cookie = api.sign_in()
    response = api.delete("/me/totp", cookie=cookie)
    assert response.status_code == 204 and response.body == b""
    assert factors(api, cookie) == {"totp": False, "backup_codes": False}
    assert api.body_of(api.login())["status"] == "authenticated"
    api.expect_error(api.delete("/me/totp", cookie=cookie), 404, "not_enabled")


def test_remove_keeps_the_backup_codes(api: Api) -> None:
    cookie = api.sign_in()
    codes = api.add_codes(cookie)["codes"]
    assert api.delete("/me/totp", cookie=cookie).status_code == 204
    assert api.body_of(api.login())["methods"] == ["backup_code"]
    assert api.mfa(api.flow(), "backup_code", codes[0]).status_code == 200
    status = api.body_of(api.get("/me/backup-codes", cookie=cookie))
    assert (status["enabled"], status["remaining"]) == (True, 9)


def test_adding_codes_after_a_first_authenticator_works(bob: Api) -> None:
    # The set-up made bob a code-set item (disabled): codes can be added over it.
    cookie = password_session(bob)
    setup = start(bob, cookie)
    assert confirm(bob, cookie, code_of(bob, setup)).status_code == 204
    assert bob.body_of(bob.get("/me/backup-codes", cookie=cookie))["enabled"] is False
    assert len(bob.add_codes(cookie)["codes"]) == 10
    assert bob.body_of(bob.login())["methods"] == ["totp", "backup_code"]


# Recent authentication and other sessions ----------------------------------------------

def test_start_confirm_and_remove_need_a_recent_authentication(api: Api,
                                                                operator: Operator) -> None:
    operator.set_policy(api.tenant, reauth_max_age_seconds=300)
    cookie = api.sign_in()
    setup = start(api, cookie)
    api.clock.advance(301)  # past the limit, and the tenant cache
    api.expect_error(api.post("/me/totp", cookie=cookie), 403, "reauthentication_required")
    api.expect_error(confirm(api, cookie, code_of(api, setup)), 403,
                     "reauthentication_required")
    api.expect_error(api.delete("/me/totp", cookie=cookie), 403, "reauthentication_required")
    assert api.post("/auth/reauth", {"password": api.user.password},
                    cookie=cookie).status_code == 200
    assert confirm(api, cookie, code_of(api, setup)).status_code == 204


@pytest.mark.parametrize("change", ["confirm", "remove"])
def test_other_sessions_are_refused_at_once_and_the_changing_one_stays(api: Api,
                                                                      change: str) -> None:
    # GIVEN alice signed in on a laptop and a phone
    laptop, phone = api.sign_in(), api.sign_in()
    # WHEN the laptop changes the authenticator (no purge runs here)
    if change == "confirm":
        assert confirm(api, laptop, code_of(api, start(api, laptop))).status_code == 204
    else:
        assert api.delete("/me/totp", cookie=laptop).status_code == 204
    # THEN the phone is refused, though its record is still stored
    api.expect_error(api.get("/me", cookie=phone), 401, "unauthenticated")
    assert len([s for s in SessionModel.scan() if s.tenant == api.tenant]) == 2
    sessions = api.body_of(api.get("/me/sessions", cookie=laptop))["sessions"]
    assert [s["current"] for s in sessions] == [True]


# require_mfa --------------------------------------------------------------------------

@pytest.fixture
def required(api: Api, operator: Operator) -> None:
    operator.set_policy(api.tenant, require_mfa=True)
    api.clock.advance(31)  # past the tenant cache


RESTRICTED = [("GET", "/me/backup-codes"), ("POST", "/me/backup-codes"),
              ("POST", "/me/backup-codes/regenerate"), ("DELETE", "/me/backup-codes"),
              ("GET", "/me/sessions"), ("DELETE", "/me/sessions/abc")]


def test_under_require_mfa_sign_in_leads_straight_to_the_set_up(
        bob: Api, required: None, state: Callable[[], dict[str, Any]]) -> None:
    # GIVEN a tenant that requires a second factor, and bob who has none
    login = bob.login()
    # THEN his password gets a session good only for setting one up
    assert login.status_code == 200
    assert bob.body_of(login) == {"status": "mfa_setup_required"}
    cookie = bob.cookie_of(login)
    assert factors(bob, cookie) == {"totp": False, "backup_codes": False}
    assert bob.get("/tenant", cookie=cookie).status_code == 200
    before = state()
    for method, path in RESTRICTED:
        bob.expect_error(bob.request(method, path, {}, cookie=cookie), 403, "mfa_setup_required")
    assert state() == before
    bob.expect_error(bob.delete("/me/totp", cookie=cookie), 404, "not_enabled")
    # WHEN he sets up an authenticator THEN the same session is an ordinary one
    assert confirm(bob, cookie, code_of(bob, start(bob, cookie))).status_code == 204
    for method, path in RESTRICTED[:2]:
        assert bob.request(method, path, cookie=cookie).status_code in (200, 201)
    stored = next(s for s in SessionModel.scan() if s.tenant == bob.tenant)
    assert stored.mfa_setup_required is None and stored.methods == ["pwd"]
    # ... and the next sign-in asks for the new factor
    assert bob.body_of(bob.login())["status"] == "mfa_required"
    assert bob.post("/auth/logout", cookie=cookie).status_code == 204


def test_under_require_mfa_a_user_with_a_factor_signs_in_as_before(api: Api,
                                                                   required: None) -> None:
    assert api.body_of(api.login())["status"] == "mfa_required"
    assert api.get("/me/sessions", cookie=api.sign_in()).status_code == 200


def test_under_require_mfa_the_only_factor_cannot_be_removed_but_can_be_replaced(
        api: Api, required: None) -> None:
    cookie = api.sign_in()
    api.expect_error(api.delete("/me/totp", cookie=cookie), 409, "second_factor_required")
    assert factors(api, cookie)["totp"] is True
    setup = start(api, cookie)
    assert confirm(api, cookie, code_of(api, setup)).status_code == 204
    api.add_codes(cookie)
    assert api.delete("/me/totp", cookie=cookie).status_code == 204
    assert api.body_of(api.login())["methods"] == ["backup_code"]


def test_under_require_mfa_codes_removed_earlier_do_not_count_as_a_factor(
        api: Api, required: None) -> None:
    # GIVEN alice's codes added and removed (her code set stays, disabled)
    cookie = api.sign_in()
    api.add_codes(cookie)
    assert api.delete("/me/backup-codes", cookie=cookie).status_code == 204
    # THEN the authenticator is her only factor, and stays
    api.expect_error(api.delete("/me/totp", cookie=cookie), 409, "second_factor_required")
    assert api.body_of(api.login())["methods"] == ["totp"]


def test_under_require_mfa_codes_that_are_the_only_factor_stay(
        api: Api, required: None, state: Callable[[], dict[str, Any]]) -> None:
    # GIVEN alice with codes, whose authenticator is removed: the codes are her factor
    cookie = api.sign_in()
    api.add_codes(cookie)
    assert api.delete("/me/totp", cookie=cookie).status_code == 204
    before = state()
    # WHEN she removes the codes THEN she is told why not, and nothing changed
    api.expect_error(api.delete("/me/backup-codes", cookie=cookie), 409,
                     "second_factor_required")
    assert state() == before
    # AND once an authenticator is back, the codes can go
    assert confirm(api, cookie, code_of(api, start(api, cookie))).status_code == 204
    assert api.delete("/me/backup-codes", cookie=cookie).status_code == 204


def test_a_set_up_that_outlasts_the_reauthentication_limit_asks_for_the_password(
        bob: Api, required: None) -> None:
    cookie = bob.cookie_of(bob.login())
    bob.clock.advance(901)
    bob.expect_error(bob.post("/me/totp", cookie=cookie), 403, "reauthentication_required")
    # The page's password prompt works for this session too.
    assert bob.post("/auth/reauth", {"password": bob.user.password},
                    cookie=cookie).status_code == 200
    assert confirm(bob, cookie, code_of(bob, start(bob, cookie))).status_code == 204


def test_a_set_up_session_ends_at_logout(bob: Api, required: None) -> None:
    cookie = bob.cookie_of(bob.login())
    assert bob.post("/auth/logout", cookie=cookie).status_code == 204
    bob.expect_error(bob.post("/me/totp", cookie=cookie), 401, "unauthenticated")


def test_a_code_set_from_before_credential_generations_is_kept(api: Api) -> None:
    # GIVEN alice's codes as stored before credential generations existed
    codes = api.add_codes(api.sign_in())["codes"]
    pk = keys.code_set_pk(api.tenant, "alice")
    CodeSetModel(pk).update(actions=[CodeSetModel.credential_generation.remove()])
    before = CodeSetModel.get(pk, consistent_read=True)
    cookie = api.sign_in()
    # WHEN she sets up a new authenticator
    setup = start(api, cookie)
    assert confirm(api, cookie, code_of(api, setup)).status_code == 204
    # THEN the set is the same set, now with a credential generation, and still works
    after = CodeSetModel.get(pk, consistent_read=True)
    assert (after.enabled, after.generation, after.codes.as_dict()) == (
        True, before.generation, before.codes.as_dict())
    assert after.credential_generation is not None and after.change == "authenticator_added"
    assert api.mfa(api.flow(), "backup_code", codes[0]).status_code == 200
    assert api.get("/me", cookie=cookie).status_code == 200
