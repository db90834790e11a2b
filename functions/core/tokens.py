"""The token and userinfo endpoints: codes for tokens, and access tokens checked.

The ID token says how the user signed in: `amr` in RFC 8176's words (`pwd`, `otp`,
`mfa`) and `backup_code: true` after a backup code, so an application can ask the
user to set up a new second factor, or treat such a sign-in with more care.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .authorization import ProviderParts
from .clients import authenticate_client
from .errors import (
    InsufficientScope,
    InvalidGrant,
    InvalidScope,
    InvalidToken,
    OAuthInvalidRequest,
    UnsupportedGrantType,
)
from .grants import (
    SCOPE_ADMIN,
    SCOPE_OPENID,
    SCOPE_PROFILE,
    AccessToken,
    Client,
    CodeGrant,
    Issuer,
)
from .ports import CodeRedemption, JwtSigner

ACCESS_TOKEN_SECONDS = 3600
ADMIN_TOKEN_SECONDS = 900
ID_TOKEN_SECONDS = 3600
# RFC 7636 §4.1: 43-128 unreserved characters.
CODE_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
MAX_CODE_LENGTH = 128
# RFC 8176 method references for the service's ways of signing in.
_AMR = {"pwd": "pwd", "totp": "otp", "backup_code": "otp"}


@dataclass(frozen=True)
class TokenRequest:
    """A form posted to the token endpoint, with the client's credentials from the
    Authorization header (client_secret_basic) or the form (client_secret_post)."""

    form: Mapping[str, str]
    client_id: str | None
    client_secret: str | None


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def amr(methods: tuple[str, ...]) -> list[str]:
    found = list(dict.fromkeys(_AMR[m] for m in methods if m in _AMR))
    return [*found, "mfa"] if len(found) > 1 else found


class TokenEndpoint:
    def __init__(self, parts: ProviderParts, signer: JwtSigner) -> None:
        self._parts = parts
        self._signer = signer

    def jwks(self) -> dict[str, Any]:
        """The keys that verify the provider's tokens."""
        return self._signer.jwks()

    def exchange(self, at: Issuer, request: TokenRequest) -> dict[str, Any]:
        grant_type = request.form.get("grant_type")
        if grant_type not in ("authorization_code", "client_credentials"):
            raise UnsupportedGrantType()
        client = authenticate_client(self._parts.clients, self._parts.tokens, at.tenant,
                                     request.client_id, request.client_secret)
        if grant_type == "client_credentials":
            return self._client_credentials(at.tenant, client, request.form)
        return self._authorization_code(at, client, request.form)

    def _authorization_code(self, at: Issuer, client: Client,
                            form: Mapping[str, str]) -> dict[str, Any]:
        code, verifier = form.get("code"), form.get("code_verifier")
        redirect_uri = form.get("redirect_uri")
        if not code or len(code) > MAX_CODE_LENGTH:
            raise OAuthInvalidRequest("The code parameter is missing.")
        if not redirect_uri:
            raise OAuthInvalidRequest("The redirect_uri parameter is missing.")
        if verifier is not None and not CODE_VERIFIER.fullmatch(verifier):
            raise OAuthInvalidRequest("code_verifier must be 43-128 unreserved characters.")
        parts, tenant = self._parts, at.tenant
        access_token = parts.tokens.new_token()
        access_hash = parts.tokens.token_hash(access_token)
        now = parts.clock.now()
        grant = parts.grants.redeem_code(CodeRedemption(
            tenant=tenant, code_hash=parts.tokens.token_hash(code), client_id=client.client_id,
            redirect_uri=redirect_uri,
            code_challenge=None if verifier is None else s256(verifier), now=now,
            access_token_hash=access_hash))
        if grant is None:
            raise InvalidGrant()
        parts.grants.save_access_token(AccessToken(
            tenant=tenant, token_hash=access_hash, client_id=client.client_id,
            scopes=grant.scopes, issued_at=now, expires_at=now + ACCESS_TOKEN_SECONDS,
            user=grant.user))
        return {"access_token": access_token, "token_type": "Bearer",
                "expires_in": ACCESS_TOKEN_SECONDS, "scope": " ".join(grant.scopes),
                "id_token": self._id_token(at, grant, access_token, now)}

    def _id_token(self, at: Issuer, grant: CodeGrant, access_token: str, now: float) -> str:
        user = grant.user
        claims: dict[str, Any] = {
            "iss": at.url, "sub": user.subject, "aud": grant.client_id,
            "iat": int(now), "exp": int(now) + ID_TOKEN_SECONDS,
            "auth_time": int(user.auth_time), "amr": amr(user.methods), "sid": user.session_id,
            # OpenID Connect Core §3.1.3.6: the left half of the access token's SHA-256.
            "at_hash": base64.urlsafe_b64encode(
                hashlib.sha256(access_token.encode()).digest()[:16]).rstrip(b"=").decode(),
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        if "backup_code" in user.methods:
            claims["backup_code"] = True
        if SCOPE_PROFILE in grant.scopes:
            claims["preferred_username"] = user.username
        return self._signer.sign(claims)

    def _client_credentials(self, tenant: str, client: Client,
                            form: Mapping[str, str]) -> dict[str, Any]:
        if client.public:
            raise InvalidScope("A public client cannot use the client_credentials grant.")
        asked = tuple(dict.fromkeys(form.get("scope", SCOPE_ADMIN).split()))
        if asked != (SCOPE_ADMIN,) or SCOPE_ADMIN not in client.scopes:
            raise InvalidScope("This client may ask for the admin scope only if the "
                               "operator allowed it.")
        now = self._parts.clock.now()
        token = self._parts.tokens.new_token()
        self._parts.grants.save_access_token(AccessToken(
            tenant=tenant, token_hash=self._parts.tokens.token_hash(token),
            client_id=client.client_id, scopes=asked, issued_at=now,
            expires_at=now + ADMIN_TOKEN_SECONDS))
        return {"access_token": token, "token_type": "Bearer",
                "expires_in": ADMIN_TOKEN_SECONDS, "scope": SCOPE_ADMIN}

    def bearer(self, tenant: str, token: str | None, scope: str) -> AccessToken:
        """The access token of a request, live, of this tenant, and allowing `scope`."""
        if not token or len(token) > MAX_CODE_LENGTH:
            raise InvalidToken()
        found = self._parts.grants.get_access_token(tenant,
                                                    self._parts.tokens.token_hash(token))
        if found is None or found.expires_at <= self._parts.clock.now():
            raise InvalidToken()
        if scope not in found.scopes:
            raise InsufficientScope()
        return found

    def userinfo(self, tenant: str, token: str | None) -> dict[str, Any]:
        found = self.bearer(tenant, token, SCOPE_OPENID)
        if found.user is None:
            raise InsufficientScope("This token speaks for an application, not a user.")
        return {"sub": found.user.subject, "preferred_username": found.user.username}
