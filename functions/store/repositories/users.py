"""Users: credentials, the TOTP step last used, and second-factor failures.

The sign-in step's own reads and writes of this item are in signin.py.
"""

from __future__ import annotations

from typing import Any

from pynamodb.connection import Connection
from pynamodb.transactions import TransactWrite

from ...core.audit import AuditEvent
from ...core.errors import Conflict, NotFound
from ...core.model import PendingTotp, User, UserSummary
from .. import keys
from ..conditional import Reasons, applied, returned, returned_all, text, transact
from ..models import UserModel
from .audit import NEW_EVENT, audit_item

# Conditions, named once.
_EXISTS = UserModel.pk.exists()
_CONDITION_FAILED = "ConditionalCheckFailed"


class DynamoUserRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def get(self, tenant: str, username: str) -> User | None:
        item = user_item(keys.user_pk(tenant, username))
        return None if item is None else user_of(item)

    def create(self, user: User, audit: AuditEvent | None = None) -> None:
        """The user, and the audit event that records it, in one transaction: a retry
        whose first try landed recognises the user's own new subject."""
        pk = keys.user_pk(user.tenant, user.username)
        item = UserModel(pk, tenant=user.tenant,
                         username=user.username, password_hash=user.password_hash,
                         totp_secret=user.totp_secret, totp_enabled=user.totp_enabled,
                         failed_attempts=0, flows={}, created_at=user.created_at,
                         subject=user.subject, email=user.email)

        def build(tx: TransactWrite) -> None:
            tx.save(item, condition=UserModel.pk.does_not_exist(), return_values="ALL_OLD")
            if audit is not None:
                tx.save(audit_item(audit), condition=NEW_EVENT)

        def landed(reasons: Reasons) -> bool:
            return text(returned(reasons, pk), "subject") == user.subject

        if not transact(self._connection, build, token=(user.subject or pk)[:36],
                        landed=landed):
            raise Conflict(f"User {user.username} already exists.")

    def list_users(self, tenant: str) -> list[UserSummary]:
        return [UserSummary(username=item.username, created_at=float(item.created_at),
                            totp_enabled=bool(item.totp_enabled))
                for item in UserModel.by_tenant.query(tenant)]

    def set_password_hash(self, tenant: str, username: str, password_hash: str) -> None:
        self._update_existing(tenant, username, [UserModel.password_hash.set(password_hash)])

    def set_email(self, tenant: str, username: str, email: str | None) -> None:
        action = UserModel.email.set(email) if email else UserModel.email.remove()
        self._update_existing(tenant, username, [action])

    def lock_until(self, tenant: str, username: str, until: float) -> None:
        self._update_existing(tenant, username, [UserModel.locked_until.set(until)])

    def reset_failures(self, tenant: str, username: str,
                       audit: AuditEvent | None = None) -> None:
        actions: list[Any] = [UserModel.failed_attempts.set(0), UserModel.locked_until.remove()]
        if audit is None:
            self._update_existing(tenant, username, actions)
            return

        def build(tx: TransactWrite) -> None:
            tx.update(UserModel(keys.user_pk(tenant, username)), actions=actions,
                      condition=_EXISTS)
            tx.save(audit_item(audit), condition=NEW_EVENT, return_values="ALL_OLD")

        def landed(reasons: Reasons) -> bool:
            # Only the event's own (new, random) id was taken, by this very event: a
            # try whose answer was lost made both.
            failed = [r for r in reasons if r is not None and r.code == _CONDITION_FAILED]
            return len(failed) == 1 and any(
                text(item, "event_id") == audit.id
                for item in returned_all(reasons, keys.tenant_pk(tenant)))

        if not transact(self._connection, build, token=audit.id[:36], landed=landed):
            raise NotFound(f"User {username} does not exist.")

    def subject(self, tenant: str, username: str, new_subject: str) -> str | None:
        pk = keys.user_pk(tenant, username)
        try:
            found = UserModel.get(pk, consistent_read=True, attributes_to_get=["pk", "subject"])
        except UserModel.DoesNotExist:
            return None
        if found.subject:
            return found.subject
        # Users made before subjects existed get one at first use; if_not_exists keeps
        # whichever of two racing first uses landed first (and a retry keeps its own).
        item = UserModel(pk)
        if not applied(lambda: item.update(
                actions=[UserModel.subject.set(UserModel.subject | new_subject)],
                condition=_EXISTS)):
            return None
        return item.subject

    def _update_existing(self, tenant: str, username: str, actions: list[Any]) -> None:
        if not applied(lambda: UserModel(keys.user_pk(tenant, username)).update(
                actions=actions, condition=_EXISTS)):
            raise NotFound(f"User {username} does not exist.")


def user_item(pk: str) -> UserModel | None:
    """A user's item as stored (a consistent read), or None."""
    try:
        return UserModel.get(pk, consistent_read=True)
    except UserModel.DoesNotExist:
        return None


def user_of(item: UserModel) -> User:
    return User(tenant=item.tenant, username=item.username, password_hash=item.password_hash,
                created_at=float(item.created_at), totp_secret=item.totp_secret,
                totp_last_step=None if item.totp_last_step is None else int(item.totp_last_step),
                failed_attempts=int(item.failed_attempts or 0),
                locked_until=None if item.locked_until is None else float(item.locked_until),
                subject=item.subject, email=item.email,
                totp_pending=pending_of(item))


def pending_of(item: UserModel | None) -> PendingTotp | None:
    """The authenticator set-up pending on a user's item, if any."""
    if item is None or item.totp_pending_secret is None:
        return None
    return PendingTotp(secret=item.totp_pending_secret,
                       expires_at=float(item.totp_pending_expires_at or 0),
                       attempts=int(item.totp_pending_attempts or 0))
