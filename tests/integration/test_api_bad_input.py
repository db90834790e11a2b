"""Bad input is a 4xx with {"error","message"}: never a 500, no argon2 work, no state change."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from chalice.test import HTTPResponse
from unit.fakes import CountingHasher

from functions.operator import Operator

if TYPE_CHECKING:
    from conftest import Api, Demo


BIG = 16 * 1024


@pytest.fixture(scope="module")
def demo(new_user: Callable[..., Demo], operator: Operator) -> Demo:
    """One tenant for the module: each test here proves it leaves the tables as they were."""
    operator.create_tenant("bad-input")
    return new_user("bad-input")


@pytest.fixture
def untouched(api: Api, state: Callable[[], dict[str, Any]],
              hasher: CountingHasher) -> Iterator[None]:
    """The test's requests must leave every table as it was and hash nothing."""
    before = state()
    verifications, hashes = hasher.verifications, hasher.hashes
    yield
    assert (hasher.verifications, hasher.hashes) == (verifications, hashes)
    assert state() == before


def login(api: Api, payload: Any = None, *, raw: bytes | str | None = None,
          **kwargs: Any) -> HTTPResponse:
    return api.post("/auth/login", payload, raw=raw, **kwargs)


# The body itself ------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    b"{bad", b"{\"username\": \"alice\",}", b"'single quotes'", b"\xff\xfe\xfa",
    b"{\"username\": \"\xff\"}", b"[" * 5000 + b"]" * 5000, b"{\"a\":" * 2500 + b"1" + b"}" * 2500,
    b"1" * 5000,
], ids=["truncated", "trailing-comma", "not-json", "not-utf8", "not-utf8-inside",
        "deeply-nested-list", "deeply-nested-object", "huge-number"])
def test_malformed_json(api: Api, untouched: None, raw: bytes) -> None:
    assert len(raw) <= BIG
    api.expect_error(login(api, raw=raw), 400, "invalid_json")


@pytest.mark.parametrize("raw", [b"[]", b"null", b"\"alice\"", b"42", b"true",
                                 b"[{\"username\": \"alice\"}]"])
def test_json_that_is_not_an_object(api: Api, untouched: None, raw: bytes) -> None:
    api.expect_error(login(api, raw=raw), 400, "invalid_json")


@pytest.mark.parametrize("raw", [b"", b"   ", b"\n"])
def test_an_empty_body(api: Api, untouched: None, raw: bytes) -> None:
    api.expect_error(login(api, raw=raw), 400, "invalid_json")


def test_an_oversized_body(api: Api, untouched: None) -> None:
    padded = {"username": "alice", "password": "x", "padding": "p" * BIG}
    api.expect_error(login(api, padded), 413, "payload_too_large")
    # just under the limit is read (and refused for what it says, not for its size)
    fits = {"username": "alice", "password": "x" * 1025}
    fits["padding"] = "p" * (BIG - len(json.dumps(fits)) - len(', "padding": ""'))
    assert len(json.dumps(fits)) == BIG
    api.expect_error(login(api, fits), 400, "invalid_request")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x"])
def test_a_body_that_is_not_declared_json(api: Api, untouched: None, content_type: str) -> None:
    response = login(api, {"username": "alice", "password": api.user.password},
                     headers={"Content-Type": content_type})
    api.expect_error(response, 415, "unsupported_media_type")


# Login fields ---------------------------------------------------------------------------

@pytest.mark.parametrize("payload", [
    {},
    {"username": "alice"},
    {"password": "correct horse battery staple"},
    {"username": 42, "password": "correct horse battery staple"},
    {"username": ["alice"], "password": "correct horse battery staple"},
    {"username": None, "password": "correct horse battery staple"},
    {"username": {"$ne": ""}, "password": "correct horse battery staple"},
    {"username": "alice", "password": 12345678901234},
    {"username": "alice", "password": ["correct horse battery staple"]},
    {"username": "alice", "password": ""},
    {"username": "alice", "password": "x" * 1025},
    {"username": "al ice", "password": "correct horse battery staple"},
    {"username": "alice#USER#bob", "password": "correct horse battery staple"},
    {"username": "alice\n", "password": "correct horse battery staple"},
    {"username": "a" * 65, "password": "correct horse battery staple"},
    {"username": "", "password": "correct horse battery staple"},
], ids=lambda p: json.dumps(p)[:40])
def test_login_with_missing_or_mistyped_fields(api: Api, untouched: None,
                                               payload: dict[str, Any]) -> None:
    api.expect_error(login(api, payload), 400, "invalid_request")


# Second-factor fields -------------------------------------------------------------------

@pytest.fixture
def flow(api: Api) -> str:
    return api.flow()


@pytest.mark.parametrize("change", [
    {"flow": None}, {"flow": 7}, {"flow": ["f"]}, {"flow": ""}, {"flow": "f" * 513},
    {"method": None}, {"method": "sms"}, {"method": "TOTP"}, {"method": 1},
    {"code": None}, {"code": 123456}, {"code": ["ABCD-EFGH-JKMN-PQRS"]}, {"code": {"a": 1}},
    {"code": True}, {"code": "A" * 65}, {"code": "1" * 65},
], ids=lambda c: json.dumps(c)[:40])
def test_mfa_with_missing_or_mistyped_fields(api: Api, flow: str, untouched: None,
                                             change: dict[str, Any]) -> None:
    payload = {"flow": flow, "method": "backup_code", "code": "ABCD-EFGH-JKMN-PQRS", **change}
    payload = {k: v for k, v in payload.items() if v is not None}
    api.expect_error(api.post("/auth/mfa", payload), 400, "invalid_request")


