"""Ending sessions for applications: RP-initiated logout, and back-channel logout.

"Ended here, ended there": whenever a session ends (sign-out, "end session", the
purge after a second-factor change, an expiry), every application it signed in to is
told with an OpenID Connect Back-Channel Logout token, from the sessions table's
stream, never on a request's path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .authorization import ProviderParts, redirect_with
from .clients import find_client
from .errors import AuthorizationRefused
from .grants import Client, EndedSession, Issuer
from .ports import JwtSigner, LogoutDelivery, SessionRepository

BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGOUT_TOKEN_SECONDS = 120


@dataclass(frozen=True)
class EndSessionOutcome:
    """Where the browser goes next: the client's registered address, the page asking
    the user to confirm (no valid hint: the request could come from anyone), or the
    page signed out (`redirect_to` None, `confirm` False)."""

    redirect_to: str | None = None
    confirm: bool = False


class Logout:
    def __init__(self, parts: ProviderParts, signer: JwtSigner, sessions: SessionRepository,
                 delivery: LogoutDelivery) -> None:
        self._parts = parts
        self._signer = signer
        self._sessions = sessions
        self._delivery = delivery

    def end_session(self, at: Issuer, params: Mapping[str, Sequence[str]]) -> EndSessionOutcome:
        """OpenID Connect RP-Initiated Logout 1.0, from the application's browser tab.

        The session cookie is SameSite=Strict, so it does not come with this cross-site
        navigation: the hint names the session instead (its `sid`), and only a token
        this provider signed for this tenant and one of its clients can name one.
        """
        tenant = at.tenant
        one = {name: values[0] for name, values in params.items() if values}
        claims = self._signer.verify(one.get("id_token_hint", ""))
        client = self._hinted_client(at, claims, one.get("client_id"))
        if claims is None or client is None:
            return EndSessionOutcome(confirm=True)
        target = one.get("post_logout_redirect_uri")
        if target is not None and target not in client.post_logout_redirect_uris:
            raise AuthorizationRefused("invalid_redirect_uri", "The application asked to "
                                       "return to an address it did not register.")
        sid = claims.get("sid")
        found = self._parts.grants.session_of(tenant, sid) if isinstance(sid, str) else None
        if found is not None:
            self._sessions.delete(tenant, found[1])
        if target is None:
            return EndSessionOutcome()
        return EndSessionOutcome(redirect_with(target, state=one.get("state")))

    def _hinted_client(self, at: Issuer, claims: dict[str, Any] | None,
                       client_id: str | None) -> Client | None:
        if claims is None or claims.get("iss") != at.url:
            return None
        audience = claims.get("aud")
        if not isinstance(audience, str) or client_id not in (None, audience):
            return None
        return find_client(self._parts.clients, at.tenant, audience)

    def session_ended(self, ended: EndedSession, origin: str) -> list[str]:
        """Tell each application the session signed in to; the ids of those that
        could not be told (the stream retries the record, bounded)."""
        failed = []
        for client_id in ended.client_ids:
            client = self._parts.clients.get(ended.tenant, client_id)
            if client is None or client.backchannel_logout_uri is None or not ended.subject:
                continue
            token = self._logout_token(ended, Issuer.at(origin, ended.tenant).url, client_id)
            if not self._delivery.deliver(client.backchannel_logout_uri, token):
                failed.append(client_id)
        return failed

    def _logout_token(self, ended: EndedSession, issuer: str, client_id: str) -> str:
        now = int(self._parts.clock.now())
        # OpenID Connect Back-Channel Logout 1.0 §2.4; never a nonce.
        return self._signer.sign({
            "iss": issuer, "aud": client_id, "iat": now,
            "exp": now + LOGOUT_TOKEN_SECONDS, "jti": self._parts.tokens.new_id(),
            "sub": ended.subject, "sid": ended.session_id,
            "events": {BACKCHANNEL_EVENT: {}},
        }, typ="logout+jwt")
