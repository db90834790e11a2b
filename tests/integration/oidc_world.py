"""An application (a relying party) that signs in through the service, for the tests.

The provider is the real app served over HTTP by the local front door; the client
side is Authlib's OAuth 2 client (requests), and ID tokens are verified with
joserfc against the JWKS, so neither the token format nor the flow is checked by
the code that produces them. The browser is played by `requests` with redirects
off: it follows what the provider answers, step by step.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

REDIRECT_URI = "https://shop.example/callback"
LOGOUT_REDIRECT_URI = "https://shop.example/signed-out"


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


@dataclass
class Receiver:
    """An application's back-channel logout endpoint: keeps what it is sent."""

    url: str
    tokens: list[str] = field(default_factory=list)
    status: int = 200


@contextmanager
def backchannel_receiver() -> Iterator[Receiver]:
    received: list[str] = []
    receiver = Receiver("", received)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            received.extend(form.get("logout_token", []))
            self.send_response(receiver.status)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/backchannel-logout"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


class RelyingParty:
    """One registered client of a tenant, driving the code flow with PKCE."""

    def __init__(self, base: str, tenant: str, client_id: str, secret: str | None,
                 now: Callable[[], float]) -> None:
        self.base = base
        self.now = now  # the provider's clock (the tests move it)
        self.tenant = tenant
        self.client_id = client_id
        self.secret = secret
        self.api = f"{base}/t/{tenant}/api/oidc"
        self.session = OAuth2Session(
            client_id, secret, scope="openid profile", redirect_uri=REDIRECT_URI,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic" if secret else "none")
        self.verifier = generate_token(48)
        self.nonce = generate_token(20)
        self.state = ""

    def authorization_url(self, **extra: str) -> str:
        url, self.state = self.session.create_authorization_url(
            f"{self.api}/authorize", code_verifier=self.verifier, nonce=self.nonce, **extra)
        return str(url)

    def exchange(self, redirected_to: str) -> dict[str, Any]:
        token: dict[str, Any] = self.session.fetch_token(
            f"{self.api}/token", authorization_response=redirected_to,
            code_verifier=self.verifier, state=self.state)
        return token

    def jwks(self) -> KeySet:
        return KeySet.import_key_set(requests.get(f"{self.api}/jwks", timeout=5).json())

    def verified(self, token: str, issuer: str, **expected: Any) -> dict[str, Any]:
        """The claims of an ID (or logout) token whose signature the JWKS verifies, and
        whose issuer, audience and expiry are right."""
        decoded = jwt.decode(token, self.jwks(), algorithms=["ES256"])
        registry = jwt.JWTClaimsRegistry(now=int(self.now()),
                                         iss={"essential": True, "value": issuer},
                                         aud={"essential": True, "value": self.client_id},
                                         **{k: {"essential": True, "value": v}
                                            for k, v in expected.items()})
        registry.validate(decoded.claims)
        kids = {key.kid for key in self.jwks().keys}
        assert decoded.header["kid"] in kids
        return dict(decoded.claims)


class Browser:
    """A browser tab: its cookie jar for the provider's origin, no automatic redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()

    def get(self, url: str) -> requests.Response:
        return self.http.get(url if url.startswith("http") else self.base + url,
                             allow_redirects=False, timeout=10)

    def call(self, method: str, path: str, body: Any = None) -> requests.Response:
        """The page's own API call (XHR, JSON)."""
        return self.http.request(method, self.base + path, data=json.dumps(body or {}),
                                 headers={"X-Requested-With": "XMLHttpRequest",
                                          "Content-Type": "application/json"}, timeout=10)
