"""The OpenID Provider's rules on their own: authorization requests, client
registration, PKCE and the `amr` of a sign-in."""

from __future__ import annotations

from typing import Any

import pytest

from functions.core.authorization import Authorization, ProviderParts
from functions.core.clients import ClientRegistry, checked_backchannel_uri, checked_redirect_uri
from functions.core.errors import AuthorizationRefused, InvalidRequest
from functions.core.grants import Client
from functions.core.sessions import Tokens
from functions.core.tokens import amr, s256

REDIRECT = "https://app.example/cb"


class Clients:
    """An in-memory ClientRepository."""

    def __init__(self) -> None:
        self.stored: dict[tuple[str, str], Client] = {}

    def get(self, tenant: str, client_id: str) -> Client | None:
        return self.stored.get((tenant, client_id))

    def create(self, client: Client) -> None:
        self.stored[(client.tenant, client.client_id)] = client

    replace = create

    def delete(self, tenant: str, client_id: str) -> bool:
        return self.stored.pop((tenant, client_id), None) is not None

    def list_clients(self, tenant: str) -> list[Client]:
        return [c for (t, _), c in self.stored.items() if t == tenant]


class Clock:
    def now(self) -> float:
        return 1_000.0


TOKENS = Tokens(new_token=lambda: "t" * 43, token_hash=lambda t: f"h({t})",
                new_id=lambda: "client00001")


@pytest.fixture
def parts() -> tuple[Authorization, Client, Client]:
    clients = Clients()
    confidential = Client("acme", "confidential1", "Shop", (REDIRECT,), 0.0, secret_hash="h")
    public = Client("acme", "publicclient1", "App", (REDIRECT,), 0.0)
    clients.create(confidential)
    clients.create(public)
    provider = ProviderParts(clients, None, None, TOKENS, Clock())  # type: ignore[arg-type]
    return Authorization(provider), confidential, public


def params(client: Client, **changes: Any) -> dict[str, list[str]]:
    base = {"client_id": client.client_id, "redirect_uri": REDIRECT, "response_type": "code",
            "scope": "openid", "state": "s1"}
    base.update(changes)
    return {k: v if isinstance(v, list) else [v] for k, v in base.items() if v is not None}


def refused(authorization: Authorization, query: dict[str, list[str]]) -> AuthorizationRefused:
    with pytest.raises(AuthorizationRefused) as caught:
        authorization.parse("acme", query)
    return caught.value


def test_a_valid_request_is_read_whole(parts: Any) -> None:
    authorization, confidential, _ = parts
    challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    client, request = authorization.parse("acme", params(
        confidential, scope="openid profile", nonce="n", code_challenge=challenge,
        code_challenge_method="S256", prompt="login", max_age="300"))
    assert client == confidential
    assert (request.scopes, request.nonce, request.code_challenge, request.prompt,
            request.max_age, request.state) == (("openid", "profile"), "n", challenge,
                                                "login", 300, "s1")


@pytest.mark.parametrize(("changes", "code"), [
    ({"client_id": "nobody000"}, "unknown_client"),
    ({"client_id": None}, "unknown_client"),
    ({"redirect_uri": "https://app.example/other"}, "invalid_redirect_uri"),
    ({"redirect_uri": REDIRECT + "/"}, "invalid_redirect_uri"),
    ({"redirect_uri": None}, "invalid_redirect_uri"),
    ({"state": ["a", "b"]}, "invalid_request"),
])
def test_errors_about_the_client_or_address_are_never_redirected(
        parts: Any, changes: dict[str, Any], code: str) -> None:
    authorization, confidential, _ = parts
    error = refused(authorization, params(confidential, **changes))
    assert (error.code, error.redirect_uri) == (code, None)


