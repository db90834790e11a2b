"""The second-factor step's storage: two round trips and three requests in all.

1. At once: count the attempt on the user's item (and on the login flow, a map on
   the same item), which returns the user as stored; and read the code set.
2. After the check, one TransactWriteItems: spend the code (or claim the TOTP step),
   clear the count and close the flow, and put the new session, conditional on the
   second factor being the one read.
"""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.operand import Path
from pynamodb.transactions import TransactWrite

from ...core.model import Session
from ...core.ports import SecondFactorStart, SecondFactorState, SignInSuccess
from .. import keys
from ..attempts import Counter, Guard, counted, reserve
from ..conditional import Reasons, applied, returned, text, transact
from ..models import CodeSetModel, SessionModel, UsageMap, UserModel
from ..times import utc
from .audit import NEW_EVENT, audit_item
from .code_sets import ENABLED, DynamoCodeSetRepository, code_path, generation_is
from .users import user_item, user_of

SECOND_FACTOR = Counter(failures=UserModel.failed_attempts,
                        locked_until=UserModel.locked_until, attempt=UserModel.attempt,
                        exists=UserModel.pk.exists(), holds_at_ceiling=False)
# A flow that signed in: far above any attempt limit, so its condition refuses it.
FLOW_USED = 1_000_000
# Expired flows cleared by one success, at most: bounds the update expression.
MAX_FLOWS_CLEARED = 20


def _flow(flow_id: str) -> Path:
    # `flows` is a raw map keyed by flow id: indexing it gives a document path.
    path: Path = UserModel.flows[flow_id]  # type: ignore[assignment]
    return path


