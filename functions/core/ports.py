"""What the domain needs from storage and crypto; the store and tests implement it.

Every write that a retry could repeat says how it recognises itself: DynamoDB may
apply a write and lose the answer, and botocore then sends it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from .audit import AuditEvent
from .grants import AccessToken, Client, CodeGrant, PendingAuthorization
from .model import (
    Change,
    CodeSet,
    Counted,
    OutgoingEmail,
    PendingTotp,
    Reservation,
    Session,
    SessionSummary,
    Spend,
    Tenant,
    TotpActivation,
    User,
    UserRow,
    UserSummary,
)
from .policy import TenantPolicy
from .security_events import SecurityFact


class TenantRepository(Protocol):
    def get(self, tenant_id: str) -> tuple[Tenant, TenantPolicy] | None: ...
    def create(self, tenant: Tenant, policy: TenantPolicy) -> None: ...
    def set_policy(self, tenant_id: str, policy: TenantPolicy) -> None: ...
    def list_tenants(self) -> list[tuple[Tenant, TenantPolicy]]: ...


class UserRepository(Protocol):
    def get(self, tenant: str, username: str) -> User | None: ...
    def create(self, user: User, audit: AuditEvent | None = None) -> None:
        """The user and (if given) the event recording it, both or neither; Conflict when
        the username is taken."""
    def list_users(self, tenant: str) -> list[UserSummary]: ...
    def set_password_hash(self, tenant: str, username: str, password_hash: str) -> None: ...
    def set_email(self, tenant: str, username: str, email: str | None) -> None:
        """Set (or, with None, clear) where the user's notifications go."""
        ...
    def lock_until(self, tenant: str, username: str, until: float) -> None:
        """Lock the second factor after a failure that reached the threshold."""
        ...
    def reset_failures(self, tenant: str, username: str,
                       audit: AuditEvent | None = None) -> None:
        """Clear the second-factor count and lock (an unlock), with the event that
        records it (both or neither); NotFound when there is no such user."""
        ...
    def subject(self, tenant: str, username: str, new_subject: str) -> str | None:
        """The user's OpenID subject, `new_subject` stored first if they had none yet;
        None when there is no such user."""
        ...


class PasswordAttemptRepository(Protocol):
    """Password failures per tenant and username, whether the user exists or not, so
    that the lock says nothing about which usernames exist."""

    def reserve(self, tenant: str, username: str, reservation: Reservation) -> Counted:
        """Count one password attempt before it is checked (refused while locked).

        At the failure ceiling the count stops growing but the attempt is still
        let through after its hold: passwords alone never lock for good.
        """
        ...
    def lock_until(self, tenant: str, username: str, until: float) -> None: ...
    def clear(self, tenant: str, username: str) -> None: ...


@dataclass(frozen=True)
class SecondFactorStart:
    tenant: str
    username: str
    flow_id: str
    max_flow_attempts: int
    reservation: Reservation


@dataclass(frozen=True)
class SecondFactorState:
    """What the sign-in step knows after its first round trip."""

    outcome: Literal["allowed", "locked", "flow_spent", "no_user"]
    counted: Counted
    user: User | None = None
    code_set: CodeSet | None = None
    # The user's login flows past their expiry: the success clears them away.
    expired_flows: tuple[str, ...] = ()

    @property
    def credential_generation(self) -> str | None:
        return self.code_set.credential_generation if self.code_set else None


@dataclass(frozen=True)
class SignInSuccess:
    """Everything a successful second factor writes, as one transaction."""

    session: Session
    flow_id: str
    expired_flows: tuple[str, ...]
    # The user's credential generation as read: a change since then wins.
    credential_generation: str | None
    spend: Spend | None = None
    totp_step: int | None = None
    # The sign-in's audit event, written in the same transaction.
    audit: AuditEvent | None = None


class SignInStore(Protocol):
    """The second-factor step's storage: two sequential round trips at most."""

    def begin(self, start: SecondFactorStart) -> SecondFactorState:
        """Count the attempt on the user and on the flow, and read the code set, at once."""
        ...
    def succeed(self, success: SignInSuccess) -> bool:
        """Spend the code or claim the TOTP step, clear the count, close the flow and
        open the session, all or nothing. False when a condition failed: the code
        was spent or the step used meanwhile, the flow closed, or the second factor
        changed. A retry of a transaction that had landed is recognised by its session."""
        ...


