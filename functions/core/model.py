"""The domain's records. Times are POSIX seconds (float) throughout."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .languages import DEFAULT as DEFAULT_LANGUAGE
from .languages import supported

# Changes to a user's second factor: the backup codes', then the authenticator's.
ChangeKind = Literal["added", "regenerated", "removed", "authenticator_added",
                     "authenticator_removed",
                     # An operator's or administrator's: both factors removed, every
                     # session ended; every session ended; the user deleted.
                     "mfa_reset", "sessions_ended", "user_deleted"]
# How a session authenticated, in the order it did: the password, then a second factor.
Method = Literal["pwd", "totp", "backup_code"]


@dataclass(frozen=True)
class Tenant:
    tenant_id: str
    display_name: str
    created_at: float


@dataclass(frozen=True)
class PendingTotp:
    """An authenticator being set up: not a second factor until a code confirms it."""

    secret: str
    expires_at: float
    # Confirmations tried on it, each counted before it is checked.
    attempts: int = 0


@dataclass
class User:
    tenant: str
    username: str
    password_hash: str
    created_at: float
    totp_secret: str | None = None
    totp_last_step: int | None = None
    failed_attempts: int = 0
    locked_until: float | None = None
    totp_pending: PendingTotp | None = None
    # The user's OpenID subject: random, given at creation (or at first use, for users
    # made before subjects existed).
    subject: str | None = None
    # Where security notifications go (optional; set by the operator).
    email: str | None = None

    @property
    def totp_enabled(self) -> bool:
        return self.totp_secret is not None


@dataclass(frozen=True)
class UserSummary:
    """A row of a tenant's user list: what the by-tenant index holds, no secret."""

    username: str
    created_at: float
    totp_enabled: bool


@dataclass(frozen=True)
class UserRow:
    """A row of the admin API's user list."""

    username: str
    created_at: float
    totp: bool
    backup_codes: bool
    backup_codes_remaining: int
    locked_until: float | None


@dataclass(frozen=True)
class Usage:
    at: float
    ip: str
    user_agent: str


@dataclass
class CodeSet:
    """A user's backup codes: lookup tag -> argon2id hash of each unused code."""

    tenant: str
    username: str
    enabled: bool
    generation: str
    hashes: dict[str, str]
    total: int
    created_at: float
    last_used_at: float | None = None
    usage: list[Usage] = field(default_factory=list)
    # The lookup-tag key version the tags were made with (1 for sets made before
    # versions were recorded: the first version of the key).
    key_version: int = 1
    # Moves with every change to the user's second factor (None: never changed).
    credential_generation: str | None = None

    @property
    def remaining(self) -> int:
        return len(self.hashes)


@dataclass(frozen=True)
class CodeSetStatus:
    """What a user may know of their codes: never a code or a hash."""

    enabled: bool
    total: int = 0
    remaining: int = 0
    created_at: float | None = None
    last_used_at: float | None = None
    generation: str | None = None
    usage: tuple[Usage, ...] = ()


@dataclass(frozen=True)
class IssuedCodes:
    """Codes in display form: returned once, never stored or logged."""

    codes: list[str]
    created_at: float
    generation: str


@dataclass(frozen=True)
class TotpSetup:
    """A pending authenticator as the user's app takes it: shown once, never logged."""

    secret: str
    otpauth_uri: str
    qr_svg: str
    expires_at: float


@dataclass(frozen=True)
class TotpActivation:
    """A confirmed set-up: the pending secret it makes the authenticator, and the time
    step of the code that confirmed it (claimed, so that code cannot sign in)."""

    secret: str
    step: int
    now: float


@dataclass(frozen=True)
class Change:
    """A change to a user's second factor: who made it (the stream purge keeps that
    session), when, and the credential generation it moves to. The request it came
    from (address, browser, language) is recorded with it for the security events."""

    kind: ChangeKind
    session_ref: str
    at: float
    credential_generation: str
    context: RequestContext | None = None


@dataclass(frozen=True)
class Spend:
    """One backup code spent at sign-in: its tag in the set it was read from."""

    tag: str
    generation: str
    usage: Usage
    use_id: str
    # The language of the page that spent it: the notification is written in it.
    language: str = DEFAULT_LANGUAGE


@dataclass
class Session:
    tenant: str
    username: str
    token_hash: str
    session_id: str
    created_at: float
    last_seen_at: float
    authenticated_at: float
    expires_at: float
    ip: str
    user_agent: str
    # The user's credential generation when the session authenticated: a session
    # of an older one is refused (sessions end at the change).
    credential_generation: str | None = None
    methods: tuple[Method, ...] = ()
    # Signed in under a tenant's require_mfa without a second factor: good only for
    # setting one up, until an authenticator is confirmed (api/routing.py).
    mfa_setup_required: bool = False


@dataclass(frozen=True)
class SessionSummary:
    """A row of a user's session list: what the by-user index holds."""

    token_hash: str
    session_id: str
    created_at: float
    last_seen_at: float
    expires_at: float
    ip: str
    user_agent: str
    credential_generation: str | None = None


@dataclass(frozen=True)
class Profile:
    username: str
    tenant: str
    totp: bool
    backup_codes: bool


@dataclass(frozen=True)
class LoginFlow:
    """A sign-in between its password step and its second factor (carried, signed,
    by the client: nothing is stored until the second factor is tried)."""

    tenant: str
    username: str
    flow_id: str
    expires_at: float


@dataclass(frozen=True)
class Reservation:
    """One attempt, counted before it is checked."""

    attempt_id: str  # unique to the request: a retried count recognises itself
    now: float
    # The count at which an attempt also holds the lock while it is checked, so
    # that of a burst only one gets past the threshold; and until when.
    lock_from: int
    hold_until: float


@dataclass(frozen=True)
class Counted:
    """What counting an attempt found: whether it may go on, and the count after it."""

    allowed: bool
    failures: int
    locked_until: float | None = None


@dataclass(frozen=True)
class OutgoingEmail:
    """One email to one user, rendered: what the mailer sends."""

    to: str
    subject: str
    text: str
    html: str
    language: str
    sender_name: str
    # The tenant's own sender address; None: the stack's sender.
    sender: str | None = None


@dataclass(frozen=True)
class RequestContext:
    """Where a request came from: recorded with sessions and code uses, and the
    language the user reads (one the service writes in)."""

    ip: str
    user_agent: str
    language: str = DEFAULT_LANGUAGE
    # Bounded so a hostile header cannot bloat items.
    MAX_USER_AGENT = 256

    @classmethod
    def of(cls, ip: str | None, user_agent: str | None,
           language: str | None = None) -> RequestContext:
        return cls(ip=(ip or "unknown")[:64], user_agent=(user_agent or "")[: cls.MAX_USER_AGENT],
                   language=supported(language))
