"""functions/api/openapi.json: valid, served, complete, and true to what the API answers."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pyotp
import pytest
from chalice.test import HTTPResponse
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from functions.api import errors as api_errors
from functions.api.application import create_app
from functions.api.routes import ROUTES as DECLARED
from functions.operator import Operator

if TYPE_CHECKING:
    from conftest import Api, Demo


DOCUMENT = Path(api_errors.__file__).with_name("openapi.json")
METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DOCUMENT.read_text())
    return loaded


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), path, operation


def resolve(doc: dict[str, Any], node: Any) -> Any:
    """The node with every local $ref replaced by what it points at."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = doc
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return resolve(doc, target)
        return {key: resolve(doc, value) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(doc, value) for value in node]
    return node


# The document itself ------------------------------------------------------------------

def test_the_document_is_valid_openapi_3(doc: dict[str, Any]) -> None:
    assert doc["openapi"].startswith("3.")
    validate(doc)


def test_it_is_served_under_every_tenant(api: Api, doc: dict[str, Any]) -> None:
    response = api.get("/openapi.json", xhr=False)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(response.body) == doc
    api.expect_error(api.get("/openapi.json", tenant="nope"), 404, "unknown_tenant")


def test_every_route_of_the_app_is_documented_and_nothing_else(doc: dict[str, Any]) -> None:
    served = {(method, path) for path, methods in create_app().routes.items()
              for method in methods}
    documented = {(method, path) for method, path, _ in operations(doc)}
    assert served == documented


CHECKS_CSRF = {(r.method, f"/t/{{tenant}}{'/api' if r.under_api else ''}{r.path}")
               for r in DECLARED if r.checks_csrf}


def test_every_operation_documents_its_parameters_and_answers(doc: dict[str, Any]) -> None:
    for method, path, operation in operations(doc):
        resolved = resolve(doc, {**operation, "parameters": [
            *doc["paths"][path].get("parameters", []), *operation.get("parameters", [])]})
        names = {p["name"] for p in resolved["parameters"] if p["in"] == "path"}
        assert names == set(re.findall(r"{(\w+)}", path)), (method, path)
        xhr = any(p["name"] == "X-Requested-With" for p in resolved["parameters"])
        assert xhr == ((method, path) in CHECKS_CSRF), (method, path)
        statuses = set(resolved["responses"])
        assert any(s.startswith(("2", "3")) for s in statuses), (method, path)
        assert {"400", "404", "415", "500"} <= statuses, (method, path)
        if xhr:
            assert "csrf" in _codes(resolved["responses"]["403"]), (method, path)