class CodeSetRepository(Protocol):
    """Each change is one transaction with the changing session, which keeps its place
    under the new credential generation; a retry recognises its own generation."""

    def get(self, tenant: str, username: str) -> CodeSet | None: ...
    def add(self, code_set: CodeSet, change: Change) -> None:
        """Store a first set; AlreadyEnabled when one is on."""
        ...
    def replace(self, code_set: CodeSet, expected_generation: str, change: Change) -> None:
        """Swap the whole set; GenerationMismatch or NotEnabled when another change won."""
        ...
    def remove(self, tenant: str, username: str, expected_generation: str, change: Change,
               *, keep_a_factor: bool = False) -> None:
        """Disable the set (its generation becomes the change's credential generation);
        with `keep_a_factor` only while the user has an authenticator (SecondFactorRequired
        otherwise), checked in the same transaction."""
        ...


@dataclass(frozen=True)
class PendingCount:
    """What counting a confirmation found: whether this attempt was counted (and may be
    checked), and the pending set-up as stored (None: there is none)."""

    counted: bool
    pending: PendingTotp | None


class AuthenticatorRepository(Protocol):
    """The authenticator on the user's item. Activating and removing it are changes to
    the second factor: one transaction with the code-set item, whose credential
    generation moves (made as a disabled item when the user has none), and the changing
    session, which moves with it; a retry recognises its own new generation."""

    def start(self, tenant: str, username: str, pending: PendingTotp) -> None:
        """Store a pending set-up in place of any other; Unauthenticated without a user."""
        ...
    def count_confirmation(self, tenant: str, username: str, attempt_id: str, now: float,
                           max_attempts: int) -> PendingCount:
        """Count one confirmation on the pending set-up before it is checked: refused
        when there is none, it expired, or it has had `max_attempts` already."""
        ...
    def discard(self, tenant: str, username: str, secret: str) -> None:
        """Drop the pending set-up of this secret (not a newer one)."""
        ...
    def activate(self, tenant: str, username: str, activation: TotpActivation, change: Change,
                 over: str | None) -> bool:
        """The pending secret becomes the authenticator, over the credential generation
        `over` (as the changing session read it). False when the set-up is no longer the
        one confirmed or expired meanwhile, or the second factor changed since `over`."""
        ...
    def remove(self, tenant: str, username: str, change: Change, over: str | None,
               keep_a_factor: bool) -> bool:
        """Remove the authenticator, over `over`. False when there is none, when
        (`keep_a_factor`) the user has no backup codes on, or the second factor changed."""
        ...


class SessionRepository(Protocol):
    def create(self, session: Session) -> None: ...
    def get_current(self, tenant: str, username: str,
                    token_hash: str) -> tuple[Session | None, str | None]:
        """The session and the user's current credential generation, read together."""
        ...
    def touch(self, session: Session, now: float, expires_at: float) -> bool: ...
    def reserve_reauthentication(self, session: Session, attempt_id: str,
                                 max_failures: int) -> int | None:
        """Count one password attempt on the session before it is checked: the count,
        or None when the session is gone or has used up its attempts."""
        ...
    def mark_authenticated(self, session: Session, now: float) -> bool:
        """A fresh authentication; False when the session is gone."""
        ...
    def delete(self, tenant: str, token_hash: str) -> None: ...
    def list_for_user(self, tenant: str, username: str) -> list[SessionSummary]: ...
    def purge_user(self, tenant: str, username: str, changed_at: float,
                   old_generation: str | None, keep_token_hash: str | None) -> int: ...


class Hasher(Protocol):
    def hash(self, secret: str) -> str: ...
    def hash_many(self, secrets_: Sequence[str]) -> list[str]: ...
    def verify(self, encoded: str, secret: str) -> bool: ...
    def needs_rehash(self, encoded: str) -> bool: ...
    def burn(self, secret: str) -> None: ...


class Tagger(Protocol):
    def current_version(self) -> int: ...
    def tag(self, version: int, *parts: str) -> str: ...


class Signer(Protocol):
    """Short-lived tokens the service issues and reads back itself."""

    def sign(self, claims: dict[str, Any]) -> str: ...
    def verify(self, token: str) -> dict[str, Any] | None: ...


class ClientRepository(Protocol):
    def get(self, tenant: str, client_id: str) -> Client | None: ...
    def create(self, client: Client) -> None: ...
    def replace(self, client: Client) -> None: ...
    def delete(self, tenant: str, client_id: str) -> bool: ...
    def list_clients(self, tenant: str) -> list[Client]: ...


IssueOutcome = Literal["issued", "session_ended", "request_gone"]


