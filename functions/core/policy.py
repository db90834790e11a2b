"""Per-tenant policy and the lockout arithmetic."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from .errors import InvalidRequest

PURGE_KEEP_CURRENT = "keep_current"
PURGE_ALL = "all"
# Never more than this many consecutive second-factor failures: at the
# ceiling the second factor stays locked until an operator unlocks it.
LOCKOUT_CEILING = 100
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600

TENANT_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$")
USERNAME = re.compile(r"^[A-Za-z0-9._@+-]{1,64}$")


@dataclass(frozen=True)
class TenantPolicy:
    code_count: int = 10
    lockout_threshold: int = 10
    reauth_max_age_seconds: int = 900
    purge_mode: str = PURGE_KEEP_CURRENT

    def __post_init__(self) -> None:
        if not 5 <= self.code_count <= 20:
            raise InvalidRequest("code_count must be between 5 and 20.")
        if not 3 <= self.lockout_threshold <= LOCKOUT_CEILING:
            raise InvalidRequest(f"lockout_threshold must be between 3 and {LOCKOUT_CEILING}.")
        if not 60 <= self.reauth_max_age_seconds <= 86400:
            raise InvalidRequest("reauth_max_age_seconds must be between 60 and 86400.")
        if self.purge_mode not in (PURGE_KEEP_CURRENT, PURGE_ALL):
            raise InvalidRequest(f"purge_mode must be {PURGE_KEEP_CURRENT} or {PURGE_ALL}.")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, **changes: Any) -> TenantPolicy:
        unknown = set(changes) - set(asdict(self))
        if unknown:
            raise InvalidRequest(f"Unknown policy setting: {', '.join(sorted(unknown))}.")
        return replace(self, **changes)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TenantPolicy:
        known = {k: data[k] for k in asdict(cls()) if k in data}
        return cls(**known)


def lockout_seconds(failures: int, threshold: int) -> int | None:
    """How long the second factor stays locked after `failures` consecutive failures.

    0: not locked. None: locked until an operator unlocks (the hard ceiling).
    Past the threshold the wait doubles with each further failure.
    """
    if failures >= LOCKOUT_CEILING:
        return None
    if failures < threshold:
        return 0
    return min(BACKOFF_BASE_SECONDS * 2 ** (failures - threshold), BACKOFF_MAX_SECONDS)


def validate_tenant_id(tenant: str) -> str:
    if not isinstance(tenant, str) or not TENANT_ID.fullmatch(tenant):
        raise InvalidRequest(
            "Tenant id must be 1-32 characters: lower-case letters, digits and inner dashes."
        )
    return tenant


def validate_username(username: object) -> str:
    """Usernames are matched without regard to case."""
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        raise InvalidRequest(
            "Username must be 1-64 characters: letters, digits and . _ @ + -"
        )
    return username.lower()
