"""The domain's records. Times are POSIX seconds (float) throughout."""

from __future__ import annotations

from dataclasses import dataclass, field


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
class Change:
    """Who changed a code set and when: the stream purge keeps that session."""

    kind: str  # "added" | "regenerated" | "removed"
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
