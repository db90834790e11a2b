"""GET /me, the session cookie, GET /me/sessions and DELETE /me/sessions/{id} over moto."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest
from unit.fakes import CountingHasher

from functions import crypto
from functions.bootstrap import Services, build_services
from functions.settings import Settings

if TYPE_CHECKING:
    from conftest import Api, Demo, DynamoCalls


def test_me_says_who_and_which_factors(api: Api) -> None:
    cookie = api.sign_in()
    response = api.get("/me", cookie=cookie)
    assert response.status_code == 200
    assert api.body_of(response) == {"username": "alice", "tenant": api.tenant,
                              "factors": {"totp": True, "backup_codes": False}}
    api.add_codes(cookie)
    assert api.body_of(api.get("/me", cookie=cookie))["factors"] == {"totp": True,
                                                                     "backup_codes": True}


def test_me_of_a_user_without_totp(api: Api, new_user: Callable[..., Demo]) -> None:
    new_user(api.tenant, "bob", totp=False)
    cookie = api.cookie_of(api.login("bob"))
    assert api.body_of(api.get("/me", cookie=cookie))["factors"] == {"totp": False,
                                                              "backup_codes": False}


# The cookie ---------------------------------------------------------------------------------

def test_the_session_cookie_is_http_only_and_same_site_strict(api: Api) -> None:
    response = api.mfa(api.flow(), "totp", api.totp())
    name_value, *attributes = [part.strip() for part in response.headers["Set-Cookie"].split(";")]
    name, token = name_value.split("=", 1)
    assert name == f"session-{api.tenant}"  # local http: no __Host- prefix, no Secure
    assert len(token) >= 43
    assert set(attributes) == {"Path=/", "Max-Age=43200", "HttpOnly", "SameSite=Strict"}


def test_outside_local_http_the_cookie_is_secure_with_the_host_prefix(
        api: Api, settings: Settings, hasher: CountingHasher) -> None:
    # GIVEN the deployed setting SECURE_COOKIES=true
    deployed = api.over(build_services(replace(settings, secure_cookies=True), hasher=hasher,
                                       clock=api.clock))
    # WHEN alice signs in
    response = deployed.mfa(deployed.flow(), "totp", deployed.totp())
    # THEN the cookie is __Host- prefixed, Secure, host-only (no Domain) on Path=/
    header = response.headers["Set-Cookie"]
    attributes = {part.strip() for part in header.split(";")[1:]}
    assert header.startswith(f"__Host-session-{api.tenant}=")
    assert {"Secure", "HttpOnly", "SameSite=Strict", "Path=/"} <= attributes
    assert not any(a.lower().startswith("domain") for a in attributes)
    # and only that cookie name is honoured
    cookie = api.cookie_of(response)
    assert deployed.get("/me", cookie=cookie).status_code == 200
    token = cookie.split("=", 1)[1]
    api.expect_error(deployed.get("/me", cookie=f"session-{api.tenant}={token}"), 401,
                     "unauthenticated")
    # logout clears the same secure cookie
    cleared = deployed.post("/auth/logout", cookie=cookie).headers["Set-Cookie"]
    assert cleared.startswith(f"__Host-session-{api.tenant}=;") and "Secure" in cleared


def test_the_cookie_holds_a_token_the_server_keeps_only_hashed(
        api: Api, state: Callable[[], dict[str, Any]]) -> None:
    token = api.sign_in().split("=", 1)[1]
    stored = repr(state())
    assert token not in stored
    assert crypto.token_hash(token) in stored


# Unauthenticated ------------------------------------------------------------------------

ROUTES_NEEDING_A_SESSION = [
    ("GET", "/me"), ("GET", "/me/backup-codes"), ("POST", "/me/backup-codes"),
    ("POST", "/me/backup-codes/regenerate"), ("DELETE", "/me/backup-codes"),
    ("GET", "/me/sessions"), ("DELETE", "/me/sessions/abc"), ("POST", "/auth/reauth"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES_NEEDING_A_SESSION)
def test_no_cookie_bad_cookie_or_expired_session_is_unauthenticated(api: Api, method: str,
                                                                     path: str) -> None:
    cookie = api.sign_in()
    body_ = {"password": api.user.password} if path == "/auth/reauth" else {}
    name = f"session-{api.tenant}"
    for sent in (None, f"{name}=", f"{name}={crypto.new_token()}", f"{name}=" + "x" * 200,
                 f'{name}="unterminated', "garbage", cookie.replace(name, "session-other")):
        api.expect_error(api.request(method, path, body_, cookie=sent), 401, "unauthenticated")
    # GIVEN a real session left idle for two hours
    api.clock.advance(2 * 3600)
    api.expect_error(api.request(method, path, body_, cookie=cookie), 401, "unauthenticated")


def test_an_active_session_ends_at_its_twelve_hour_lifetime(api: Api) -> None:
    cookie = api.sign_in()
    for _ in range(11):
        api.clock.advance(3600)
        assert api.get("/me", cookie=cookie).status_code == 200
    api.clock.advance(3600)
    api.expect_error(api.get("/me", cookie=cookie), 401, "unauthenticated")


def test_last_seen_is_written_at_most_once_a_minute(api: Api, ddb: DynamoCalls) -> None:
    cookie = api.sign_in()
    opened = api.body_of(api.get("/me/sessions", cookie=cookie))["sessions"][0]["last_seen_at"]
    # WHEN the session is used again within the minute THEN nothing is written
    api.clock.advance(59)
    ddb.reset()
    for _ in range(3):
        api.get("/me", cookie=cookie)
    assert "UpdateItem" not in ddb.of("Sessions")
    assert api.body_of(api.get("/me/sessions", cookie=cookie))["sessions"][0][
        "last_seen_at"] == opened
    # WHEN a minute has passed THEN one request writes it, the next ones do not
    api.clock.advance(1)
    ddb.reset()
    for _ in range(3):
        api.get("/me", cookie=cookie)
    assert ddb.of("Sessions").count("UpdateItem") == 1
    assert api.body_of(api.get("/me/sessions", cookie=cookie))["sessions"][0][
        "last_seen_at"] != opened


# Sessions list and end ------------------------------------------------------------------

def test_sessions_lists_this_users_open_sessions_with_the_current_one_marked(
        api: Api, new_user: Callable[..., Demo]) -> None:
    new_user(api.tenant, "bob", totp=False)
    api.login("bob")  # another user's session is not listed
    first = api.sign_in(headers={"User-Agent": "Firefox"})
    api.clock.advance(60)
    second = api.sign_in(headers={"User-Agent": "Safari"})
    response = api.get("/me/sessions", cookie=second)
    assert response.status_code == 200
    sessions = api.body_of(response)["sessions"]
    assert [(s["user_agent"], s["current"]) for s in sessions] == [("Safari", True),
                                                                   ("Firefox", False)]
    for s in sessions:
        assert set(s) == {"id", "created_at", "last_seen_at", "ip", "user_agent", "current"}
        assert s["ip"] == "127.0.0.1" and s["created_at"].endswith("Z")
    # seen from the other session, the other one is current
    from_first = api.body_of(api.get("/me/sessions", cookie=first))["sessions"]
    assert {s["user_agent"]: s["current"] for s in from_first} == {"Firefox": True,
                                                                   "Safari": False}


def test_ending_a_session_makes_its_cookie_worthless(api: Api) -> None:
    first, second = api.sign_in(), api.sign_in()
    others = [s for s in api.body_of(api.get("/me/sessions", cookie=second))["sessions"]
              if not s["current"]]
    response = api.delete(f"/me/sessions/{others[0]['id']}", cookie=second)
    assert response.status_code == 204 and response.body == b""
    api.expect_error(api.get("/me", cookie=first), 401, "unauthenticated")
    left = api.body_of(api.get("/me/sessions", cookie=second))["sessions"]
    assert [s["current"] for s in left] == [True]


def test_ending_an_unknown_session(api: Api) -> None:
    cookie = api.sign_in()
    api.expect_error(api.delete("/me/sessions/no-such-session", cookie=cookie), 404,
                 "session_not_found")
    api.expect_error(api.delete("/me/sessions/" + "x" * 65, cookie=cookie), 400, "invalid_request")


def test_a_user_cannot_end_another_users_session(api: Api, new_user: Callable[..., Demo]) -> None:
    # GIVEN bob signed in, and alice who learned the id of bob's session
    new_user(api.tenant, "bob", totp=False)
    bob = api.cookie_of(api.login("bob"))
    bobs_id = api.body_of(api.get("/me/sessions", cookie=bob))["sessions"][0]["id"]
    alice = api.sign_in()
    # WHEN alice asks to end it THEN there is no such session for her, and bob stays in
    api.expect_error(api.delete(f"/me/sessions/{bobs_id}", cookie=alice), 404, "session_not_found")
    assert api.get("/me", cookie=bob).status_code == 200


def test_a_session_can_end_itself(api: Api, services: Services) -> None:
    cookie = api.sign_in()
    own = api.body_of(api.get("/me/sessions", cookie=cookie))["sessions"][0]["id"]
    assert api.delete(f"/me/sessions/{own}", cookie=cookie).status_code == 204
    api.expect_error(api.get("/me", cookie=cookie), 401, "unauthenticated")
