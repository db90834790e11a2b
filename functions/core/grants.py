"""The OpenID Provider's records: clients, authorization requests, codes, access tokens.

Times are POSIX seconds (float), as everywhere in the domain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SCOPE_OPENID = "openid"
SCOPE_PROFILE = "profile"
# The admin API's scope: only through the client_credentials grant.
SCOPE_ADMIN = "admin"
USER_SCOPES = (SCOPE_OPENID, SCOPE_PROFILE)

Prompt = Literal["login", "none"]


@dataclass(frozen=True)
class Issuer:
    """A tenant as an OpenID Provider: its id and its issuer URL (`{origin}/t/{tenant}`)."""

    tenant: str
    url: str

    @classmethod
    def at(cls, origin: str, tenant: str) -> Issuer:
        """`origin`: the service's public origin, e.g. https://id.example.com."""
        return cls(tenant, f"{origin.rstrip('/')}/t/{tenant}")


@dataclass(frozen=True)
class Client:
    """An application of a tenant's, registered by the operator."""

    tenant: str
    client_id: str
    name: str
    redirect_uris: tuple[str, ...]
    created_at: float
    # None for a public client (a native app or a page): it proves itself with PKCE.
    secret_hash: str | None = None
    post_logout_redirect_uris: tuple[str, ...] = ()
    backchannel_logout_uri: str | None = None
    # What the client may ask for: the user scopes, and `admin` if the operator allowed it.
    scopes: tuple[str, ...] = USER_SCOPES

    @property
    def public(self) -> bool:
        return self.secret_hash is None


@dataclass(frozen=True)
class AuthorizationRequest:
    """A validated request to the authorization endpoint."""

    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None = None
    nonce: str | None = None
    code_challenge: str | None = None  # S256 only
    prompt: Prompt | None = None
    max_age: int | None = None


@dataclass(frozen=True)
class PendingAuthorization:
    """An authorization request waiting for the user to sign in on the page."""

    tenant: str
    request_id: str
    request: AuthorizationRequest
    created_at: float
    expires_at: float


@dataclass(frozen=True)
class SignedInUser:
    """Who an authorization code or access token speaks for, and how they signed in."""

    username: str
    subject: str
    session_id: str
    auth_time: float
    methods: tuple[str, ...]


@dataclass(frozen=True)
class CodeGrant:
    """What an authorization code stands for; stored under the code's hash."""

    tenant: str
    code_hash: str
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    user: SignedInUser
    expires_at: float
    nonce: str | None = None
    code_challenge: str | None = None


@dataclass(frozen=True)
class AccessToken:
    """An opaque bearer token, stored under its hash. `user` is None for the
    client_credentials grant: the token speaks for the client itself."""

    tenant: str
    token_hash: str
    client_id: str
    scopes: tuple[str, ...]
    issued_at: float
    expires_at: float
    user: SignedInUser | None = None


@dataclass(frozen=True)
class EndedSession:
    """A session that ended, with what the applications it signed in to know of it."""

    tenant: str
    username: str
    session_id: str
    subject: str | None
    client_ids: tuple[str, ...] = field(default=())
