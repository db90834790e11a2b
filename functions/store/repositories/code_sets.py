"""Code sets: one item per user. Every change to the user's second factor moves its
credential generation, in one transaction with the changing session, which keeps
its place under the new generation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from pynamodb.connection import Connection
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.operand import Path
from pynamodb.transactions import TransactWrite

from ...core.errors import (
    AlreadyEnabled,
    GenerationMismatch,
    NotEnabled,
    SecondFactorRequired,
    Unauthenticated,
)
from ...core.model import Change, CodeSet, Usage
from .. import keys
from ..conditional import Reasons, returned, returned_all, text, transact
from ..models import CodeSetModel, SessionModel, UserModel

# Conditions, named once. `== True` builds a PynamoDB condition, not a comparison.
ENABLED = CodeSetModel.enabled == True  # noqa: E712
DISABLED = CodeSetModel.enabled == False  # noqa: E712


def code_path(tag: str) -> Path:
    # `codes` is a raw map keyed by lookup tag: indexing it gives a document path.
    return cast(Path, CodeSetModel.codes[tag])


def generation_is(credential_generation: str | None) -> Condition:
    """The user's second factor is still the one read (None: never changed)."""
    if credential_generation is None:
        return CodeSetModel.credential_generation.does_not_exist()
    return CodeSetModel.credential_generation == credential_generation


class DynamoCodeSetRepository:
    def __init__(self, connection: Connection) -> None:
        self._changes = SecondFactorChanges(connection)

    def get(self, tenant: str, username: str) -> CodeSet | None:
        try:
            item = CodeSetModel.get(keys.code_set_pk(tenant, username), consistent_read=True)
        except CodeSetModel.DoesNotExist:
            return None
        return CodeSet(
            tenant=item.tenant, username=item.username, enabled=bool(item.enabled),
            generation=item.generation,
            hashes=dict(item.codes.as_dict()) if item.codes is not None else {},
            total=int(item.total), created_at=float(item.created_at),
            last_used_at=None if item.last_used_at is None else float(item.last_used_at),
            usage=[Usage(at=float(u.at), ip=u.ip, user_agent=u.user_agent)
                   for u in (item.usage or [])],
            key_version=int(item.key_version or 1),
            credential_generation=item.credential_generation)

    def add(self, code_set: CodeSet, change: Change) -> None:
        # A first set, or a set after a removal (the item stays as a disabled
        # tombstone); never over a set that is on.
        condition = CodeSetModel.pk.does_not_exist() | DISABLED
        if not self._changes.commit(
                code_set.tenant, code_set.username, change,
                lambda tx: tx.save(self._item(code_set, change), condition=condition,
                                   return_values="ALL_OLD")):
            raise AlreadyEnabled()

    def replace(self, code_set: CodeSet, expected_generation: str, change: Change) -> None:
        # The whole new set in one conditional put: it lands only over the
        # generation the user saw, so two regenerations cannot both win and
        # the codes shown are always the codes stored.
        condition = ENABLED & (CodeSetModel.generation == expected_generation)
        if not self._changes.commit(
                code_set.tenant, code_set.username, change,
                lambda tx: tx.save(self._item(code_set, change), condition=condition,
                                   return_values="ALL_OLD")):
            self._raise_lost_race(code_set.tenant, code_set.username)

    def remove(self, tenant: str, username: str, expected_generation: str, change: Change,
               *, keep_a_factor: bool = False) -> None:
        # The item stays, disabled, so the stream record says who removed it.
        actions = [CodeSetModel.enabled.set(False),
                   CodeSetModel.generation.set(change.credential_generation),
                   CodeSetModel.codes.remove(), CodeSetModel.usage.remove(),
                   CodeSetModel.last_used_at.remove(), CodeSetModel.total.set(0),
                   *change_actions(change)]
        condition = ENABLED & (CodeSetModel.generation == expected_generation)

        def write(tx: TransactWrite) -> None:
            tx.update(CodeSetModel(keys.code_set_pk(tenant, username)), actions=actions,
                      condition=condition, return_values="ALL_OLD")
            if keep_a_factor:
                # Removed together, the authenticator and the codes would leave nothing.
                tx.condition_check(UserModel, keys.user_pk(tenant, username),
                                   condition=UserModel.totp_secret.exists())

        if not self._changes.commit(tenant, username, change, write):
            current = self.get(tenant, username)
            if (keep_a_factor and current is not None and current.enabled
                    and current.generation == expected_generation):
                raise SecondFactorRequired()
            self._raise_lost_race(tenant, username)

    def _raise_lost_race(self, tenant: str, username: str) -> None:
        current = self.get(tenant, username)
        if current is None or not current.enabled:
            raise NotEnabled()
        raise GenerationMismatch()

    @staticmethod
    def _item(code_set: CodeSet, change: Change) -> CodeSetModel:
        return CodeSetModel(
            keys.code_set_pk(code_set.tenant, code_set.username), tenant=code_set.tenant,
            username=code_set.username, enabled=code_set.enabled, generation=code_set.generation,
            codes=code_set.hashes, total=code_set.total, created_at=code_set.created_at,
            usage=[], key_version=code_set.key_version,
            credential_generation=change.credential_generation, change=change.kind,
            changed_by=change.session_ref, changed_at=change.at,
            changed_ip=change.context.ip if change.context else None,
            changed_user_agent=change.context.user_agent if change.context else None,
            language=change.context.language if change.context else None)


