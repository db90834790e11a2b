"""The authorization endpoint: the code flow with PKCE (OpenID Connect Core §3.1).

A request is checked in the order the specification asks: the client and its
redirect URI first (an error there is shown on the service's page, never sent to an
address that was not verified), then everything else (errors go back to the
client's redirect URI with its `state`).

A signed-in session gets a code at once. Otherwise the request waits, stored, for the
user to sign in on the tenant's page, which then completes it; so does a request for
a fresh sign-in (`prompt=login`, `max_age`), after the page re-authenticates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, NoReturn, get_args
from urllib.parse import urlencode

from .clients import find_client
from .errors import (
    AuthorizationRefused,
    AuthorizationRequestNotFound,
    ReauthenticationRequired,
    Unauthenticated,
)
from .grants import (
    SCOPE_OPENID,
    USER_SCOPES,
    AuthorizationRequest,
    Client,
    CodeGrant,
    Issuer,
    PendingAuthorization,
    Prompt,
    SignedInUser,
)
from .model import Session
from .ports import ClientRepository, Clock, GrantStore, UserRepository
from .sessions import Tokens

CODE_SECONDS = 60  # DESIGN.md: codes live 60 s
PENDING_SECONDS = 600  # time to sign in on the page
MAX_PARAMETER_LENGTH = 512
# RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is 43 characters.
CODE_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")
REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# What the page may send back when it cannot complete a request.
CancelError = Literal["access_denied", "login_required"]
_SINGLE = ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
           "code_challenge", "code_challenge_method", "prompt", "max_age", "response_mode")


@dataclass(frozen=True)
class CodeIssued:
    redirect_to: str


@dataclass(frozen=True)
class SignInNeeded:
    request_id: str


@dataclass(frozen=True)
class ProviderParts:
    clients: ClientRepository
    grants: GrantStore
    users: UserRepository
    tokens: Tokens
    clock: Clock


def redirect_with(uri: str, **params: str | None) -> str:
    """`uri` with the parameters added to its query (it may have one already)."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{uri}{'&' if '?' in uri else '?'}{query}"


class Authorization:
    def __init__(self, parts: ProviderParts) -> None:
        self._parts = parts

    def authorize(self, at: Issuer, params: Mapping[str, Sequence[str]],
                  session: Session | None) -> CodeIssued | SignInNeeded:
        client, request = self.parse(at.tenant, params)
        if session is not None and _satisfies(request, session, self._parts.clock.now(),
                                              since=None):
            return CodeIssued(self._issue(at, client, request, session, None))
        now = self._parts.clock.now()
        pending = PendingAuthorization(at.tenant, self._parts.tokens.new_id(), request,
                                       created_at=now, expires_at=now + PENDING_SECONDS)
        self._parts.grants.save_pending(pending)
        return SignInNeeded(pending.request_id)

    def parse(self, tenant: str,
              params: Mapping[str, Sequence[str]]) -> tuple[Client, AuthorizationRequest]:
        one = _single_values(params)
        client = find_client(self._parts.clients, tenant, one.get("client_id"))
        if client is None:
            raise AuthorizationRefused("unknown_client", "The application is not registered "
                                       "with this organisation.")
        redirect_uri = one.get("redirect_uri")
        if redirect_uri not in client.redirect_uris:
            raise AuthorizationRefused("invalid_redirect_uri", "The application asked to "
                                       "return to an address it did not register.")
        return client, _request(client, str(redirect_uri), one)

    def pending(self, tenant: str, request_id: str) -> tuple[Client, PendingAuthorization]:
        """A request waiting for the page, and its client (whose name the page shows)."""
        pending = self._live_pending(tenant, request_id)
        client = find_client(self._parts.clients, tenant, pending.request.client_id)
        if client is None:  # deleted meanwhile
            raise AuthorizationRequestNotFound()
        return client, pending

    def complete(self, at: Issuer, request_id: str, session: Session) -> str:
        """The redirect, with a code, for a request the page's signed-in user completes."""
        client, pending = self.pending(at.tenant, request_id)
        if not _satisfies(pending.request, session, self._parts.clock.now(),
                          since=pending.created_at):
            raise ReauthenticationRequired(f"{client.name} asks you to confirm it is you.")
        return self._issue(at, client, pending.request, session, request_id)

    def cancel(self, at: Issuer, request_id: str, error: object) -> str:
        """Send the user back to the client with an error instead of a code."""
        if error not in get_args(CancelError):
            raise AuthorizationRefused("invalid_request", "Cancel with access_denied or "
                                       "login_required.")
        _client, pending = self.pending(at.tenant, request_id)
        if not self._parts.grants.discard_pending(at.tenant, request_id):
            raise AuthorizationRequestNotFound()
        return redirect_with(pending.request.redirect_uri, error=str(error),
                             state=pending.request.state, iss=at.url)

    def _live_pending(self, tenant: str, request_id: str) -> PendingAuthorization:
        if not REQUEST_ID.fullmatch(request_id):
            raise AuthorizationRequestNotFound()
        pending = self._parts.grants.get_pending(tenant, request_id)
        if pending is None or pending.expires_at <= self._parts.clock.now():
            raise AuthorizationRequestNotFound()
        return pending

    def _issue(self, at: Issuer, client: Client,  # noqa: PLR0913
               request: AuthorizationRequest, session: Session, pending_id: str | None) -> str:
        parts, tenant = self._parts, at.tenant
        subject = parts.users.subject(tenant, session.username, parts.tokens.new_id())
        if subject is None:
            raise Unauthenticated()
        code = parts.tokens.new_token()
        grant = CodeGrant(
            tenant=tenant, code_hash=parts.tokens.token_hash(code), client_id=client.client_id,
            redirect_uri=request.redirect_uri, scopes=request.scopes,
            user=SignedInUser(session.username, subject, session.session_id,
                              session.authenticated_at, tuple(session.methods)),
            expires_at=parts.clock.now() + CODE_SECONDS, nonce=request.nonce,
            code_challenge=request.code_challenge)
        outcome = parts.grants.issue_code(grant, session, pending_id)
        if outcome == "session_ended":
            raise Unauthenticated()
        if outcome == "request_gone":
            raise AuthorizationRequestNotFound()
        return redirect_with(request.redirect_uri, code=code, state=request.state, iss=at.url)