def _the_openid_provider(api: Api, operator: Operator, cookie: str) -> str:
    """Every answer of the OpenID Provider's routes, for the journey above."""
    client, secret = operator.create_client(api.tenant, "Shop", ("https://shop.example/cb",))
    tool, tool_secret = operator.create_client(api.tenant, "Tool", (), admin=True)
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    def basic(client_id: str, password: str | None) -> dict[str, str]:
        pair = base64.b64encode(f"{client_id}:{password}".encode()).decode()
        return {**form, "Authorization": f"Basic {pair}"}

    def pending(**extra: str) -> str:
        query = urlencode({"client_id": client.client_id, "redirect_uri": "https://shop.example/cb",
                           "response_type": "code", "scope": "openid", **extra})
        location = api.get(f"/oidc/authorize?{query}").headers["Location"]
        return location.split("authorize=")[1]

    api.get("/oidc/jwks")
    api.get(f"/oidc/requests/{pending()}")
    api.get("/oidc/requests/" + "x" * 22)  # request_not_found
    fresh = pending(prompt="login")
    api.post(f"/oidc/requests/{fresh}/complete", {}, cookie=cookie)  # reauthentication
    api.post(f"/oidc/requests/{fresh}/complete", {})  # no session
    done = api.post(f"/oidc/requests/{pending()}/complete", {}, cookie=cookie)
    code = parse_qs(urlsplit(api.body_of(done)["redirect_to"]).query)["code"][0]
    api.post(f"/oidc/requests/{pending()}/cancel", {"error": "access_denied"})
    api.post(f"/oidc/requests/{pending()}/cancel", {"error": "maybe"})
    api.post(f"/oidc/requests/{pending()}/cancel", raw="{bad")
    exchange = urlencode({"grant_type": "authorization_code", "code": code,
                          "redirect_uri": "https://shop.example/cb"})
    tokens = api.body_of(api.post("/oidc/token", raw=exchange,
                                  headers=basic(client.client_id, secret)))
    api.post("/oidc/token", raw=exchange, headers=basic(client.client_id, secret))  # replay
    api.post("/oidc/token", raw=exchange, headers=basic(client.client_id, "wrong"))
    admin = api.body_of(api.post("/oidc/token", raw="grant_type=client_credentials",
                                 headers=basic(tool.client_id, tool_secret)))
    fresh_tokens = api.post("/oidc/token", raw=urlencode({
        "grant_type": "authorization_code", "code": parse_qs(urlsplit(api.body_of(api.post(
            f"/oidc/requests/{pending()}/complete", {}, cookie=cookie))["redirect_to"]).query)[
            "code"][0], "redirect_uri": "https://shop.example/cb"}),
        headers=basic(client.client_id, secret))
    bearer = {"Authorization": f"Bearer {api.body_of(fresh_tokens)['access_token']}"}
    assert tokens["access_token"]  # revoked by the replay above
    api.get("/oidc/userinfo", headers=bearer)
    api.get("/oidc/userinfo")
    api.get("/oidc/userinfo", headers={"Authorization": f"Bearer {admin['access_token']}"})
    api.post("/oidc/userinfo", raw="", headers={**form, **bearer})
    api.post("/oidc/userinfo", raw="access_token=a&access_token=b", headers=form)
    api.post("/oidc/userinfo", raw="", headers=form)
    api.post("/oidc/userinfo", raw="", headers={
        **form, "Authorization": f"Bearer {admin['access_token']}"})
    api.get("/oidc/logout")
    return str(api.body_of(fresh_tokens)["access_token"])


