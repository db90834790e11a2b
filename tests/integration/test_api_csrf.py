"""Every state-changing route wants X-Requested-With: XMLHttpRequest (403 csrf without it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from functions.api.application import create_app
from functions.api.routes import ROUTES as DECLARED
from functions.api.routes.oidc import OIDC

if TYPE_CHECKING:
    from conftest import Api


# Read from the app itself, so a state-changing route added later is covered too.
ROUTES = [(method, path) for path, methods in create_app().routes.items()
          for method in methods]
# Called by applications' servers with their own credentials, never with the cookie.
EXEMPT = {(r.method, f"/t/{{tenant}}/api{r.path}") for r in DECLARED if not r.checks_csrf
          and r.method != "GET"}
STATE_CHANGING = sorted((m, p) for m, p in ROUTES if m != "GET" and (m, p) not in EXEMPT)
# The page's reads; the OpenID Provider's take parameters of their own (test_api_oidc.py).
# (and the admin API's take a bearer token: test_admin_api.py)
READS = sorted((m, p) for m, p in ROUTES if m == "GET" and f"/api{OIDC}/" not in p
               and "/.well-known/" not in p and "/api/admin/" not in p)


def test_the_routes_were_found() -> None:
    assert len(STATE_CHANGING) == 13 and len(READS) == 6
    admin = {(r.method, f"/t/{{tenant}}/api{r.path}") for r in DECLARED if r.bearer_scope}
    assert len(admin) == 7
    assert {("POST", "/t/{tenant}/api/oidc/token"),
                      ("POST", "/t/{tenant}/api/oidc/userinfo")} | {
        (m, p) for m, p in admin if m != "GET"} == EXEMPT


@pytest.mark.parametrize(("method", "path"), sorted(EXEMPT))
def test_the_routes_without_the_check_take_no_session_cookie(method: str, path: str) -> None:
    (route,) = [r for r in DECLARED if (r.method, f"/t/{{tenant}}/api{r.path}") == (method, path)]
    assert not route.signed_in


@pytest.mark.parametrize(("method", "path"), STATE_CHANGING)
def test_a_state_changing_request_without_the_header_is_refused(
        api: Api, state: Callable[[], dict[str, Any]], method: str, path: str) -> None:
    # GIVEN a signed-in user with codes and a second session
    cookie = api.sign_in()
    api.add_codes(cookie)
    other = next(s for s in api.body_of(api.get("/me/sessions", cookie=api.sign_in()))["sessions"]
                 if not s["current"])
    url = (path.removeprefix("/t/{tenant}/api").replace("{session_id}", other["id"])
           .replace("{request_id}", "r" * 22))
    payloads = {"/auth/login": {"username": "alice", "password": api.user.password},
                "/auth/reauth": {"password": api.user.password}}
    before = state()
    for header in (None, "", "fetch", "XMLHttpRequest2"):
        # WHEN the request comes without X-Requested-With (as a cross-site form would)
        headers: dict[str, str] = {} if header is None else {"X-Requested-With": header}
        response = api.request(method, url, payloads.get(url, {}), cookie=cookie, xhr=False,
                               headers=headers)
        # THEN it is refused ...
        api.expect_error(response, 403, "csrf")
    # ... and nothing changed
    assert state() == before


@pytest.mark.parametrize("value", ["XMLHttpRequest", "xmlhttprequest"])
def test_the_header_value_is_matched_without_case(api: Api, value: str) -> None:
    response = api.request("POST", "/auth/login", {"username": "alice",
                                                   "password": api.user.password},
                           xhr=False, headers={"X-Requested-With": value})
    assert response.status_code == 200


@pytest.mark.parametrize(("method", "path"), READS)
def test_reads_do_not_need_the_header(api: Api, method: str, path: str) -> None:
    cookie = api.sign_in()
    response = api.request(method, path.removeprefix("/t/{tenant}/api"), cookie=cookie,
                           xhr=False)
    assert response.status_code == 200, response.body
