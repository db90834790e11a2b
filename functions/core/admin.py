"""What a tenant's administrators (through the admin API) and the operator (through
backup-codes-admin) do to users: list, create, delete, reset the second factor, unlock,
end sessions, reset a password, read the audit trail.

Every action that ends sessions is a change of the user's credential generation (the
mechanism a change of backup codes uses): every session is refused at once, and the
stream purges them and tells the applications they signed in to. Every action is
audited, with who acted.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from .audit import AuditEvent, AuditType, of_request
from .errors import InvalidRequest, NotFound
from .model import Change, ChangeKind, User, UserRow
from .policy import TenantPolicy, validate_email, validate_username
from .ports import (
    AuditTrail,
    Clock,
    Hasher,
    UserChange,
    UserChanges,
    UserDirectory,
    UserRepository,
)
from .sessions import MAX_PASSWORD_LENGTH

MIN_PASSWORD_LENGTH = 12
MAX_PAGE = 100


@dataclass(frozen=True)
class AdminParts:
    users: UserRepository
    directory: UserDirectory
    changes: UserChanges
    audit: AuditTrail
    hasher: Hasher
    clock: Clock
    new_id: Callable[[], str]


@dataclass(frozen=True)
class NewUser:
    """A user to create; without a password one is made and shown once."""

    username: str
    password: str | None = None
    email: str | None = None
    totp_secret: str | None = None


def checked_new_password(password: object) -> str:
    if not isinstance(password, str) or not (
            MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH):
        raise InvalidRequest(f"The password must have {MIN_PASSWORD_LENGTH} to "
                             f"{MAX_PASSWORD_LENGTH} characters.")
    return password


def page_size(limit: object, default: int = 50) -> int:
    if limit is None:
        return default
    if isinstance(limit, str) and limit.isdigit():
        limit = int(limit)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_PAGE:
        raise InvalidRequest(f"limit must be a whole number from 1 to {MAX_PAGE}.")
    return limit


class Administration:
    def __init__(self, parts: AdminParts) -> None:
        self._p = parts

    def create_user(self, tenant: str, policy: TenantPolicy, new: NewUser,
                    actor: str) -> tuple[User, str | None]:
        """The user made, and the password made for them (None when one was given)."""
        username = validate_username(new.username)
        email = None if new.email is None else validate_email(new.email)
        made = None if new.password is not None else secrets.token_urlsafe(18)
        password = checked_new_password(new.password if made is None else made)
        user = User(tenant=tenant, username=username, password_hash=self._p.hasher.hash(password),
                    created_at=self._p.clock.now(), totp_secret=new.totp_secret, email=email,
                    subject=self._p.new_id())
        self._p.users.create(user, self._event(policy, tenant, username, "user_created", actor))
        return user, made

    def delete_user(self, tenant: str, policy: TenantPolicy, username: object,
                    actor: str) -> None:
        self._change(tenant, policy, username, actor, "user_deleted", delete_user=True)

    def reset_mfa(self, tenant: str, policy: TenantPolicy, username: object, actor: str) -> None:
        """The authenticator and the backup codes gone, every session ended: the user
        sets up a second factor again at the next sign-in (under require_mfa, at once)."""
        self._change(tenant, policy, username, actor, "mfa_reset", remove_authenticator=True,
                     remove_codes=True)

    def remove_codes(self, tenant: str, policy: TenantPolicy, username: object,
                     actor: str) -> None:
        self._change(tenant, policy, username, actor, "removed", remove_codes=True)

    def end_sessions(self, tenant: str, policy: TenantPolicy, username: object,
                     actor: str) -> None:
        self._change(tenant, policy, username, actor, "sessions_ended")

    def unlock(self, tenant: str, policy: TenantPolicy, username: object, actor: str) -> None:
        username = validate_username(username)
        self._p.users.reset_failures(tenant, username, self._event(
            policy, tenant, username, "unlocked", actor))

    def reset_password(self, tenant: str, policy: TenantPolicy, username: object,
                       password: object, actor: str) -> None:
        """A new password; every session ends (whoever knew the old one is out)."""
        username = validate_username(username)
        password_hash = self._p.hasher.hash(checked_new_password(password))
        self._change(tenant, policy, username, actor, "sessions_ended",
                     audit_as="password_reset", password_hash=password_hash)

    def list_users(self, tenant: str, limit: object = None,
                   cursor: str | None = None) -> tuple[list[UserRow], str | None]:
        return self._p.directory.page(tenant, page_size(limit), cursor)

    def audit(self, tenant: str, username: object = None, limit: object = None,
              cursor: str | None = None) -> tuple[list[AuditEvent], str | None]:
        user = None if username in (None, "") else validate_username(username)
        return self._p.audit.recent(tenant, user, page_size(limit), cursor)

    def _change(self, tenant: str, policy: TenantPolicy, username: object,  # noqa: PLR0913
                actor: str, kind: ChangeKind, *, audit_as: AuditType | None = None,
                password_hash: str | None = None, **removes: bool) -> None:
        """One change in one transaction: the credential generation moves (every session
        ends), what it removes goes, and its audit event is written with it. A change
        that is also a code-set fact is audited from the stream instead."""
        username = validate_username(username)
        now = self._p.clock.now()
        change = Change(kind, actor, now, credential_generation=self._p.new_id())
        audit_as = audit_as or _AUDITED_HERE.get(kind)
        # The event's id is the change's own: a retry of the transaction recognises it.
        audit = None if audit_as is None else self._event(
            policy, tenant, username, audit_as, actor, event_id=change.credential_generation)
        if not self._p.changes.apply(UserChange(tenant, username, change, audit=audit,
                                                password_hash=password_hash, **removes)):
            raise NotFound(f"User {username} does not exist.")

    def _event(self, policy: TenantPolicy, tenant: str, username: str,  # noqa: PLR0913
               kind: AuditType, actor: str, event_id: str | None = None) -> AuditEvent:
        return of_request(event_id or self._p.new_id(), tenant, username, self._p.clock.now(),
                          kind, None, actor=actor).kept_for(policy)


# The changes audited here. A reset and a removal of codes are facts of the code-set
# stream, audited from there like a user's own change (with the actor the item names,
# under the fact's id): audited here as well, they would be two events.
_AUDITED_HERE: dict[ChangeKind, AuditType] = {
    "sessions_ended": "sessions_ended", "user_deleted": "user_deleted",
}
