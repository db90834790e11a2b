"""A tenant's applications: registration rules, and how a client proves who it is.

Secrets are 256 random bits shown once; only their SHA-256 is stored (a secret of
that strength needs no slow hash, and the token endpoint stays quick).
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from dataclasses import replace
from urllib.parse import urlsplit

from .errors import InvalidClient, InvalidRequest, NotFound
from .grants import SCOPE_ADMIN, USER_SCOPES, Client
from .policy import validate_tenant_id
from .ports import ClientRepository, Clock
from .sessions import Tokens

MAX_URI_LENGTH = 512
MAX_URIS = 10
MAX_NAME_LENGTH = 64
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# RFC 8252 §7.1: a native app's private-use scheme is a reversed domain name.
PRIVATE_USE_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+$")
LOOPBACK_HOSTS = {"localhost"}


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _absolute(uri: object, what: str) -> tuple[str, str, str | None]:
    if not isinstance(uri, str) or not 0 < len(uri) <= MAX_URI_LENGTH or any(
            c.isspace() for c in uri):
        raise InvalidRequest(f"{what} must be an absolute URI of at most {MAX_URI_LENGTH} "
                             "characters, without spaces.")
    parts = urlsplit(uri)
    if not parts.scheme or parts.fragment or "#" in uri or parts.username or parts.password:
        raise InvalidRequest(f"{what} must be absolute, with no fragment and no user info: "
                             f"{uri}")
    return uri, parts.scheme.lower(), parts.hostname


def checked_redirect_uri(uri: object) -> str:
    """https; http only to the loopback (RFC 8252 §7.3); or a native app's own scheme."""
    uri, scheme, host = _absolute(uri, "A redirect URI")
    if scheme == "https" and host:
        return uri
    if scheme == "http" and is_loopback(host):
        return uri
    if scheme not in ("http", "https") and PRIVATE_USE_SCHEME.fullmatch(scheme):
        return uri
    raise InvalidRequest(f"A redirect URI must use https (http only to localhost), or an "
                         f"app's own reversed-domain scheme: {uri}")


def checked_backchannel_uri(uri: object, *, allow_http_loopback: bool) -> str:
    """Where back-channel logout tokens go: https, and http to the loopback only in
    local runs (a deployed function posting to its own localhost reaches nothing)."""
    uri, scheme, host = _absolute(uri, "The back-channel logout URI")
    if scheme == "https" and host:
        return uri
    if scheme == "http" and allow_http_loopback and is_loopback(host):
        return uri
    raise InvalidRequest(f"The back-channel logout URI must use https: {uri}")


def _checked_name(name: object) -> str:
    if not isinstance(name, str) or not 0 < len(name.strip()) <= MAX_NAME_LENGTH:
        raise InvalidRequest(f"A client's name is 1-{MAX_NAME_LENGTH} characters.")
    return name.strip()


def _checked_uris(uris: tuple[str, ...]) -> tuple[str, ...]:
    if len(uris) > MAX_URIS:
        raise InvalidRequest(f"At most {MAX_URIS} URIs of each kind.")
    return tuple(dict.fromkeys(checked_redirect_uri(uri) for uri in uris))


def secret_matches(client: Client, secret: str, tokens: Tokens) -> bool:
    if client.secret_hash is None:
        return False
    return hmac.compare_digest(tokens.token_hash(secret), client.secret_hash)


