"""A tenant's application, for `make run`: it signs its users in through the service.

A plain web application on its own origin (another port) with the standard code flow:
PKCE, state and nonce; the code exchanged by its server with its client secret; the
ID token verified with PyJWT against the provider's JWKS. It shows the ID token's
claims, signs out through the provider's end-session endpoint, and honours
back-channel logout: when the session ends at the service (a sign-out, an ended
session, a change of backup codes) the provider tells it, and it forgets the user.
Local only: nothing here is deployed.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import secrets
import threading
import urllib.request
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt

log = logging.getLogger("backup_codes.demo_app")
COOKIE = "demo-app-session"
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
CSP = ("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")


@dataclass(frozen=True)
class DemoClient:
    issuer: str  # http://127.0.0.1:8000/t/demo
    client_id: str
    client_secret: str
    origin: str  # this application's own origin

    @property
    def endpoints(self) -> str:
        return f"{self.issuer}/api/oidc"


@dataclass
class DemoState:
    """The application's memory: sign-ins under way, and signed-in browsers."""

    pending: dict[str, dict[str, str]] = field(default_factory=dict)  # state -> nonce, verifier
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)  # cookie -> claims
    lock: threading.Lock = field(default_factory=threading.Lock)


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(
        b"=").decode()


class DemoApp(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], client: DemoClient) -> None:
        super().__init__(address, _Handler)
        self.client = client
        self.state = DemoState()
        self.jwks = jwt.PyJWKClient(f"{client.endpoints}/jwks", cache_keys=True)

    def verify(self, token: str, **required: Any) -> dict[str, Any]:
        key = self.jwks.get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token, key.key, algorithms=["ES256"], audience=self.client.client_id,
            issuer=self.client.issuer, options={"require": ["exp", "iat", "sub", "sid"]})
        for name, value in required.items():
            if claims.get(name) != value:
                raise jwt.InvalidTokenError(f"{name} does not match")
        return claims

    def exchange(self, code: str, verifier: str) -> dict[str, Any]:
        form = urlencode({"grant_type": "authorization_code", "code": code,
                          "redirect_uri": f"{self.client.origin}/callback",
                          "code_verifier": verifier}).encode()
        basic = base64.b64encode(
            f"{self.client.client_id}:{self.client.client_secret}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - the local provider's http URL
            f"{self.client.endpoints}/token", data=form, method="POST",
            headers={"Authorization": f"Basic {basic}",
                     "Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            answer: dict[str, Any] = json.loads(response.read())
        return answer


class _Handler(BaseHTTPRequestHandler):
    server: DemoApp

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        # The path only: a query may hold a code or a token.
        log.info("demo app: %s %s", self.command, urlsplit(self.path).path)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = urlsplit(self.path)
        route = {"/": self._home, "/login": self._login, "/callback": self._callback,
                 "/logout": self._logout}.get(path.path)
        if route is None:
            self._page(HTTPStatus.NOT_FOUND, "Not found", "<p>There is no such page.</p>")
            return
        route({k: v[0] for k, v in parse_qs(path.query).items()})

    def do_POST(self) -> None:  # noqa: N802
        if self.path != "/backchannel-logout":
            self._page(HTTPStatus.NOT_FOUND, "Not found", "<p>There is no such page.</p>")
            return
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(min(length, 16_384)).decode())
        try:
            claims = self.server.verify(form.get("logout_token", [""])[0])
            if BACKCHANNEL_EVENT not in (claims.get("events") or {}) or "nonce" in claims:
                raise jwt.InvalidTokenError("not a logout token")
        except jwt.PyJWTError as error:
            log.warning("demo app: refused a logout token (%s)", error)
            self._reply(HTTPStatus.BAD_REQUEST, b"", {})
            return
        state = self.server.state
        with state.lock:
            ended = [c for c, s in state.sessions.items() if s["sid"] == claims["sid"]]
            for cookie in ended:
                del state.sessions[cookie]
        log.info("demo app: back-channel logout ended %d session(s)", len(ended))
        self._reply(HTTPStatus.OK, b"", {"Cache-Control": "no-store"})

    # Pages -------------------------------------------------------------------------

    def _home(self, _query: dict[str, str]) -> None:
        claims = self._signed_in()
        if claims is None:
            self._page(HTTPStatus.OK, "Demo application",
                       "<p>This application lets its users sign in with the organisation's "
                       "account.</p><p><a class=button href=/login>Sign in</a></p>")
            return
        rows = "".join(f"<tr><th scope=row>{html.escape(k)}</th>"
                       f"<td><code>{html.escape(json.dumps(v))}</code></td></tr>"
                       for k, v in sorted(claims.items()))
        note = ("<p role=status><strong>You signed in with a backup code.</strong> Consider "
                "setting up your authenticator again.</p>" if claims.get("backup_code") else "")
        self._page(HTTPStatus.OK, "Signed in",
                   f"<p>Signed in as <strong>{html.escape(str(claims.get('preferred_username')))}"
                   f"</strong>.</p>{note}<table><caption>The ID token's claims</caption>"
                   f"{rows}</table><p><a class=button href=/logout>Sign out</a> "
                   "<a href='/login?prompt=login'>Sign in again</a></p>")

    def _login(self, query: dict[str, str]) -> None:
        state, nonce, verifier = (secrets.token_urlsafe(16), secrets.token_urlsafe(16),
                                  secrets.token_urlsafe(48))
        with self.server.state.lock:
            self.server.state.pending[state] = {"nonce": nonce, "verifier": verifier}
        client = self.server.client
        params = {"client_id": client.client_id, "response_type": "code",
                  "scope": "openid profile", "redirect_uri": f"{client.origin}/callback",
                  "state": state, "nonce": nonce, "code_challenge": _s256(verifier),
                  "code_challenge_method": "S256"}
        # /login?prompt=login asks for a fresh sign-in (the "Sign in again" link);
        # prompt=none and max_age pass through too, for trying them out.
        if query.get("prompt") in ("login", "none"):
            params["prompt"] = query["prompt"]
        if query.get("max_age", "").isdigit():
            params["max_age"] = query["max_age"]
        self._redirect(f"{client.endpoints}/authorize?{urlencode(params)}")

    def _callback(self, query: dict[str, str]) -> None:
        with self.server.state.lock:
            pending = self.server.state.pending.pop(query.get("state", ""), None)
        if pending is None or "error" in query or "code" not in query:
            reason = html.escape(query.get("error", "no code"))
            self._page(HTTPStatus.BAD_REQUEST, "Not signed in",
                       f"<p>The sign-in did not complete ({reason}).</p><p><a href=/>Back</a></p>")
            return
        if query.get("iss") != self.server.client.issuer:  # RFC 9207: the provider's answer
            self._page(HTTPStatus.BAD_REQUEST, "Not signed in", "<p>Wrong issuer.</p>")
            return
        try:
            tokens = self.server.exchange(query["code"], pending["verifier"])
            claims = self.server.verify(tokens["id_token"], nonce=pending["nonce"])
        except (OSError, ValueError, KeyError, jwt.PyJWTError) as error:
            # The kind of failure only: a message could quote what the provider sent.
            log.warning("demo app: the code exchange failed (%s)", type(error).__name__)
            self._page(HTTPStatus.BAD_GATEWAY, "Not signed in",
                       "<p>The provider did not give a valid ID token.</p>")
            return
        cookie = secrets.token_urlsafe(24)
        with self.server.state.lock:
            self.server.state.sessions[cookie] = {**claims, "_id_token": tokens["id_token"]}
        self._redirect("/", {"Set-Cookie": f"{COOKIE}={cookie}; Path=/; HttpOnly; SameSite=Lax"})

    def _logout(self, _query: dict[str, str]) -> None:
        cookie = self._cookie()
        with self.server.state.lock:
            session = self.server.state.sessions.pop(cookie, None) if cookie else None
        if session is None:
            self._redirect("/")
            return
        client = self.server.client
        query = urlencode({"id_token_hint": session["_id_token"], "state": "signed-out",
                           "post_logout_redirect_uri": f"{client.origin}/"})
        self._redirect(f"{client.endpoints}/logout?{query}",
                       {"Set-Cookie": f"{COOKIE}=; Path=/; Max-Age=0"})

    # Helpers -----------------------------------------------------------------------

    def _cookie(self) -> str | None:
        for part in (self.headers.get("Cookie") or "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE:
                return value
        return None

    def _signed_in(self) -> dict[str, Any] | None:
        cookie = self._cookie()
        with self.server.state.lock:
            session = self.server.state.sessions.get(cookie or "")
        if session is None:
            return None
        return {k: v for k, v in session.items() if not k.startswith("_")}

    def _redirect(self, location: str, headers: dict[str, str] | None = None) -> None:
        self._reply(HTTPStatus.FOUND, b"", {"Location": location, **(headers or {})})

    def _page(self, status: HTTPStatus, title: str, body: str) -> None:
        page = (f"<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport "
                f"content='width=device-width'><title>{title} · Demo application</title>"
                "<style>body{font:16px system-ui;margin:2rem auto;max-width:46rem;padding:0 1rem}"
                "table{border-collapse:collapse}th,td{border:1px solid #999;padding:.3rem .5rem;"
                "text-align:left;vertical-align:top}code{word-break:break-all}"
                ".button{display:inline-block;padding:.5rem 1rem;background:#0b5;color:#fff;"
                "text-decoration:none;border-radius:.3rem}</style>"
                f"<header><p>Demo application (a tenant's app)</p></header><main><h1>{title}</h1>"
                f"{body}</main></html>")
        self._reply(status, page.encode(), {"Content-Type": "text/html; charset=utf-8",
                                            "Content-Security-Policy": CSP,
                                            "Cache-Control": "no-store"})

    def _reply(self, status: HTTPStatus, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
