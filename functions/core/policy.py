"""Per-tenant policy and the lockout arithmetic.

Each policy field carries its own range and help text, so the validation, the
operator CLI's options and their help come from one place.
"""

from __future__ import annotations

import math
import re
from dataclasses import Field, asdict, dataclass, field, fields, replace
from decimal import Decimal
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
# An address as people type them (no quoted local parts, no IP literals, no comments).
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}"
                   r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
MAX_EMAIL_LENGTH = 254
EMAIL_OR_NOTHING = re.compile(f"^$|{EMAIL.pattern}")


def _setting(default: Any, help_text: str, *, between: tuple[int, int] | None = None,
             choices: tuple[str, ...] | None = None) -> Any:
    return field(default=default, metadata={"help": help_text, "between": between,
                                            "choices": choices, "switch": False,
                                            "pattern": None})


def _switch(default: bool, help_text: str) -> Any:
    """A setting that is on or off."""
    return field(default=default, metadata={"help": help_text, "between": None,
                                            "choices": None, "switch": True, "pattern": None})


def _text(default: str, help_text: str, pattern: re.Pattern[str], max_length: int) -> Any:
    """A setting that is a string of a given shape."""
    return field(default=default, metadata={"help": help_text, "between": None,
                                            "choices": None, "switch": False,
                                            "pattern": pattern, "max_length": max_length})


@dataclass(frozen=True)
class TenantPolicy:
    code_count: int = _setting(10, "backup codes per set", between=(5, 20))
    lockout_threshold: int = _setting(
        10, "failed second factors before a lock", between=(3, LOCKOUT_CEILING))
    password_lockout_threshold: int = _setting(
        10, "wrong passwords before sign-in waits (it never locks for good)",
        between=(3, LOCKOUT_CEILING))
    reauth_max_age_seconds: int = _setting(
        900, "how recent a sign-in code changes need, in seconds", between=(60, 86400))
    purge_mode: str = _setting(
        PURGE_KEEP_CURRENT, "on a change, keep the changing session or end all",
        choices=(PURGE_KEEP_CURRENT, PURGE_ALL))
    require_mfa: bool = _switch(
        False, "users without a second factor set up an authenticator at sign-in")
    audit_retention_days: int = _setting(
        400, "days the audit trail keeps an event", between=(30, 3650))
    # Notifications (emails to users who have an address; docs/DECISIONS.md).
    notify_code_used: bool = _switch(True, "email the user when a backup code is used")
    notify_codes_low: bool = _switch(True, "email the user when few backup codes are left")
    notify_codes_changed: bool = _switch(
        True, "email the user when backup codes are added, regenerated or removed")
    notify_mfa_reset: bool = _switch(
        True, "email the user when an administrator resets their second factor")
    low_codes_threshold: int = _setting(
        3, "codes left at which the user is told that few are left", between=(1, 10))
    email_sender: str = _text(
        "", "sender address of the tenant's emails, in the stack's email domain "
        "(empty: the stack's own sender)", EMAIL_OR_NOTHING, MAX_EMAIL_LENGTH)

    def __post_init__(self) -> None:
        for setting in fields(self):
            _check(setting, getattr(self, setting.name))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, **changes: Any) -> TenantPolicy:
        unknown = set(changes) - set(asdict(self))
        if unknown:
            raise InvalidRequest(f"Unknown policy setting: {', '.join(sorted(unknown))}.")
        return replace(self, **changes)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TenantPolicy:
        """From stored data: settings this version does not know are ignored."""
        return cls(**{s.name: _integral(data[s.name]) for s in fields(cls) if s.name in data})

    @staticmethod
    def settings() -> tuple[Field[Any], ...]:
        """Every setting with its default and metadata (help, between, choices)."""
        return fields(TenantPolicy)


def _integral(value: Any) -> Any:
    # DynamoDB numbers come back as floats or Decimals; 10.0 is 10, 10.5 stays
    # 10.5 and is refused by the range check rather than truncated.
    if isinstance(value, float | Decimal) and math.isfinite(value) and value == int(value):
        return int(value)
    return value


def _check(setting: Field[Any], value: Any) -> None:
    between, choices = setting.metadata["between"], setting.metadata["choices"]
    if setting.metadata["switch"] and not isinstance(value, bool):
        raise InvalidRequest(f"{setting.name} must be true or false.")
    if between is not None:
        low, high = between
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidRequest(f"{setting.name} must be a whole number from {low} to {high}.")
    if choices is not None and value not in choices:
        raise InvalidRequest(f"{setting.name} must be one of: {', '.join(choices)}.")
    pattern = setting.metadata["pattern"]
    if pattern is not None and not (isinstance(value, str)
                                    and len(value) <= setting.metadata["max_length"]
                                    and pattern.fullmatch(value)):
        raise InvalidRequest(f"{setting.name} is not valid: {setting.metadata['help']}.")


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


def password_lockout_seconds(failures: int, threshold: int) -> int:
    """How long sign-in waits after `failures` consecutive wrong passwords.

    Like the second factor's back-off, but never for good: passwords alone must not
    let anyone lock a user out permanently by knowing the username.
    """
    if failures < threshold:
        return 0
    exponent = min(failures, LOCKOUT_CEILING) - threshold
    return min(BACKOFF_BASE_SECONDS * 2 ** exponent, BACKOFF_MAX_SECONDS)


def validate_tenant_id(tenant: str) -> str:
    if not isinstance(tenant, str) or not TENANT_ID.fullmatch(tenant):
        raise InvalidRequest(
            "Tenant id must be 1-32 characters: lower-case letters, digits and inner dashes."
        )
    return tenant


def validate_email(address: object) -> str:
    """A user's address, its domain in lower case (the local part is the mailbox's own)."""
    if (not isinstance(address, str) or len(address) > MAX_EMAIL_LENGTH
            or not EMAIL.fullmatch(address)):
        raise InvalidRequest("The email address is not valid.")
    local, domain = address.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def mask_email(address: str) -> str:
    """An address as log lines may show it: alice@example.com -> a***@example.com."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}" if local else "***"


def validate_username(username: object) -> str:
    """Usernames are matched without regard to case."""
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        raise InvalidRequest(
            "Username must be 1-64 characters: letters, digits and . _ @ + -"
        )
    return username.lower()