def _the_admin_api(api: Api, operator: Operator, user_token: str, cookie: str) -> None:
    """Every answer of the admin API and of the user's own activity."""
    tool, secret = operator.create_client(api.tenant, "Admin tool", (), admin=True)
    pair = base64.b64encode(f"{tool.client_id}:{secret}".encode()).decode()
    token = api.body_of(api.post("/oidc/token", raw="grant_type=client_credentials", headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Authorization": f"Basic {pair}"}))["access_token"]
    as_admin = {"Authorization": f"Bearer {token}"}
    as_user = {"Authorization": f"Bearer {user_token}"}
    for method, path in (("GET", "/admin/users"), ("POST", "/admin/users"),
                         ("DELETE", "/admin/users/nobody"),
                         ("POST", "/admin/users/nobody/reset-mfa"),
                         ("POST", "/admin/users/nobody/unlock"),
                         ("POST", "/admin/users/nobody/end-sessions"), ("GET", "/admin/audit")):
        api.request(method, path, {"username": "frank"}, headers=as_admin)  # 2xx or 404
        api.request(method, path, {"username": "frank"})  # no token
        api.request(method, path, {"username": "frank"}, headers=as_user)  # no admin scope
    api.get("/admin/users?limit=0", headers=as_admin)
    api.get("/admin/audit?limit=x", headers=as_admin)
    api.post("/admin/users", {"username": "frank"}, headers=as_admin)  # conflict
    api.post("/admin/users", raw="{bad", headers=as_admin)
    api.post("/admin/users", {"username": "x" * 20_000}, headers=as_admin)
    for action in ("reset-mfa", "unlock", "end-sessions"):
        api.post(f"/admin/users/frank/{action}", headers=as_admin)
    api.delete("/admin/users/frank", headers=as_admin)
    api.get("/me/activity", cookie=cookie)
    api.get("/me/activity")


def _codes(response: dict[str, Any]) -> list[str]:
    schema = response["content"]["application/json"]["schema"]
    return list(schema["allOf"][1]["properties"]["error"]["enum"])


def _raised_codes() -> dict[str, int]:
    """Every error code the service can answer with, and its status."""
    codes = {cls.code: status for cls, status in api_errors.STATUS.items()}
    api_package = Path(api_errors.__file__).parent
    source = "".join(path.read_text() for path in api_package.rglob("*.py"))
    codes |= {code: int(status) for status, code in
              re.findall(r'HttpError\((\d+), "(\w+)"', source)}
    codes |= {code: 415 if code == "unsupported_media_type" else 405
              if code == "method_not_allowed" else 400
              for code, _ in api_errors._CHALICE_ERRORS.values()}
    codes["internal"] = 500
    codes["unavailable"] = 503  # overload (functions/api/overload.py)
    return codes


def test_every_error_code_is_documented_with_its_status(doc: dict[str, Any]) -> None:
    raised = _raised_codes()
    assert {"csrf", "payload_too_large", "invalid_json", "locked", "invalid_code"} <= set(raised)
    assert set(doc["components"]["schemas"]["Error"]["properties"]["error"]["enum"]) == set(
        raised)
    for method, path, operation in operations(doc):
        for status, response in resolve(doc, operation["responses"]).items():
            if not status.startswith(("4", "5")):
                continue
            for code in _codes(response):
                assert raised[code] == int(status), (method, path, code, status)


# The document against the running API ---------------------------------------------------

class Conformance:
    """Checks each answer against the document and remembers which ones were seen."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.seen: set[tuple[str, str, str]] = set()
        self.templates = [(re.compile("^" + re.sub(r"{\w+}", "[^/]+", path) + "$"), path)
                          for path in doc["paths"]]

    def check(self, method: str, url: str, response: HTTPResponse) -> None:
        path = next(template for pattern, template in self.templates if pattern.match(url))
        operation = self.doc["paths"][path][method.lower()]
        status = str(response.status_code)
        assert status in operation["responses"], (method, path, status, response.body)
        documented = resolve(self.doc, operation["responses"][status])
        for name, header in documented.get("headers", {}).items():
            if header.get("required"):
                assert name in response.headers, (method, path, status, name)
            if name in response.headers and "const" in header.get("schema", {}):
                assert response.headers[name] == header["schema"]["const"]
        content = documented.get("content", {}).get("application/json")
        if content is None:
            assert response.body == b"", (method, path, status)
        else:
            Draft202012Validator(content["schema"]).validate(json.loads(response.body))
        self.seen.add((method, path, status))


@pytest.fixture
def conformance(api: Api, doc: dict[str, Any]) -> Conformance:
    checker = Conformance(doc)
    send = api.client.http.request

    def checked(method: str, path: str, **kwargs: Any) -> HTTPResponse:
        response = send(method, path, **kwargs)
        checker.check(method, path.split("?")[0], response)
        return response

    api.client.http.request = checked  # type: ignore[method-assign,assignment]
    return checker


def test_every_documented_answer_is_what_the_api_answers(api: Api, conformance: Conformance,
                                                         operator: Operator,
                                                         new_user: Callable[..., Demo],
                                                         doc: dict[str, Any]) -> None:
    """A journey that provokes each documented answer; each is checked against the document."""
    text = {"Content-Type": "text/plain"}
    big = {"password": "x" * 20_000}
    operator.set_policy(api.tenant, lockout_threshold=3, password_lockout_threshold=3)
    new_user(api.tenant, "bob", totp=False)
    new_user(api.tenant, "carol", totp=False)

    # Every route: bad tenant id, unknown tenant, wrong content type.
    for method, path, operation in list(operations(doc)):
        if "/api/" not in path:  # discovery, beside the API
            for tenant in ("Bad_Id", "nope", api.tenant):
                api.client.http.request(method, path.replace("{tenant}", tenant))
            api.client.http.request(method, path.replace("{tenant}", api.tenant), headers=text)
            continue
        url = (path.removeprefix("/t/{tenant}/api").replace("{session_id}", "abc")
               .replace("{request_id}", "r" * 22))
        # A form route refuses other bodies before it looks at the tenant.
        kind = next(iter(operation.get("requestBody", {}).get("content", {})),
                    "application/json")
        api.request(method, url, {}, tenant="Bad_Id", headers={"Content-Type": kind})
        api.request(method, url, {}, tenant="nope", headers={"Content-Type": kind})
        api.request(method, url, {}, headers=text)
        if (method, path) in CHECKS_CSRF:
            api.request(method, url, {}, xhr=False)

    # Signing in.
    api.login()
    api.login("bob")
    api.login(password="wrong password")
    for _ in range(3):  # the third wrong password is answered with the wait
        api.login("carol", "wrong password")
    api.post("/auth/login", raw="{bad")
    api.post("/auth/login", big)
    cookie = api.sign_in()
    api.mfa(api.flow(), "totp", "000000" if api.totp_now() != "000000" else "111111")
    api.post("/auth/mfa", {"flow": "x"})
    api.post("/auth/mfa", big)
    api.post("/auth/mfa", raw="[]")
    dead = api.flow()
    for _ in range(5):
        api.mfa(dead, "backup_code", api.WRONG_CODE)
    api.mfa(dead, "backup_code", api.WRONG_CODE)  # flow_expired
    api.mfa(api.flow(), "backup_code", api.WRONG_CODE)  # the lock (threshold 3) now holds
    assert api.mfa(api.flow(), "totp", api.totp_now()).status_code == 429
    operator.unlock_user(api.tenant, "alice")

    # Reauth and the account.
    for payload in ({"password": api.user.password}, {"password": "wrong"}, {"password": 1}):
        api.post("/auth/reauth", payload, cookie=cookie)
    api.post("/auth/reauth", raw="{bad", cookie=cookie)
    api.post("/auth/reauth", big, cookie=cookie)
    api.post("/auth/reauth", {"password": "x"})
    for path in ("/me", "/me/backup-codes", "/me/sessions"):
        api.get(path, cookie=cookie)
        api.get(path)

    # The backup-code lifecycle.
    api.delete("/me/backup-codes", cookie=cookie)  # not_enabled
    api.post("/me/backup-codes/regenerate", {}, cookie=cookie)  # not_enabled
    issued = api.add_codes(cookie)
    api.post("/me/backup-codes", cookie=cookie)  # already_enabled
    assert api.mfa(api.flow(), "backup_code", issued["codes"][0]).status_code == 200
    api.post("/me/backup-codes/regenerate", {"generation": issued["generation"]}, cookie=cookie)
    api.post("/me/backup-codes/regenerate", {"generation": issued["generation"]}, cookie=cookie)
    api.post("/me/backup-codes/regenerate", raw="[]", cookie=cookie)
    api.post("/me/backup-codes/regenerate", {"generation": 7}, cookie=cookie)
    api.post("/me/backup-codes/regenerate", raw=json.dumps({"g": "x" * 20_000}), cookie=cookie)
    for path, method in (("/me/backup-codes", "POST"), ("/me/backup-codes", "DELETE"),
                         ("/me/backup-codes/regenerate", "POST"), ("/auth/reauth", "POST"),
                         ("/me/sessions/abc", "DELETE")):
        api.request(method, path, {})  # no session
    api.get("/me/backup-codes", cookie=cookie)
    api.delete("/me/backup-codes", cookie=cookie)

    # The authenticator app.
    api.post("/me/totp/confirm", {"code": "123456"}, cookie=cookie)  # no_pending_setup
    setup = api.body_of(api.post("/me/totp", cookie=cookie))
    near = {pyotp.TOTP(setup["secret"]).at(api.clock.now() + 30 * d) for d in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in near)
    api.post("/me/totp/confirm", {"code": wrong}, cookie=cookie)  # invalid_code
    api.post("/me/totp/confirm", {"code": 7}, cookie=cookie)
    api.post("/me/totp/confirm", raw="[]", cookie=cookie)
    api.post("/me/totp/confirm", big, cookie=cookie)
    assert api.post("/me/totp/confirm", {"code": pyotp.TOTP(setup["secret"]).at(
        api.clock.now())}, cookie=cookie).status_code == 204
    expiring = api.body_of(api.post("/me/totp", cookie=cookie))
    api.clock.advance(600)
    api.post("/me/totp/confirm", {"code": pyotp.TOTP(expiring["secret"]).at(api.clock.now())},
             cookie=cookie)  # setup_expired
    for path, method in (("/me/totp", "POST"), ("/me/totp", "DELETE"),
                         ("/me/totp/confirm", "POST")):
        api.request(method, path, {"code": "123456"})  # no session
    # Under require_mfa: the only factor stays; a user without one may only set one up.
    dave = api.as_user(new_user(api.tenant, "dave", totp=False))
    dave_cookie = dave.cookie_of(dave.login())
    dave.add_codes(dave_cookie)
    operator.set_policy(api.tenant, require_mfa=True)
    api.clock.advance(31)  # past the tenant cache
    assert api.post("/auth/reauth", {"password": api.user.password},
                    cookie=cookie).status_code == 200
    api.delete("/me/totp", cookie=cookie)  # second_factor_required
    api.delete("/me/backup-codes", cookie=dave_cookie)  # second_factor_required
    restricted = api.cookie_of(api.login("carol", "correct horse battery staple"))
    api.delete("/me/totp", cookie=restricted)  # not_enabled
    for method, path in (("GET", "/me/backup-codes"), ("POST", "/me/backup-codes"),
                         ("POST", "/me/backup-codes/regenerate"),
                         ("DELETE", "/me/backup-codes"), ("GET", "/me/sessions"),
                         ("DELETE", "/me/sessions/abc")):
        api.request(method, path, {}, cookie=restricted)  # mfa_setup_required
    operator.set_policy(api.tenant, require_mfa=False)
    api.clock.advance(31)
    assert api.post("/auth/reauth", {"password": api.user.password},
                    cookie=cookie).status_code == 200

    # Sessions.
    other = api.cookie_of(api.login("bob"))
    api.delete("/me/sessions/abc", cookie=cookie)
    api.delete("/me/sessions/" + "x" * 65, cookie=cookie)
    mine = api.body_of(api.get("/me/sessions", cookie=cookie))["sessions"][0]["id"]
    api.clock.advance(901)  # stale: changes now need the password again
    api.post("/me/backup-codes", cookie=cookie)
    api.post("/me/backup-codes/regenerate", {}, cookie=cookie)
    api.delete("/me/backup-codes", cookie=cookie)
    api.post("/me/totp", cookie=cookie)
    api.post("/me/totp/confirm", {"code": "123456"}, cookie=cookie)
    api.delete("/me/totp", cookie=cookie)
    assert api.post("/auth/reauth", {"password": api.user.password},
                    cookie=cookie).status_code == 200
    api.delete("/me/totp", cookie=cookie)  # removed
    api.delete(f"/me/sessions/{mine}", cookie=cookie)
    api.post("/auth/logout", cookie=other)
    api.get("/openapi.json")
    api.get("/tenant")
    erin = api.as_user(new_user(api.tenant, "erin")).sign_in()
    user_token = _the_openid_provider(api, operator, erin)
    _the_admin_api(api, operator, user_token, erin)

    # THEN each documented answer was seen (but the 500s, which no input may cause, and
    # the 503s of an overloaded store, which tests/integration/test_faults.py provokes)
    documented = {(m, p, s) for m, p, op in operations(doc) for s in op["responses"]
                  if s not in ("500", "503")}
    assert documented - conformance.seen == set()
