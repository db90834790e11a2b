"""The domain's records. Times are POSIX seconds (float) throughout."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ChangeKind = Literal["added", "regenerated", "removed"]


@dataclass(frozen=True)
class Tenant:
    tenant_id: str
    display_name: str
    created_at: float


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
class Change:
    """Who changed a code set and when: the stream purge keeps that session."""

    kind: ChangeKind
    session_ref: str
    at: float


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


@dataclass(frozen=True)
class Profile:
    username: str
    tenant: str
    totp: bool
    backup_codes: bool


@dataclass
class LoginFlow:
    tenant: str
    username: str
    flow_hash: str
    attempts: int
    expires_at: float
    created_at: float


@dataclass(frozen=True)
class RequestContext:
    """Where a request came from: recorded with sessions and code uses."""

    ip: str
    user_agent: str
    # Bounded so a hostile header cannot bloat items.
    MAX_USER_AGENT = 256

    @classmethod
    def of(cls, ip: str | None, user_agent: str | None) -> RequestContext:
        return cls(ip=(ip or "unknown")[:64], user_agent=(user_agent or "")[: cls.MAX_USER_AGENT])