class DynamoSignInStore:
    def __init__(self, connection: Connection, code_sets: DynamoCodeSetRepository,
                 parallel: Executor) -> None:
        self._connection = connection
        self._code_sets = code_sets
        self._parallel = parallel

    def begin(self, start: SecondFactorStart) -> SecondFactorState:
        code_set = self._parallel.submit(self._code_sets.get, start.tenant, start.username)
        item = self._count(start)
        found = code_set.result()
        state = counted(item, SECOND_FACTOR, start.reservation)
        if item is None:
            return SecondFactorState("no_user", state)
        if not state.allowed:
            spent = _flow_attempts(item, start.flow_id) >= start.max_flow_attempts
            return SecondFactorState("flow_spent" if spent else "locked", state)
        return SecondFactorState("allowed", state, user_of(item), found,
                                 _expired_flows(item, start.reservation.now))

    def _count(self, start: SecondFactorStart) -> UserModel | None:
        pk = keys.user_pk(start.tenant, start.username)
        flow = _flow(start.flow_id)
        guard: Guard[UserModel] = Guard(
            condition=flow.does_not_exist() | (flow < start.max_flow_attempts),
            refuses=lambda item: _flow_attempts(item, start.flow_id) >= start.max_flow_attempts,
            actions=[flow.set((flow | 0) + 1)])

        def read() -> UserModel | None:
            return user_item(pk)

        try:
            return reserve(lambda: UserModel(pk), read, SECOND_FACTOR, start.reservation, guard)
        except UpdateError as error:
            # A user made before login flows were counted has no `flows` map, and
            # DynamoDB cannot set a key in a map that is not there: make it, once.
            if error.cause_response_code != "ValidationException" or not _add_flows_map(pk):
                raise
            return reserve(lambda: UserModel(pk), read, SECOND_FACTOR, start.reservation, guard)

    def succeed(self, success: SignInSuccess) -> bool:
        session = success.session
        session_pk = keys.session_pk(session.tenant, session.token_hash)

        def build(transaction: TransactWrite) -> None:
            self._write_code_set(transaction, success)
            self._close_flow(transaction, success)
            transaction.save(session_item(session), condition=SessionModel.pk.does_not_exist(),
                             return_values="ALL_OLD")
            if success.audit is not None:
                transaction.save(audit_item(success.audit), condition=NEW_EVENT)

        def landed(reasons: Reasons) -> bool:
            # The session's key is new to this request: found stored, the whole
            # transaction had landed on a try whose answer was lost.
            return text(returned(reasons, session_pk), "session_id") == session.session_id

        return transact(self._connection, build, token=session.session_id, landed=landed)

    @staticmethod
    def _write_code_set(transaction: TransactWrite, success: SignInSuccess) -> None:
        session = success.session
        pk = keys.code_set_pk(session.tenant, session.username)
        unchanged = generation_is(success.credential_generation)
        spend = success.spend
        if spend is None:
            # A TOTP sign-in writes nothing here, but loses to a change since the read.
            transaction.condition_check(CodeSetModel, pk, condition=unchanged)
            return
        used = UsageMap(at=spend.usage.at, ip=spend.usage.ip, user_agent=spend.usage.user_agent,
                        use_id=spend.use_id)
        # Removes the code's hash only while it is still there, in the set that was
        # read: of any number of concurrent spends, exactly one gets through.
        transaction.update(
            CodeSetModel(pk),
            actions=[code_path(spend.tag).remove(),
                     CodeSetModel.last_used_at.set(spend.usage.at),
                     CodeSetModel.usage.set((CodeSetModel.usage | []).append([used])),
                     CodeSetModel.language.set(spend.language)],
            condition=(code_path(spend.tag).exists() & (CodeSetModel.generation == spend.generation)
                       & ENABLED & unchanged))

    @staticmethod
    def _close_flow(transaction: TransactWrite, success: SignInSuccess) -> None:
        session = success.session
        flow = _flow(success.flow_id)
        actions: list[Any] = [UserModel.failed_attempts.set(0), UserModel.locked_until.remove(),
                              flow.set(FLOW_USED)]
        actions += [_flow(old).remove() for old in success.expired_flows[:MAX_FLOWS_CLEARED]]
        # The flow signs in once: a second success on it (another code, at the same
        # moment) is refused, and so is its spend.
        condition: Condition = UserModel.pk.exists() & (flow < FLOW_USED)
        if success.totp_step is not None:
            actions.append(UserModel.totp_last_step.set(success.totp_step))
            # A code is good once: its step (or a later one) claimed is refused.
            condition &= (UserModel.totp_last_step.does_not_exist()
                          | (UserModel.totp_last_step < success.totp_step))
        transaction.update(UserModel(keys.user_pk(session.tenant, session.username)),
                           actions=actions, condition=condition)


def session_item(session: Session) -> SessionModel:
    return SessionModel(
        keys.session_pk(session.tenant, session.token_hash),
        user_pk=keys.user_pk(session.tenant, session.username),
        session_id=session.session_id, tenant=session.tenant, username=session.username,
        created_at=session.created_at, last_seen_at=session.last_seen_at,
        authenticated_at=session.authenticated_at, expires_at=utc(session.expires_at),
        ip=session.ip, user_agent=session.user_agent,
        credential_generation=session.credential_generation, methods=list(session.methods),
        # Stored only when set: the attribute is absent on every ordinary session.
        mfa_setup_required=session.mfa_setup_required or None)


def _flow_attempts(item: UserModel, flow_id: str) -> int:
    return int((item.flows.as_dict() if item.flows is not None else {}).get(flow_id, 0))


def _expired_flows(item: UserModel, now: float) -> tuple[str, ...]:
    flows = item.flows.as_dict() if item.flows is not None else {}
    # A flow id leads with its expiry (functions/core/signin.py, LoginFlows.start).
    return tuple(flow_id for flow_id in flows
                 if flow_id.split(".", 1)[0].isdigit() and int(flow_id.split(".", 1)[0]) < now)


def _add_flows_map(pk: str) -> bool:
    """Give an item of the older shape its `flows` map; True once it has one (made here
    or by a concurrent request)."""
    applied(lambda: UserModel(pk).update(
        actions=[UserModel.flows.set({})],
        condition=UserModel.pk.exists() & UserModel.flows.does_not_exist()))
    return True
