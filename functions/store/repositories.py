"""DynamoDB implementations of the domain's repositories, over the PynamoDB models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from pynamodb.exceptions import PutError, UpdateError
from pynamodb.expressions.operand import Path

from ..core.errors import AlreadyEnabled, Conflict, GenerationMismatch, NotEnabled, NotFound
from ..core.model import Change, CodeSet, LoginFlow, Session, Tenant, Usage, User
from ..core.policy import LOCKOUT_CEILING, TenantPolicy
from . import keys
from .models import (
    CodeSetModel,
    LoginFlowModel,
    SessionModel,
    SessionsByUser,
    TenantModel,
    UsageMap,
    UserModel,
)


def _condition_failed(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


def _epoch(value: datetime | None) -> float:
    return value.timestamp() if value is not None else 0.0


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


class DynamoTenantRepository:
    def get(self, tenant_id: str) -> tuple[Tenant, TenantPolicy] | None:
        try:
            item = TenantModel.get(keys.tenant_pk(tenant_id))
        except TenantModel.DoesNotExist:
            return None
        return self._from_item(tenant_id, item)

    def create(self, tenant: Tenant, policy: TenantPolicy) -> None:
        item = TenantModel(keys.tenant_pk(tenant.tenant_id), display_name=tenant.display_name,
                           created_at=tenant.created_at, policy=policy.to_dict())
        try:
            item.save(condition=TenantModel.pk.does_not_exist())
        except PutError as error:
            if _condition_failed(error):
                raise Conflict(f"Tenant {tenant.tenant_id} already exists.") from error
            raise

    def set_policy(self, tenant_id: str, policy: TenantPolicy) -> None:
        try:
            TenantModel(keys.tenant_pk(tenant_id)).update(
                actions=[TenantModel.policy.set(policy.to_dict())],
                condition=TenantModel.pk.exists())
        except UpdateError as error:
            if _condition_failed(error):
                raise NotFound(f"Tenant {tenant_id} does not exist.") from error
            raise

    def list_tenants(self) -> list[tuple[Tenant, TenantPolicy]]:
        # Operator-only: tenants are few, a scan is the honest query.
        return sorted((self._from_item(item.pk.split("#", 1)[1], item)
                       for item in TenantModel.scan()), key=lambda pair: pair[0].tenant_id)

    @staticmethod
    def _from_item(tenant_id: str, item: TenantModel) -> tuple[Tenant, TenantPolicy]:
        policy = TenantPolicy.from_dict(
            {k: int(v) if isinstance(v, float) else v for k, v in item.policy.as_dict().items()})
        return Tenant(tenant_id, item.display_name, float(item.created_at)), policy


class DynamoUserRepository:
    def get(self, tenant: str, username: str) -> User | None:
        try:
            item = UserModel.get(keys.user_pk(tenant, username), consistent_read=True)
        except UserModel.DoesNotExist:
            return None
        return self._from_item(item)

    def create(self, user: User) -> None:
        item = UserModel(keys.user_pk(user.tenant, user.username), tenant=user.tenant,
                         username=user.username, password_hash=user.password_hash,
                         totp_secret=user.totp_secret, totp_enabled=user.totp_enabled,
                         failed_attempts=0, created_at=user.created_at)
        try:
            item.save(condition=UserModel.pk.does_not_exist())
        except PutError as error:
            if _condition_failed(error):
                raise Conflict(f"User {user.username} already exists.") from error
            raise

    def list_users(self, tenant: str) -> list[User]:
        return [User(tenant=item.tenant, username=item.username, password_hash="",
                     created_at=float(item.created_at),
                     totp_secret="set" if item.totp_enabled else None)
                for item in UserModel.by_tenant.query(tenant)]

    def set_password_hash(self, tenant: str, username: str, password_hash: str) -> None:
        self._update_existing(tenant, username, [UserModel.password_hash.set(password_hash)])

    def reserve_attempt(self, tenant: str, username: str, now: float, lock_from: int,
                        hold_until: float) -> tuple[bool, User | None]:
        # Counted before the code is checked, under a condition that refuses a
        # locked user: concurrent guesses cannot slip past the threshold or the
        # ceiling, and an old login flow gives a locked user nothing.
        item = UserModel(keys.user_pk(tenant, username))
        unlocked = UserModel.locked_until.does_not_exist() | (UserModel.locked_until <= now)
        try:
            # Well below the threshold, attempts just count and may run side by side.
            item.update(actions=[UserModel.failed_attempts.add(1)],
                        condition=(UserModel.pk.exists()
                                   & (UserModel.failed_attempts < lock_from - 1) & unlocked))
            # update() returns the item as written (ALL_NEW) into `item`.
            return True, self._from_item(item)
        except UpdateError as error:
            if not _condition_failed(error):
                raise
        try:
            # The attempt that reaches the threshold, and each one after it, also
            # locks while it is checked: of a burst, only it gets through. A
            # failure replaces the hold with the back-off; a success clears it.
            item.update(actions=[UserModel.failed_attempts.add(1),
                                 UserModel.locked_until.set(hold_until)],
                        condition=(UserModel.pk.exists()
                                   & (UserModel.failed_attempts < LOCKOUT_CEILING) & unlocked))
        except UpdateError as error:
            if not _condition_failed(error):
                raise
            return False, self.get(tenant, username)
        return True, self._from_item(item)

    def lock_until(self, tenant: str, username: str, until: float | None) -> None:
        if until is not None:
            self._update_existing(tenant, username, [UserModel.locked_until.set(until)])

    def reset_failures(self, tenant: str, username: str) -> None:
        self._update_existing(tenant, username, [UserModel.failed_attempts.set(0),
                                                 UserModel.locked_until.remove()])

    def claim_totp_step(self, tenant: str, username: str, step: int) -> bool:
        try:
            UserModel(keys.user_pk(tenant, username)).update(
                actions=[UserModel.totp_last_step.set(step)],
                condition=(UserModel.pk.exists()
                           & (UserModel.totp_last_step.does_not_exist()
                              | (UserModel.totp_last_step < step))),
            )
        except UpdateError as error:
            if _condition_failed(error):
                return False
            raise
        return True

    def _update_existing(self, tenant: str, username: str, actions: list[Any]) -> None:
        try:
            UserModel(keys.user_pk(tenant, username)).update(
                actions=actions, condition=UserModel.pk.exists())
        except UpdateError as error:
            if _condition_failed(error):
                raise NotFound(f"User {username} does not exist.") from error
            raise

    @staticmethod
    def _from_item(item: UserModel) -> User:
        return User(tenant=item.tenant, username=item.username,
                    password_hash=item.password_hash, created_at=float(item.created_at),
                    totp_secret=item.totp_secret,
                    totp_last_step=None if item.totp_last_step is None
                    else int(item.totp_last_step),
                    failed_attempts=int(item.failed_attempts or 0),
                    locked_until=None if item.locked_until is None else float(item.locked_until))


class DynamoCodeSetRepository:
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
                   for u in (item.usage or [])])

    def add(self, code_set: CodeSet, change: Change) -> None:
        try:
            # A first set, or a set after a removal (the item stays as a
            # disabled tombstone); never over a set that is on.
            self._item(code_set, change).save(
                condition=CodeSetModel.pk.does_not_exist() | (CodeSetModel.enabled == False))  # noqa: E712
        except PutError as error:
            if _condition_failed(error):
                raise AlreadyEnabled() from error
            raise

    def replace(self, code_set: CodeSet, expected_generation: str, change: Change) -> None:
        try:
            # The whole new set in one conditional put: it lands only over the
            # generation the user saw, so two regenerations cannot both win and
            # the codes shown are always the codes stored.
            self._item(code_set, change).save(
                condition=(CodeSetModel.enabled == True)  # noqa: E712
                & (CodeSetModel.generation == expected_generation))
        except PutError as error:
            if _condition_failed(error):
                self._raise_lost_race(code_set.tenant, code_set.username, error)
            raise

    def remove(self, tenant: str, username: str, expected_generation: str,
               new_generation: str, change: Change) -> None:
        try:
            # The item stays, disabled, so the stream record says who removed it.
            CodeSetModel(keys.code_set_pk(tenant, username)).update(
                actions=[CodeSetModel.enabled.set(False),
                         CodeSetModel.generation.set(new_generation),
                         CodeSetModel.codes.remove(), CodeSetModel.usage.remove(),
                         CodeSetModel.last_used_at.remove(), CodeSetModel.total.set(0),
                         *self._change_actions(change)],
                condition=(CodeSetModel.enabled == True)  # noqa: E712
                & (CodeSetModel.generation == expected_generation))
        except UpdateError as error:
            if _condition_failed(error):
                self._raise_lost_race(tenant, username, error)
            raise

    def consume(self, tenant: str, username: str, tag: str, generation: str,
                usage: Usage) -> bool:
        used = UsageMap(at=usage.at, ip=usage.ip, user_agent=usage.user_agent)
        try:
            # Removes the code's hash only while it is still there and the set is
            # still the generation that was read: exactly one concurrent spend wins.
            CodeSetModel(keys.code_set_pk(tenant, username)).update(
                actions=[_code_path(tag).remove(),
                         CodeSetModel.last_used_at.set(usage.at),
                         CodeSetModel.usage.set((CodeSetModel.usage | []).append([used]))],
                condition=(_code_path(tag).exists()
                           & (CodeSetModel.generation == generation)
                           & (CodeSetModel.enabled == True)))  # noqa: E712
        except UpdateError as error:
            if _condition_failed(error):
                return False
            raise
        return True

    def _raise_lost_race(self, tenant: str, username: str, error: Exception) -> None:
        current = self.get(tenant, username)
        if current is None or not current.enabled:
            raise NotEnabled() from error
        raise GenerationMismatch() from error

    @staticmethod
    def _change_actions(change: Change) -> list[Any]:
        return [CodeSetModel.change.set(change.kind),
                CodeSetModel.changed_by.set(change.session_ref),
                CodeSetModel.changed_at.set(change.at)]

    @staticmethod
    def _item(code_set: CodeSet, change: Change) -> CodeSetModel:
        return CodeSetModel(
            keys.code_set_pk(code_set.tenant, code_set.username), tenant=code_set.tenant,
            username=code_set.username, enabled=code_set.enabled, generation=code_set.generation,
            codes=code_set.hashes, total=code_set.total, created_at=code_set.created_at,
            usage=[], change=change.kind, changed_by=change.session_ref, changed_at=change.at)


def _code_path(tag: str) -> Path:
    # `codes` is a raw map keyed by lookup tag: indexing it gives a document path.
    return cast(Path, CodeSetModel.codes[tag])


class DynamoSessionRepository:
    def create(self, session: Session) -> None:
        SessionModel(
            keys.session_pk(session.tenant, session.token_hash),
            user_pk=keys.user_pk(session.tenant, session.username),
            session_id=session.session_id, tenant=session.tenant, username=session.username,
            created_at=session.created_at, last_seen_at=session.last_seen_at,
            authenticated_at=session.authenticated_at, expires_at=_dt(session.expires_at),
            ip=session.ip, user_agent=session.user_agent,
        ).save()

    def get(self, tenant: str, token_hash: str) -> Session | None:
        try:
            item = SessionModel.get(keys.session_pk(tenant, token_hash), consistent_read=True)
        except SessionModel.DoesNotExist:
            return None
        return Session(tenant=item.tenant, username=item.username, token_hash=token_hash,
                       session_id=item.session_id, created_at=float(item.created_at),
                       last_seen_at=float(item.last_seen_at),
                       authenticated_at=float(item.authenticated_at),
                       expires_at=_epoch(item.expires_at), ip=item.ip, user_agent=item.user_agent)

    def touch(self, session: Session, now: float, expires_at: float) -> bool:
        return self._update_live(session, [SessionModel.last_seen_at.set(now),
                                           SessionModel.expires_at.set(_dt(expires_at))])

    def mark_authenticated(self, session: Session, now: float) -> None:
        self._update_live(session, [SessionModel.authenticated_at.set(now),
                                    SessionModel.reauth_failures.remove()])

    def count_reauth_failure(self, session: Session) -> int | None:
        item = SessionModel(keys.session_pk(session.tenant, session.token_hash))
        try:
            item.update(actions=[SessionModel.reauth_failures.add(1)],
                        condition=SessionModel.pk.exists())
        except UpdateError as error:
            if _condition_failed(error):
                return None
            raise
        return int(item.reauth_failures or 0)

    def delete(self, tenant: str, token_hash: str) -> None:
        SessionModel(keys.session_pk(tenant, token_hash)).delete()

    def list_for_user(self, tenant: str, username: str) -> list[Session]:
        return [
            Session(tenant=tenant, username=username,
                    token_hash=keys.token_hash_of_session_pk(item.pk),
                    session_id=item.session_id, created_at=float(item.created_at),
                    last_seen_at=float(item.last_seen_at), authenticated_at=0.0,
                    expires_at=_epoch(item.expires_at), ip=item.ip, user_agent=item.user_agent)
            for item in SessionModel.by_user.query(keys.user_pk(tenant, username))
        ]

    def purge_user(self, tenant: str, username: str, created_before: float,
                   keep_token_hash: str | None) -> int:
        """Delete the user's sessions opened before a change, but the kept one.

        Sessions opened after the change survive, so a record delivered twice,
        or late, never ends a sign-in that came after it.
        """
        keep_pk = keys.session_pk(tenant, keep_token_hash) if keep_token_hash else None
        doomed = [item.pk for item in SessionModel.by_user.query(
            keys.user_pk(tenant, username),
            range_key_condition=SessionsByUser.created_at <= created_before,
            attributes_to_get=["pk"]) if item.pk != keep_pk]
        # batch_write sends groups of 25 and retries unprocessed items itself.
        with SessionModel.batch_write() as batch:
            for pk in doomed:
                batch.delete(SessionModel(pk))
        return len(doomed)

    def _update_live(self, session: Session, actions: list[Any]) -> bool:
        try:
            SessionModel(keys.session_pk(session.tenant, session.token_hash)).update(
                actions=actions, condition=SessionModel.pk.exists())
        except UpdateError as error:
            if _condition_failed(error):
                return False
            raise
        return True


class DynamoLoginFlowRepository:
    def create(self, flow: LoginFlow) -> None:
        LoginFlowModel(keys.flow_pk(flow.tenant, flow.flow_hash), tenant=flow.tenant,
                       username=flow.username, attempts=0, created_at=flow.created_at,
                       expires_at=_dt(flow.expires_at)).save()

    def reserve_attempt(self, tenant: str, flow_hash: str, now: float,
                        max_attempts: int) -> LoginFlow | None:
        item = LoginFlowModel(keys.flow_pk(tenant, flow_hash))
        try:
            # A flow lives for a few minutes and a few attempts; TTL deletion is
            # lazy, so expiry is also part of the condition.
            item.update(
                actions=[LoginFlowModel.attempts.add(1)],
                condition=(LoginFlowModel.pk.exists()
                           & (LoginFlowModel.attempts < max_attempts)
                           & (LoginFlowModel.expires_at > _dt(now))))
        except UpdateError as error:
            if _condition_failed(error):
                return None
            raise
        return LoginFlow(tenant=item.tenant, username=item.username, flow_hash=flow_hash,
                         attempts=int(item.attempts), expires_at=_epoch(item.expires_at),
                         created_at=float(item.created_at))

    def delete(self, tenant: str, flow_hash: str) -> None:
        LoginFlowModel(keys.flow_pk(tenant, flow_hash)).delete()

