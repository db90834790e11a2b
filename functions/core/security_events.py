"""Security facts: what a change to a user's code set, or a lock, means to the user and
their tenant. Pure: the stream handler decodes the record's images into the values
below, and every sink (events, emails, and later the audit trail) gets the same facts.

A fact's `id` comes from its content (tenant, user, type, and the spend's use id or
the change's new credential generation, or the lock's start), never from when it was
delivered: a stream record delivered twice gives the same facts with the same ids.
A fact never carries a code, a hash, a token or a session id.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Literal

from .languages import DEFAULT as DEFAULT_LANGUAGE
from .model import RequestContext

FactType = Literal["BackupCodeUsed", "BackupCodesLow", "BackupCodesAdded",
                   "BackupCodesRegenerated", "BackupCodesRemoved", "SecondFactorLocked",
                   "MfaReset", "AuthenticatorAdded", "AuthenticatorRemoved"]
BACKUP_CODE_USED: FactType = "BackupCodeUsed"
BACKUP_CODES_LOW: FactType = "BackupCodesLow"
BACKUP_CODES_ADDED: FactType = "BackupCodesAdded"
BACKUP_CODES_REGENERATED: FactType = "BackupCodesRegenerated"
BACKUP_CODES_REMOVED: FactType = "BackupCodesRemoved"
SECOND_FACTOR_LOCKED: FactType = "SecondFactorLocked"
MFA_RESET: FactType = "MfaReset"
# Beyond DESIGN.md's list: the authenticator set up or removed by the user, which the
# self-service set-up asks to be evented and audited (docs/DECISIONS.md).
AUTHENTICATOR_ADDED: FactType = "AuthenticatorAdded"
AUTHENTICATOR_REMOVED: FactType = "AuthenticatorRemoved"

# The change kinds written on the code-set item (`change`) that are facts.
CHANGE_FACTS: dict[str, FactType] = {
    "added": BACKUP_CODES_ADDED,
    "regenerated": BACKUP_CODES_REGENERATED,
    "removed": BACKUP_CODES_REMOVED,
    "mfa_reset": MFA_RESET,
    "authenticator_added": AUTHENTICATOR_ADDED,
    "authenticator_removed": AUTHENTICATOR_REMOVED,
}
# Changes that end sessions without changing a factor the user is told about (the
# action is audited where it is taken). Any other kind is unknown to this version
# (the handler says so).
NO_FACT_CHANGES = frozenset({"sessions_ended", "user_deleted"})
KNOWN_CHANGES = frozenset(CHANGE_FACTS) | NO_FACT_CHANGES


@dataclass(frozen=True)
class UsageEntry:
    """One spent code as the item records it: when, from where, and its use id."""

    at: float
    ip: str
    user_agent: str
    use_id: str | None = None  # spends recorded before use ids existed have none


@dataclass(frozen=True)
class CodeSetImage:
    """One side of a code-set change as the stream carries it: counts, never codes."""

    tenant: str
    username: str
    enabled: bool
    remaining: int
    total: int
    credential_generation: str | None
    change: str | None
    changed_at: float
    usage: tuple[UsageEntry, ...] = ()
    # The language of the request behind the last spend or change.
    language: str = DEFAULT_LANGUAGE
    # Where the last change came from (None: not recorded, e.g. an operator's change).
    changed_ip: str | None = None
    changed_user_agent: str | None = None
    # Who made the last change: the user, the operator, or an administrator's application.
    actor: str = "user"


@dataclass(frozen=True)
class CodeSetChange:
    """A stream record's two images; `new` is None when the item was deleted outright."""

    old: CodeSetImage | None
    new: CodeSetImage | None


@dataclass(frozen=True)
class SecurityFact:
    type: FactType
    id: str
    tenant: str
    username: str
    at: float
    remaining: int | None = None
    ip: str | None = None
    user_agent: str | None = None
    # Not part of the event: the language to write to the user in, and who acted (the
    # audit trail's).
    language: str = DEFAULT_LANGUAGE
    actor: str = "user"


def fact_id(tenant: str, username: str, fact_type: FactType, key: str) -> str:
    """Stable across redelivery: made of the fact's content only."""
    content = "\x1f".join(("v1", tenant, username, fact_type, key))
    return hashlib.sha256(content.encode()).hexdigest()[:32]


def facts_of(change: CodeSetChange, low_threshold: int) -> tuple[SecurityFact, ...]:
    """The facts a code-set change states, in order.

    A spend (the credential generation unchanged, one more use recorded) is
    BackupCodeUsed, and BackupCodesLow too when it is the spend that leaves
    `low_threshold` codes or fewer. A change is the fact of its kind. An item
    deleted outright (an operator removing the user) states none.
    """
    old, new = change.old, change.new
    if new is None:
        return ()
    if old is not None and old.credential_generation == new.credential_generation:
        return _spend_facts(old, new, low_threshold)
    return _change_facts(new)


def _spend_facts(old: CodeSetImage, new: CodeSetImage,
                 low_threshold: int) -> tuple[SecurityFact, ...]:
    if not new.enabled or len(new.usage) <= len(old.usage):
        return ()
    used = new.usage[-1]  # each spend appends its use, in the same write
    key = used.use_id or f"at:{used.at!r}"
    facts = [_fact(BACKUP_CODE_USED, new, used.at, key, remaining=new.remaining, ip=used.ip,
                   user_agent=used.user_agent)]
    if crosses_low(old, new, low_threshold):
        facts.append(_fact(BACKUP_CODES_LOW, new, used.at, key, remaining=new.remaining))
    return tuple(facts)


def crosses_low(old: CodeSetImage, new: CodeSetImage, low_threshold: int) -> bool:
    """Once per set: the spend that takes the count to the threshold or below, or the
    first spend of a set that was never above it."""
    if new.remaining > low_threshold:
        return False
    return old.remaining > low_threshold or old.remaining == old.total


def _change_facts(new: CodeSetImage) -> tuple[SecurityFact, ...]:
    kind = CHANGE_FACTS.get(new.change or "")
    if kind is None:
        return ()
    # The new credential generation is unique to the change.
    key = new.credential_generation or f"at:{new.changed_at!r}"
    remaining = new.remaining if kind in (BACKUP_CODES_ADDED, BACKUP_CODES_REGENERATED) else None
    fact = _fact(kind, new, new.changed_at, key, remaining=remaining, ip=new.changed_ip,
                 user_agent=new.changed_user_agent)
    return (replace(fact, actor=new.actor),)


def _fact(kind: FactType, image: CodeSetImage, at: float, key: str, *,  # noqa: PLR0913
          remaining: int | None = None, ip: str | None = None,
          user_agent: str | None = None) -> SecurityFact:
    # Keyword-only beyond the image: each fact type sets the optional fields it has.
    return SecurityFact(type=kind, id=fact_id(image.tenant, image.username, kind, key),
                        tenant=image.tenant, username=image.username, at=at,
                        remaining=remaining, ip=ip, user_agent=user_agent,
                        language=image.language)


def lock_fact(tenant: str, username: str, started_at: float,
              context: RequestContext) -> SecurityFact:
    """SecondFactorLocked, where the lock begins: the failure that reached the threshold."""
    return SecurityFact(type=SECOND_FACTOR_LOCKED,
                        id=fact_id(tenant, username, SECOND_FACTOR_LOCKED,
                                   f"lock:{started_at!r}"),
                        tenant=tenant, username=username, at=started_at, ip=context.ip,
                        user_agent=context.user_agent, language=context.language)