class GrantStore(Protocol):
    """The OpenID Provider's short-lived items: pending requests, codes, access tokens."""

    def save_pending(self, pending: PendingAuthorization) -> None: ...
    def get_pending(self, tenant: str, request_id: str) -> PendingAuthorization | None: ...
    def discard_pending(self, tenant: str, request_id: str) -> bool: ...
    def issue_code(self, grant: CodeGrant, session: Session,
                   pending_id: str | None) -> IssueOutcome:
        """Store the code, record the client on the session and close the pending
        request, all or nothing; a retry recognises its own code."""
        ...
    def redeem_code(self, redemption: CodeRedemption) -> CodeGrant | None:
        """Mark the code used by this exchange if everything in `redemption` matches and
        it is unused and live; the grant, or None. A code used before has the access
        token it gave revoked (a replay)."""
        ...
    def save_access_token(self, token: AccessToken) -> None: ...
    def get_access_token(self, tenant: str, token_hash: str) -> AccessToken | None: ...
    def session_of(self, tenant: str, session_id: str) -> tuple[str, str] | None:
        """(username, session token hash) of a session that signed in to a client."""
        ...


@dataclass(frozen=True)
class UserChange:
    """An operator's or administrator's change to a user: the credential generation
    moves (every session ends), with what the change removes."""

    tenant: str
    username: str
    change: Change
    remove_authenticator: bool = False
    remove_codes: bool = False
    delete_user: bool = False
    # A new password's hash (a reset by an administrator or the operator).
    password_hash: str | None = None
    # The event that records the change, written with it (both or neither).
    audit: AuditEvent | None = None


class UserDirectory(Protocol):
    def page(self, tenant: str, limit: int,
             cursor: str | None) -> tuple[list[UserRow], str | None]:
        """A page of the tenant's users, by username, and where the next starts."""
        ...


class UserChanges(Protocol):
    def apply(self, user_change: UserChange) -> bool:
        """Make the change, all or nothing; False when there is no such user."""
        ...


class AuditTrail(Protocol):
    def record(self, event: AuditEvent) -> None:
        """Write the event, once: written again (a retry, a second delivery), it is
        found there and kept as it is."""
        ...
    def recent(self, tenant: str, username: str | None, limit: int,
               before: str | None = None) -> tuple[list[AuditEvent], str | None]:
        """The tenant's (or one user's) events, newest first, and where the next page
        starts (None at the end)."""
        ...


class JwtSigner(Protocol):
    """JSON Web Tokens signed by the provider's key (ID and logout tokens)."""

    def sign(self, claims: dict[str, Any], *, typ: str = "JWT") -> str: ...
    def verify(self, token: str) -> dict[str, Any] | None:
        """The claims of a token this provider signed, or None; no claim is checked."""
        ...
    def jwks(self) -> dict[str, Any]: ...


class LogoutDelivery(Protocol):
    def deliver(self, uri: str, logout_token: str) -> bool:
        """POST a back-channel logout token; True when the application took it."""
        ...


@dataclass(frozen=True)
class CodeRedemption:
    """A token request's claim on a code: everything the code must match."""

    tenant: str
    code_hash: str
    client_id: str
    redirect_uri: str
    # S256 of the code_verifier sent, or None when none was sent.
    code_challenge: str | None
    now: float
    # Unique to this exchange, and the hash of the access token it will issue: a
    # retried redemption finds its own marker; a replay revokes that token.
    access_token_hash: str


class Clock(Protocol):
    def now(self) -> float: ...


class TotpVerifier(Protocol):
    def matching_step(self, secret: str, code: str, now: float) -> int | None: ...


class TotpAuthenticator(TotpVerifier, Protocol):
    """Secrets and otpauth:// URIs for authenticator apps."""

    def new_secret(self) -> str: ...
    def provisioning_uri(self, secret: str, account: str, issuer: str) -> str: ...


class QrCodes(Protocol):
    def svg(self, text: str) -> str:
        """A QR code of `text` as SVG that is safe to put inline in a page."""
        ...


class EventPublisher(Protocol):
    """Security facts out as events (EventBridge)."""

    def publish(self, facts: Sequence[SecurityFact]) -> None:
        """Every fact as one event; raises when some could not be published after retries
        (the ones that were are not taken back: consumers tell a repeat by its id)."""
        ...


class Mailer(Protocol):
    def send(self, email: OutgoingEmail) -> None:
        """Send one email, or raise."""
        ...


class NotificationMarks(Protocol):
    """Which emails went out: one mark per fact and recipient, kept a few days, so that a
    stream record delivered again does not email the user again."""

    def sent(self, tenant: str, fact_id: str, recipient: str) -> bool: ...
    def mark_sent(self, tenant: str, fact_id: str, recipient: str, expires_at: float) -> None:
        ...