@pytest.mark.parametrize(("changes", "code"), [
    ({"response_type": "token"}, "unsupported_response_type"),
    ({"response_type": None}, "unsupported_response_type"),
    ({"scope": "profile"}, "invalid_scope"),
    ({"scope": "openid admin"}, "invalid_scope"),
    ({"code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "invalid_request"),
    ({"code_challenge": "short", "code_challenge_method": "S256"}, "invalid_request"),
    ({"code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      "code_challenge_method": "plain"}, "invalid_request"),
    ({"prompt": "none login"}, "invalid_request"),
    ({"max_age": "soon"}, "invalid_request"),
    ({"max_age": "-1"}, "invalid_request"),
    ({"response_mode": "fragment"}, "invalid_request"),
    ({"request": "eyJ..."}, "request_not_supported"),
    ({"request_uri": "https://x"}, "request_uri_not_supported"),
    ({"nonce": "n" * 513}, "invalid_request"),
])
def test_other_errors_go_back_to_the_client_with_its_state(
        parts: Any, changes: dict[str, Any], code: str) -> None:
    authorization, confidential, _ = parts
    error = refused(authorization, params(confidential, **changes))
    assert (error.code, error.redirect_uri, error.state) == (code, REDIRECT, "s1")


def test_a_public_client_must_use_pkce(parts: Any) -> None:
    authorization, _, public = parts
    assert refused(authorization, params(public)).code == "invalid_request"
    _, request = authorization.parse("acme", params(
        public, code_challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        code_challenge_method="S256"))
    assert request.code_challenge


def test_s256_is_rfc_7636s() -> None:
    # RFC 7636, appendix B.
    assert s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == (
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")


@pytest.mark.parametrize(("methods", "expected"), [
    (("pwd",), ["pwd"]),
    (("pwd", "totp"), ["pwd", "otp", "mfa"]),
    (("pwd", "backup_code"), ["pwd", "otp", "mfa"]),
    ((), []),
])
def test_amr_is_rfc_8176s(methods: tuple[str, ...], expected: list[str]) -> None:
    assert amr(methods) == expected


@pytest.mark.parametrize("uri", [
    "https://app.example/cb", "https://app.example/cb?x=1", "http://localhost:3000/cb",
    "http://127.0.0.1/cb", "http://[::1]:8080/cb", "com.example.app:/callback",
])
def test_redirect_uris_that_are_accepted(uri: str) -> None:
    assert checked_redirect_uri(uri) == uri


@pytest.mark.parametrize("uri", [
    "http://app.example/cb", "https://app.example/cb#frag", "https://user:pw@app.example/",
    "javascript:alert(1)", "myapp:/cb", "/relative", "", "https://app.example/a b",
    "https://" + "a" * 600,
])
def test_redirect_uris_that_are_refused(uri: str) -> None:
    with pytest.raises(InvalidRequest):
        checked_redirect_uri(uri)


def test_back_channel_uris_are_https_but_locally() -> None:
    assert checked_backchannel_uri("https://app.example/bc", allow_http_loopback=False)
    with pytest.raises(InvalidRequest):
        checked_backchannel_uri("http://localhost:3000/bc", allow_http_loopback=False)
    assert checked_backchannel_uri("http://localhost:3000/bc", allow_http_loopback=True)
    with pytest.raises(InvalidRequest):
        checked_backchannel_uri("http://app.example/bc", allow_http_loopback=True)


def test_registration_shows_a_secret_once_and_keeps_its_hash() -> None:
    clients = Clients()
    registry = ClientRegistry(clients, TOKENS, Clock(), allow_http_loopback=False)
    client, secret = registry.create("acme", "Shop", (REDIRECT,))
    assert secret == "t" * 43 and client.secret_hash == f"h({secret})"
    assert clients.get("acme", client.client_id) == client
    public, none = registry.create("acme", "App", (REDIRECT,), public=True)
    assert none is None and public.public
    with pytest.raises(InvalidRequest):
        registry.create("acme", "App", (REDIRECT,), public=True, admin=True)
    with pytest.raises(InvalidRequest):
        registry.create("acme", "Shop", ())
    with pytest.raises(InvalidRequest):
        registry.create("acme", "", (REDIRECT,))
