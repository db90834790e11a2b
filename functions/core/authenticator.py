"""The authenticator app, set up by the user: started (pending), confirmed with a current
code, replaced, removed.

A set-up is pending on the user's item until a code from the app confirms it; only then
does it become the second factor, replacing any authenticator before it (the lost
phone). Confirming and removing are changes to the second factor, like a change to the
backup codes: the credential generation moves, so the user's other sessions end at the
change and the stream purge deletes them.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from . import code_format
from .errors import (
    InvalidCode,
    InvalidRequest,
    NoPendingSetup,
    NotEnabled,
    SecondFactorRequired,
    SetupExpired,
    Unauthenticated,
)
from .model import Change, ChangeKind, PendingTotp, Session, TotpActivation, TotpSetup
from .policy import TenantPolicy
from .ports import (
    AuthenticatorRepository,
    Clock,
    CodeSetRepository,
    PendingCount,
    QrCodes,
    TotpAuthenticator,
    UserRepository,
)
from .sessions import require_recent_authentication
from .signin import totp_digits
from .tenants import TenantDirectory

# A set-up waits this long for its confirming code.
SETUP_SECONDS = 600
# Confirmations a set-up takes, counted before each check; the last wrong one discards
# it, so a stolen session cannot try the million codes of a set-up it did not start.
MAX_CONFIRMATIONS = 5
TOO_MANY = "Too many wrong codes. Start the set-up again."
REPLACED = "A newer set-up replaced this one. Use the newest QR code or key."
CHANGED_MEANWHILE = "Your sign-in methods were changed meanwhile. Sign in again."


@dataclass(frozen=True)
class AuthenticatorParts:
    """Authenticators' collaborators, named."""

    store: AuthenticatorRepository
    users: UserRepository
    code_sets: CodeSetRepository
    totp: TotpAuthenticator
    qr: QrCodes
    tenants: TenantDirectory
    clock: Clock
    new_id: Callable[[], str]


class Authenticators:
    def __init__(self, parts: AuthenticatorParts) -> None:
        self._p = parts

    def start(self, session: Session, policy: TenantPolicy) -> TotpSetup:
        """A new pending set-up in place of any other; its secret is shown only here."""
        now = self._p.clock.now()
        # The answer carries the secret: only a recent password may have it.
        require_recent_authentication(session, policy, now)
        tenant, _policy = self._p.tenants.tenant(session.tenant)
        pending = PendingTotp(secret=self._p.totp.new_secret(), expires_at=now + SETUP_SECONDS)
        self._p.store.start(session.tenant, session.username, pending)
        uri = self._p.totp.provisioning_uri(pending.secret, session.username,
                                            tenant.display_name)
        return TotpSetup(secret=pending.secret, otpauth_uri=uri, qr_svg=self._p.qr.svg(uri),
                         expires_at=pending.expires_at)

    def confirm(self, session: Session, policy: TenantPolicy, code: object) -> None:
        """The pending set-up becomes the authenticator, if `code` is its current code."""
        now = self._p.clock.now()
        require_recent_authentication(session, policy, now)
        digits = _digits(code)
        counted = self._p.store.count_confirmation(session.tenant, session.username,
                                                   self._p.new_id(), now, MAX_CONFIRMATIONS)
        pending = self._usable(session, counted, now)
        step = self._p.totp.matching_step(pending.secret, digits, now)
        if step is None:
            if pending.attempts >= MAX_CONFIRMATIONS:
                self._p.store.discard(session.tenant, session.username, pending.secret)
                raise SetupExpired(TOO_MANY)
            raise InvalidCode()
        activation = TotpActivation(secret=pending.secret, step=step, now=now)
        if not self._p.store.activate(session.tenant, session.username, activation,
                                      self._change("authenticator_added", session, now),
                                      session.credential_generation):
            self._lost_activation(session, pending)

    def remove(self, session: Session, policy: TenantPolicy) -> None:
        """Remove the authenticator; under require_mfa, never the user's last factor."""
        now = self._p.clock.now()
        require_recent_authentication(session, policy, now)
        change = self._change("authenticator_removed", session, now)
        if self._p.store.remove(session.tenant, session.username, change,
                                session.credential_generation, keep_a_factor=policy.require_mfa):
            return
        user = self._p.users.get(session.tenant, session.username)
        if user is None or not user.totp_enabled:
            raise NotEnabled("No authenticator app is set up.")
        codes = self._p.code_sets.get(session.tenant, session.username)
        if policy.require_mfa and (codes is None or not codes.enabled):
            raise SecondFactorRequired()
        raise Unauthenticated(CHANGED_MEANWHILE)

    def _lost_activation(self, session: Session, confirmed: PendingTotp) -> NoReturn:
        """Why an activation's condition failed, read back."""
        user = self._p.users.get(session.tenant, session.username)
        pending = user.totp_pending if user is not None else None
        if pending is None:  # confirmed meanwhile (another tab), or the user is gone
            raise NoPendingSetup()
        if not hmac.compare_digest(pending.secret, confirmed.secret):
            raise SetupExpired(REPLACED)
        if pending.expires_at <= self._p.clock.now():
            raise SetupExpired()
        # The set-up stands, so the second factor changed since this session read it:
        # that change ended this session, as it ends every other.
        raise Unauthenticated(CHANGED_MEANWHILE)

    def _usable(self, session: Session, counted: PendingCount, now: float) -> PendingTotp:
        """The set-up this attempt may check; the reason it may not, otherwise."""
        pending = counted.pending
        if pending is None:
            raise NoPendingSetup()
        if counted.counted:
            return pending
        expired = pending.expires_at <= now
        if not expired and pending.attempts < MAX_CONFIRMATIONS:
            raise SetupExpired(REPLACED)  # a newer set-up came in as this one was counted
        # Expired, or out of confirmations: its secret goes.
        self._p.store.discard(session.tenant, session.username, pending.secret)
        raise SetupExpired(None if expired else TOO_MANY)

    def _change(self, kind: ChangeKind, session: Session, now: float) -> Change:
        return Change(kind=kind, session_ref=session.token_hash, at=now,
                      credential_generation=self._p.new_id())


def _digits(code: object) -> str:
    """Six digits, or an answer before any storage work (input that cannot be a code
    is not counted: it cannot match)."""
    if not isinstance(code, str) or len(code) > code_format.MAX_INPUT_LENGTH:
        raise InvalidRequest(
            f"code must be a string of at most {code_format.MAX_INPUT_LENGTH} characters.")
    digits = totp_digits(code)
    if digits is None:
        raise InvalidCode()
    return digits
