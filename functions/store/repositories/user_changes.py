"""An operator's or administrator's change to a user, as one transaction: the
credential generation moves on the code-set item (so every session is refused at
once, and the stream purges them and tells the applications), with what the change
removes from the user's item, or the user's item deleted."""

from __future__ import annotations

from typing import Any

from pynamodb.connection import Connection
from pynamodb.transactions import TransactWrite

from ...core.model import Change
from ...core.ports import UserChange
from .. import keys
from ..conditional import Reasons, returned, text, transact
from ..models import CodeSetModel, UserModel
from .audit import NEW_EVENT, audit_item
from .code_sets import change_actions

_USER_EXISTS = UserModel.pk.exists()
# What an authenticator leaves on the user's item; and a lock (a reset starts clean).
_AUTHENTICATOR = (UserModel.totp_secret, UserModel.totp_last_step,
                  UserModel.totp_pending_secret, UserModel.totp_pending_expires_at,
                  UserModel.totp_pending_attempts, UserModel.totp_pending_attempt,
                  UserModel.locked_until)


class DynamoUserChanges:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def apply(self, user_change: UserChange) -> bool:
        """False when there is no such user; the change made otherwise (a retry
        recognises its own new credential generation)."""
        tenant, username, change = user_change.tenant, user_change.username, user_change.change
        code_set_pk = keys.code_set_pk(tenant, username)
        exists = _code_set_exists(code_set_pk)

        def build(tx: TransactWrite) -> None:
            _user_part(tx, keys.user_pk(tenant, username), user_change)
            if exists:
                actions = change_actions(change)
                if user_change.remove_codes:
                    actions += _codes_removed(change)
                tx.update(CodeSetModel(code_set_pk), actions=actions,
                          condition=CodeSetModel.pk.exists(), return_values="ALL_OLD")
            else:
                tx.save(_tombstone(tenant, username, change),
                        condition=CodeSetModel.pk.does_not_exist(), return_values="ALL_OLD")
            if user_change.audit is not None:
                tx.save(audit_item(user_change.audit), condition=NEW_EVENT)

        def landed(reasons: Reasons) -> bool:
            # A retried deletion fails on the user's item, which is gone and returns
            # nothing: the code set, read again, says whether this change made it.
            generation = text(returned(reasons, code_set_pk), "credential_generation")
            if generation is None:
                generation = _credential_generation(code_set_pk)
            return generation == change.credential_generation

        return transact(self._connection, build, token=change.credential_generation[:36],
                        landed=landed)


def _credential_generation(pk: str) -> str | None:
    try:
        item = CodeSetModel.get(pk, consistent_read=True,
                                attributes_to_get=["credential_generation"])
    except CodeSetModel.DoesNotExist:
        return None
    return item.credential_generation


def _code_set_exists(pk: str) -> bool:
    try:
        CodeSetModel.get(pk, consistent_read=True, attributes_to_get=["pk"])
    except CodeSetModel.DoesNotExist:
        return False
    return True


def _user_part(tx: TransactWrite, pk: str, user_change: UserChange) -> None:
    actions: list[Any] = []
    if user_change.remove_authenticator:
        actions += [*(attribute.remove() for attribute in _AUTHENTICATOR),
                    UserModel.failed_attempts.set(0)]
    if user_change.password_hash is not None:
        actions.append(UserModel.password_hash.set(user_change.password_hash))
    if user_change.delete_user:
        tx.delete(UserModel(pk), condition=_USER_EXISTS)
    elif actions:
        tx.update(UserModel(pk), condition=_USER_EXISTS, actions=actions)
    else:
        tx.condition_check(UserModel, pk, condition=_USER_EXISTS)


def _codes_removed(change: Change) -> list[Any]:
    return [CodeSetModel.enabled.set(False),
            CodeSetModel.generation.set(change.credential_generation),
            CodeSetModel.codes.remove(), CodeSetModel.usage.remove(),
            CodeSetModel.last_used_at.remove(), CodeSetModel.total.set(0)]


def _tombstone(tenant: str, username: str, change: Change) -> CodeSetModel:
    """The item a user without one gets from their first change: disabled, no codes."""
    return CodeSetModel(
        keys.code_set_pk(tenant, username), tenant=tenant, username=username, enabled=False,
        generation=change.credential_generation, codes=None, total=0, created_at=change.at,
        usage=[], credential_generation=change.credential_generation, change=change.kind,
        changed_by=change.session_ref, changed_at=change.at)