@pytest.mark.parametrize(("method", "code"), [
    ("backup_code", ""), ("backup_code", "ABCD-EFGH-JKMN-PQR"), ("backup_code", "O" * 16),
    ("backup_code", "ABCD-EFGH-JKMN-PQRS-TVWX"), ("backup_code", "ABCD EFGH JKMN PQR!"),
    ("backup_code", " " * 64), ("backup_code", "ABCDEFGHJKMNPQR".ljust(64)),
    ("totp", ""), ("totp", "12345"), ("totp", "1234567"), ("totp", "12a456"),
    ("totp", "\u0661\u0662\u0663\u0664\u0665\u0666"), ("totp", "\u00b9\u00b2\u00b3456"),
], ids=lambda v: repr(v)[:30])
def test_a_code_that_cannot_be_one_is_refused_without_work(api: Api, flow: str,
                                                           untouched: None, method: str,
                                                           code: str) -> None:
    # Not a 400: a code of the right type that is not a code is simply wrong,
    # but it costs no argon2 verification and counts no attempt.
    api.expect_error(api.mfa(flow, method, code), 401, "invalid_code")


def test_an_over_long_code_is_a_bad_request(api: Api, flow: str, untouched: None) -> None:
    # GIVEN a valid-looking code padded with spaces to 65 characters
    code = "ABCD-EFGH-JKMN-PQRS".ljust(65)
    api.expect_error(api.mfa(flow, "backup_code", code), 400, "invalid_request")


# Other routes' bodies -------------------------------------------------------------------

@pytest.mark.parametrize("payload", [{}, {"password": 42}, {"password": ""},
                                     {"password": None}, {"password": ["x"]}])
def test_reauth_with_missing_or_mistyped_password(api: Api, payload: dict[str, Any],
                                                  state: Callable[[], dict[str, Any]],
                                                  hasher: CountingHasher) -> None:
    cookie = api.sign_in()
    before, verifications = state(), hasher.verifications
    api.expect_error(api.post("/auth/reauth", payload, cookie=cookie), 400, "invalid_request")
    assert state() == before and hasher.verifications == verifications


@pytest.mark.parametrize(("raw", "code"), [
    (json.dumps({"generation": 7}), "invalid_request"),
    (json.dumps({"generation": ["g"]}), "invalid_request"),
    (json.dumps({"generation": "g" * 65}), "invalid_request"),
    ("[]", "invalid_json"),
    ("{oops", "invalid_json"),
])
def test_regenerate_with_a_mistyped_generation(api: Api, raw: str, code: str,
                                               state: Callable[[], dict[str, Any]],
                                               hasher: CountingHasher) -> None:
    cookie = api.sign_in()
    added = api.post("/me/backup-codes", cookie=cookie)  # on already, from an earlier case
    assert added.status_code in (201, 409)
    before, hashes = state(), hasher.hashes
    api.expect_error(api.post("/me/backup-codes/regenerate", raw=raw, cookie=cookie), 400, code)
    assert state() == before and hasher.hashes == hashes


# Tenants --------------------------------------------------------------------------------

EVERY_ROUTE = [
    ("POST", "/auth/login"), ("POST", "/auth/mfa"), ("POST", "/auth/reauth"),
    ("POST", "/auth/logout"), ("GET", "/me"), ("GET", "/me/backup-codes"),
    ("POST", "/me/backup-codes"), ("POST", "/me/backup-codes/regenerate"),
    ("DELETE", "/me/backup-codes"), ("GET", "/me/sessions"), ("DELETE", "/me/sessions/abc"),
    ("POST", "/me/totp"), ("POST", "/me/totp/confirm"), ("DELETE", "/me/totp"),
    ("GET", "/openapi.json"),
]


@pytest.mark.parametrize(("method", "path"), EVERY_ROUTE)
def test_an_unknown_tenant(api: Api, untouched: None, method: str, path: str) -> None:
    cookie = "session-nope=" + "t" * 43
    payload = {"username": "alice", "password": api.user.password}
    response = api.request(method, path, payload, cookie=cookie, tenant="nope")
    api.expect_error(response, 404, "unknown_tenant")


@pytest.mark.parametrize("tenant", ["Demo", "de_mo", "-demo", "d" * 33, "de%23mo", "%C3%A9"])
@pytest.mark.parametrize(("method", "path"), [("POST", "/auth/login"), ("GET", "/me"),
                                              ("POST", "/me/backup-codes")])
def test_an_invalid_tenant_id(api: Api, untouched: None, tenant: str, method: str,
                              path: str) -> None:
    payload = {"username": "alice", "password": api.user.password}
    response = api.request(method, path, payload, tenant=tenant)
    answer = api.expect_error(response, 400, "invalid_request")
    assert "Tenant id" in answer["message"]


def test_errors_are_json_and_not_cached(api: Api) -> None:
    response = login(api, raw=b"{bad")
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert api.body_of(response)["error"] == "invalid_json"