def _satisfies(request: AuthorizationRequest, session: Session, now: float, *,
               since: float | None) -> bool:
    """Whether the session's sign-in is as fresh as the request asks. `prompt=login`
    needs a sign-in after the request was made (`since`): never at the endpoint itself.
    A session that must first set up a second factor signs in to no application."""
    if session.mfa_setup_required:
        return False
    if request.prompt == "login" and (since is None or session.authenticated_at <= since):
        return False
    return request.max_age is None or now - session.authenticated_at <= request.max_age


def _single_values(params: Mapping[str, Sequence[str]]) -> dict[str, str]:
    one: dict[str, str] = {}
    for name, values in params.items():
        if name in _SINGLE and len(values) > 1:
            # Which one is meant cannot be known (RFC 6749 §3.1); nor can the client,
            # so this is shown, not redirected.
            raise AuthorizationRefused("invalid_request", f"{name} is given more than once.")
        if values:
            one[name] = values[0]
    return one


def _refuse(code: str, message: str, one: Mapping[str, str], redirect_uri: str) -> NoReturn:
    raise AuthorizationRefused(code, message, redirect_uri=redirect_uri, state=one.get("state"))


def _request(client: Client, redirect_uri: str, one: Mapping[str, str]) -> AuthorizationRequest:
    if one.get("response_type") != "code":
        _refuse("unsupported_response_type", "Only the code flow (response_type=code) is "
                "supported.", one, redirect_uri)
    if one.get("response_mode", "query") != "query":
        _refuse("invalid_request", "Only response_mode=query is supported.", one, redirect_uri)
    for name in ("request", "request_uri"):
        if name in one:
            _refuse(f"{name}_not_supported", f"The {name} parameter is not supported.", one,
                    redirect_uri)
    for name in ("state", "nonce"):
        if len(one.get(name, "")) > MAX_PARAMETER_LENGTH:
            _refuse("invalid_request", f"{name} is longer than {MAX_PARAMETER_LENGTH} "
                    "characters.", one, redirect_uri)
    return AuthorizationRequest(
        client_id=client.client_id, redirect_uri=redirect_uri,
        scopes=_scopes(one, redirect_uri), state=one.get("state"), nonce=one.get("nonce"),
        code_challenge=_challenge(client, one, redirect_uri),
        prompt=_prompt(one, redirect_uri), max_age=_max_age(one, redirect_uri))


def _scopes(one: Mapping[str, str], redirect_uri: str) -> tuple[str, ...]:
    asked = tuple(dict.fromkeys(one.get("scope", "").split()))
    if SCOPE_OPENID not in asked:
        _refuse("invalid_scope", "The scope must include openid.", one, redirect_uri)
    unknown = [scope for scope in asked if scope not in USER_SCOPES]
    if unknown:
        _refuse("invalid_scope", f"Scopes not offered here: {' '.join(unknown)}.", one,
                redirect_uri)
    return asked


def _challenge(client: Client, one: Mapping[str, str], redirect_uri: str) -> str | None:
    challenge = one.get("code_challenge")
    if challenge is None:
        if client.public:
            _refuse("invalid_request", "A public client must use PKCE (code_challenge with "
                    "code_challenge_method=S256).", one, redirect_uri)
        return None
    if one.get("code_challenge_method") != "S256":
        _refuse("invalid_request", "code_challenge_method must be S256.", one, redirect_uri)
    if not CODE_CHALLENGE.fullmatch(challenge):
        _refuse("invalid_request", "code_challenge must be 43 base64url characters.", one,
                redirect_uri)
    return challenge


def _prompt(one: Mapping[str, str], redirect_uri: str) -> Prompt | None:
    values = set(one.get("prompt", "").split())
    if "none" in values and len(values) > 1:
        _refuse("invalid_request", "prompt=none cannot be combined.", one, redirect_uri)
    # consent and select_account ask for nothing here: the operator registered the
    # client for the tenant, and a browser holds one session per tenant.
    if "none" in values:
        return "none"
    return "login" if "login" in values else None


def _max_age(one: Mapping[str, str], redirect_uri: str) -> int | None:
    raw = one.get("max_age")
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 9:
        _refuse("invalid_request", "max_age must be a whole number of seconds.", one,
                redirect_uri)
    return int(raw)
