"""The audit trail: every security-relevant action, once, never a secret.

Events come from where the action is decided: a sign-in's success is written in the
sign-in's own transaction, a failure or a lock beside it, an administrator's or the
operator's action with it, and the changes to a user's second factor from the
code-set stream (the same facts the events and emails are made of). Each event's id
comes from its content (a session's id, an attempt's id, a fact's id, an action's
own id), and each write is conditional on that id being new: a retried write, or a
stream record delivered twice, records the event once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from .model import RequestContext
from .policy import TenantPolicy
from .security_events import (
    AUTHENTICATOR_ADDED,
    AUTHENTICATOR_REMOVED,
    BACKUP_CODE_USED,
    BACKUP_CODES_ADDED,
    BACKUP_CODES_REGENERATED,
    BACKUP_CODES_REMOVED,
    MFA_RESET,
    SECOND_FACTOR_LOCKED,
    FactType,
    SecurityFact,
)

AuditType = Literal[
    "sign_in", "sign_in_failed", "second_factor_locked", "backup_code_used",
    "backup_codes_added", "backup_codes_regenerated", "backup_codes_removed",
    "authenticator_added", "authenticator_removed", "mfa_reset", "unlocked",
    "sessions_ended", "user_created", "user_deleted", "password_reset", "email_changed",
]
# Who acted: the user themself, the operator (backup-codes-admin), or an administrator's
# application (`admin:<client id>`).
ACTOR_USER = "user"
ACTOR_OPERATOR = "operator"
ADMIN_PREFIX = "admin:"

_FACTS: dict[FactType, AuditType] = {
    BACKUP_CODE_USED: "backup_code_used",
    BACKUP_CODES_ADDED: "backup_codes_added",
    BACKUP_CODES_REGENERATED: "backup_codes_regenerated",
    BACKUP_CODES_REMOVED: "backup_codes_removed",
    AUTHENTICATOR_ADDED: "authenticator_added",
    AUTHENTICATOR_REMOVED: "authenticator_removed",
    MFA_RESET: "mfa_reset",
    SECOND_FACTOR_LOCKED: "second_factor_locked",
}


def admin_actor(client_id: str) -> str:
    return f"{ADMIN_PREFIX}{client_id}"


def is_actor(value: str | None) -> bool:
    """Whether a change's `changed_by` names an actor (an operator or an administrator)
    rather than the user's own session."""
    return value is not None and (value == ACTOR_OPERATOR or value.startswith(ADMIN_PREFIX))


@dataclass(frozen=True)
class AuditEvent:
    id: str
    tenant: str
    username: str
    at: float
    type: AuditType
    actor: str = ACTOR_USER
    ip: str | None = None
    user_agent: str | None = None
    # How a sign-in was made or tried: password, totp, backup_code.
    method: str | None = None
    # When the trail forgets it: the tenant's retention (audit_retention_days).
    expires_at: float | None = None

    def kept_for(self, policy: TenantPolicy) -> AuditEvent:
        return replace(self, expires_at=self.at + policy.audit_retention_days * 86400)


def of_request(event_id: str, tenant: str, username: str, at: float,  # noqa: PLR0913
               kind: AuditType, context: RequestContext | None, *,
               actor: str = ACTOR_USER, method: str | None = None) -> AuditEvent:
    """An event made where a request is handled, with where the request came from."""
    return AuditEvent(id=event_id, tenant=tenant, username=username, at=at, type=kind,
                      actor=actor, ip=context.ip if context else None,
                      user_agent=context.user_agent if context else None, method=method)


def of_fact(fact: SecurityFact) -> AuditEvent | None:
    """The audit event of a security fact (BackupCodesLow is a warning, not an action)."""
    kind = _FACTS.get(fact.type)
    if kind is None:
        return None
    return AuditEvent(id=fact.id, tenant=fact.tenant, username=fact.username, at=fact.at,
                      type=kind, actor=fact.actor, ip=fact.ip, user_agent=fact.user_agent)
