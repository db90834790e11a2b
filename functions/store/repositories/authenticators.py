"""The authenticator on the user's item: a pending set-up, its counted confirmations,
and the authenticator itself.

Activating and removing it are changes to the second factor: one transaction of the
user's item, the code-set item (its credential generation moves; a user without one
gets a disabled item, as a removal of codes leaves) and the changing session
(code_sets.SecondFactorChanges).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pynamodb.connection import Connection
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from ...core.errors import Unauthenticated
from ...core.model import Change, PendingTotp, TotpActivation
from ...core.ports import PendingCount
from .. import keys
from ..conditional import applied
from ..models import CodeSetModel, SessionModel, UserModel
from .code_sets import ENABLED, SecondFactorChanges, change_actions, generation_is
from .users import pending_of, user_item

_PENDING = (UserModel.totp_pending_secret, UserModel.totp_pending_expires_at,
            UserModel.totp_pending_attempts, UserModel.totp_pending_attempt)
_EXISTS = UserModel.pk.exists()


class DynamoAuthenticatorRepository:
    def __init__(self, connection: Connection) -> None:
        self._changes = SecondFactorChanges(connection)

    def start(self, tenant: str, username: str, pending: PendingTotp) -> None:
        # Replaces any earlier set-up, and its count. A retry writes the same values
        # again, so it needs no marker.
        actions: list[Any] = [UserModel.totp_pending_secret.set(pending.secret),
                              UserModel.totp_pending_expires_at.set(pending.expires_at),
                              UserModel.totp_pending_attempts.set(0),
                              UserModel.totp_pending_attempt.remove()]
        if not applied(lambda: UserModel(keys.user_pk(tenant, username)).update(
                actions=actions, condition=_EXISTS)):
            raise Unauthenticated()  # the user was deleted while signed in

    def count_confirmation(self, tenant: str, username: str, attempt_id: str, now: float,
                           max_attempts: int) -> PendingCount:
        pk = keys.user_pk(tenant, username)
        item = UserModel(pk)
        attempt = UserModel.totp_pending_attempt
        # Counted only on a set-up that is there, unexpired and not used up; the
        # attempt's id makes a retried count recognise itself rather than count twice.
        condition = (_EXISTS & UserModel.totp_pending_secret.exists()
                     & (UserModel.totp_pending_expires_at > now)
                     & (UserModel.totp_pending_attempts < max_attempts)
                     & (attempt.does_not_exist() | (attempt != attempt_id)))
        read: list[UserModel | None] = []

        def landed() -> bool:
            read.append(user_item(pk))
            return read[0] is not None and read[0].totp_pending_attempt == attempt_id

        if applied(lambda: item.update(actions=[UserModel.totp_pending_attempts.add(1),
                                                attempt.set(attempt_id)], condition=condition),
                   landed=landed):
            return PendingCount(True, pending_of(read[0] if read else item))
        return PendingCount(False, pending_of(read[0]))

    def discard(self, tenant: str, username: str, secret: str) -> None:
        # Only the set-up of this secret: a newer one stays. Already gone is done.
        applied(lambda: UserModel(keys.user_pk(tenant, username)).update(
            actions=[attribute.remove() for attribute in _PENDING],
            condition=UserModel.totp_pending_secret == secret))

    def activate(self, tenant: str, username: str, activation: TotpActivation, change: Change,
                 over: str | None) -> bool:
        actions: list[Any] = [UserModel.totp_secret.set(activation.secret),
                              UserModel.totp_enabled.set(True),
                              # The confirming code's step is claimed: it cannot sign in.
                              UserModel.totp_last_step.set(activation.step),
                              *[attribute.remove() for attribute in _PENDING]]
        # The set-up confirmed is still the pending one, and still in time.
        condition = (_EXISTS & (UserModel.totp_pending_secret == activation.secret)
                     & (UserModel.totp_pending_expires_at > activation.now))
        # Confirming lifts a require_mfa session's restriction: it has a factor now.
        return self._commit(_Plan(tenant, username, change, over, actions, condition,
                                  session_actions=(SessionModel.mfa_setup_required.remove(),)))

    def remove(self, tenant: str, username: str, change: Change, over: str | None,
               keep_a_factor: bool) -> bool:
        actions: list[Any] = [UserModel.totp_secret.remove(), UserModel.totp_enabled.set(False),
                              UserModel.totp_last_step.remove()]
        return self._commit(_Plan(tenant, username, change, over, actions,
                                  UserModel.totp_secret.exists(), codes_on=keep_a_factor))

    def _commit(self, plan: _Plan) -> bool:
        if plan.over is not None or plan.codes_on:
            return self._transact(plan, _update_code_set)
        # No credential generation yet: most often no code-set item either, made here
        # as a disabled one (a put: the item is whole in its stream record) ...
        if self._transact(plan, _put_code_set):
            return True
        # ... or an item from before credential generations, which is updated instead.
        try:
            found = CodeSetModel.get(keys.code_set_pk(plan.tenant, plan.username),
                                     consistent_read=True)
        except CodeSetModel.DoesNotExist:
            return False
        return found.credential_generation is None and self._transact(plan, _update_code_set)

    def _transact(self, plan: _Plan, code_set: Callable[[TransactWrite, _Plan], None]) -> bool:
        def write(transaction: TransactWrite) -> None:
            transaction.update(UserModel(keys.user_pk(plan.tenant, plan.username)),
                               actions=plan.user_actions, condition=plan.user_condition,
                               return_values="ALL_OLD")
            code_set(transaction, plan)

        return self._changes.commit(plan.tenant, plan.username, plan.change, write,
                                    plan.session_actions)


@dataclass(frozen=True)
class _Plan:
    """A change of the authenticator: what it writes on the user's item, over which
    credential generation (as the changing session read it), and what else it needs."""

    tenant: str
    username: str
    change: Change
    over: str | None
    user_actions: list[Any]
    user_condition: Condition
    # Under require_mfa a removal needs the backup codes on, as the user's factor:
    # checked in the transaction, so removing the codes at the same moment cannot
    # leave the user with neither.
    codes_on: bool = False
    session_actions: tuple[Any, ...] = ()


def _update_code_set(transaction: TransactWrite, plan: _Plan) -> None:
    # Over the generation read: a change since then wins, and a retry of a try that
    # landed finds its own generation instead (SecondFactorChanges recognises it).
    condition = CodeSetModel.pk.exists() & generation_is(plan.over)
    if plan.codes_on:
        condition &= ENABLED
    transaction.update(CodeSetModel(keys.code_set_pk(plan.tenant, plan.username)),
                       actions=change_actions(plan.change), condition=condition,
                       return_values="ALL_OLD")


def _put_code_set(transaction: TransactWrite, plan: _Plan) -> None:
    change = plan.change
    # A disabled item, as a removal of codes leaves, carrying the change.
    item = CodeSetModel(keys.code_set_pk(plan.tenant, plan.username), tenant=plan.tenant,
                        username=plan.username, enabled=False,
                        generation=change.credential_generation, total=0, created_at=change.at,
                        credential_generation=change.credential_generation, change=change.kind,
                        changed_by=change.session_ref, changed_at=change.at)
    transaction.save(item, condition=CodeSetModel.pk.does_not_exist(), return_values="ALL_OLD")