class ClientRegistry:
    """The operator's side: register, list, rotate and delete a tenant's clients."""

    def __init__(self, clients: ClientRepository, tokens: Tokens, clock: Clock, *,
                 allow_http_loopback: bool) -> None:
        self._clients = clients
        self._tokens = tokens
        self._clock = clock
        self._allow_http_loopback = allow_http_loopback

    def create(self, tenant: str, name: str, redirect_uris: tuple[str, ...], *,  # noqa: PLR0913
               public: bool = False, post_logout_redirect_uris: tuple[str, ...] = (),
               backchannel_logout_uri: str | None = None,
               admin: bool = False) -> tuple[Client, str | None]:
        """The new client and, for a confidential one, its secret (shown once)."""
        validate_tenant_id(tenant)
        if not redirect_uris and not admin:
            raise InvalidRequest("A client that signs users in needs a redirect URI.")
        if public and admin:
            raise InvalidRequest("A public client cannot have the admin scope: the "
                                 "client_credentials grant needs a secret.")
        secret = None if public else self._tokens.new_token()
        client = Client(
            tenant=tenant, client_id=self._tokens.new_id(), name=_checked_name(name),
            redirect_uris=_checked_uris(redirect_uris), created_at=self._clock.now(),
            secret_hash=None if secret is None else self._tokens.token_hash(secret),
            post_logout_redirect_uris=_checked_uris(post_logout_redirect_uris),
            backchannel_logout_uri=None if backchannel_logout_uri is None
            else checked_backchannel_uri(backchannel_logout_uri,
                                         allow_http_loopback=self._allow_http_loopback),
            scopes=(*USER_SCOPES, SCOPE_ADMIN) if admin else USER_SCOPES)
        self._clients.create(client)
        return client, secret

    def list(self, tenant: str) -> list[Client]:
        return self._clients.list_clients(validate_tenant_id(tenant))

    def delete(self, tenant: str, client_id: str) -> None:
        if not self._clients.delete(validate_tenant_id(tenant), client_id):
            raise NotFound(f"Client {client_id} does not exist in tenant {tenant}.")

    def rotate_secret(self, tenant: str, client_id: str) -> str:
        """A new secret, which replaces the old one at once."""
        client = self._clients.get(validate_tenant_id(tenant), client_id)
        if client is None:
            raise NotFound(f"Client {client_id} does not exist in tenant {tenant}.")
        if client.public:
            raise InvalidRequest("A public client has no secret to rotate.")
        secret = self._tokens.new_token()
        self._clients.replace(replace(client, secret_hash=self._tokens.token_hash(secret)))
        return secret


def find_client(clients: ClientRepository, tenant: str, client_id: object) -> Client | None:
    if not isinstance(client_id, str) or not CLIENT_ID.fullmatch(client_id):
        return None
    return clients.get(tenant, client_id)


def authenticate_client(clients: ClientRepository, tokens: Tokens, tenant: str,
                        client_id: object, secret: str | None) -> Client:
    """The client a token request comes from: a confidential client with its secret,
    a public one with none (it proves itself with PKCE). InvalidClient otherwise."""
    client = find_client(clients, tenant, client_id)
    if client is None:
        raise InvalidClient()
    if client.public:
        if secret:
            raise InvalidClient("A public client has no secret.")
        return client
    if secret is None or not secret_matches(client, secret, tokens):
        raise InvalidClient()
    return client


class CachedClients:
    """The clients the OpenID Provider reads, remembered per container for a short while:
    an application's sign-in reads its client three times (authorize, completion, token),
    and one popular application would otherwise make its item a hot key. A deletion or
    a rotated secret reaches every container within `cache_seconds`."""

    def __init__(self, clients: ClientRepository, clock: Clock, cache_seconds: float,
                 max_entries: int = 1024) -> None:
        self._clients = clients
        self._clock = clock
        self._cache_seconds = cache_seconds
        self._max_entries = max_entries
        self._cache: dict[tuple[str, str], tuple[float, Client | None]] = {}

    def get(self, tenant: str, client_id: str) -> Client | None:
        now = self._clock.now()
        cached = self._cache.get((tenant, client_id))
        if cached is None or cached[0] <= now:
            if len(self._cache) >= self._max_entries:
                self._cache.clear()  # bounded: made-up ids cannot grow it without end
            cached = (now + self._cache_seconds, self._clients.get(tenant, client_id))
            self._cache[(tenant, client_id)] = cached
        return cached[1]

    def create(self, client: Client) -> None:
        self._clients.create(client)

    def replace(self, client: Client) -> None:
        self._clients.replace(client)
        self._cache.pop((client.tenant, client.client_id), None)

    def delete(self, tenant: str, client_id: str) -> bool:
        self._cache.pop((tenant, client_id), None)
        return self._clients.delete(tenant, client_id)

    def list_clients(self, tenant: str) -> list[Client]:
        return self._clients.list_clients(tenant)