def change_actions(change: Change) -> list[Any]:
    """What every change writes on the code-set item: its kind, the session that made it
    (the purge keeps that one), when, the credential generation it moves to, and where
    it came from (the security emails say so)."""
    context = change.context
    # An update keeps what it does not name: where an earlier change came from must
    # not pass for this one's.
    origin = ([CodeSetModel.changed_ip.set(context.ip),
               CodeSetModel.changed_user_agent.set(context.user_agent),
               CodeSetModel.language.set(context.language)] if context is not None
              else [CodeSetModel.changed_ip.remove(), CodeSetModel.changed_user_agent.remove()])
    return [CodeSetModel.change.set(change.kind),
            CodeSetModel.changed_by.set(change.session_ref),
            CodeSetModel.changed_at.set(change.at),
            CodeSetModel.credential_generation.set(change.credential_generation), *origin]


class SecondFactorChanges:
    """Every change to a user's second factor (`write`: its items, the code-set item
    among them) and the changing session's move to the new generation, as one
    transaction; a retry recognises its own new generation."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def commit(self, tenant: str, username: str, change: Change,
               write: Callable[[TransactWrite], None],
               session_actions: Sequence[Any] = ()) -> bool:
        """False when a condition of the change failed; Unauthenticated when the session
        is gone (signed out or purged meanwhile): then nothing changed."""
        code_set_pk = keys.code_set_pk(tenant, username)
        session_pk = keys.session_pk(tenant, change.session_ref)

        def build(transaction: TransactWrite) -> None:
            write(transaction)
            transaction.update(
                SessionModel(session_pk),
                actions=[SessionModel.credential_generation.set(change.credential_generation),
                         *session_actions],
                condition=SessionModel.pk.exists(), return_values="ALL_OLD")

        def landed(reasons: Reasons) -> bool:
            # The new credential generation is unique to this request: found stored, a
            # try whose answer was lost had made the change. (The user's item has the
            # code set's key too, in its own table, and no credential generation.)
            if any(text(found, "credential_generation") == change.credential_generation
                   for found in returned_all(reasons, code_set_pk)):
                return True
            if returned(reasons, session_pk) is None and _session_refused(reasons):
                raise Unauthenticated()
            return False

        return transact(self._connection, build, token=change.credential_generation[:36],
                        landed=landed)


def _session_refused(reasons: Reasons) -> bool:
    # The session's update is the transaction's last item (PynamoDB sends puts,
    # then updates, in the order they were added).
    last = reasons[-1] if reasons else None
    return last is not None and last.code == "ConditionalCheckFailed"
