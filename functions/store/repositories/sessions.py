"""Sessions, keyed by the hash of their token; the token itself is never stored."""

from __future__ import annotations

from typing import Any

from pynamodb.connection import Connection

from ...core.model import Session, SessionSummary
from .. import keys
from ..conditional import applied
from ..models import CodeSetModel, SessionModel
from ..times import epoch, utc
from .signin import session_item

_EXISTS = SessionModel.pk.exists()


class DynamoSessionRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def create(self, session: Session) -> None:
        session_item(session).save()

    def get_current(self, tenant: str, username: str,
                    token_hash: str) -> tuple[Session | None, str | None]:
        """One TransactGetItems: the session and the user's credential generation as of
        the same instant, so a change committing meanwhile cannot split them."""
        session_pk = keys.session_pk(tenant, token_hash)
        session, code_set = self._connection.transact_get_items(get_items=[
            {"TableName": SessionModel.Meta.table_name, "Key": {"pk": {"S": session_pk}}},
            {"TableName": CodeSetModel.Meta.table_name,
             "Key": {"pk": {"S": keys.code_set_pk(tenant, username)}},
             "ProjectionExpression": "credential_generation"},
        ])["Responses"]
        found = session.get("Item")
        current = _text(code_set.get("Item"), "credential_generation")
        if not found:
            return None, current
        return _session(token_hash, SessionModel.from_raw_data(found)), current

    def touch(self, session: Session, now: float, expires_at: float) -> bool:
        return self._update_live(session, [SessionModel.last_seen_at.set(now),
                                           SessionModel.expires_at.set(utc(expires_at))])

    def reserve_reauthentication(self, session: Session, attempt_id: str,
                                 max_failures: int) -> int | None:
        item = SessionModel(keys.session_pk(session.tenant, session.token_hash))
        failures = SessionModel.reauth_failures

        def landed() -> bool:
            stored = self._read(session)
            return stored is not None and stored.reauth_attempt == attempt_id

        if not applied(lambda: item.update(
                actions=[failures.add(1), SessionModel.reauth_attempt.set(attempt_id)],
                condition=_EXISTS & (failures.does_not_exist() | (failures < max_failures))
                & (SessionModel.reauth_attempt.does_not_exist()
                   | (SessionModel.reauth_attempt != attempt_id))), landed=landed):
            return None
        stored = item if item.reauth_attempt == attempt_id else self._read(session)
        return int(stored.reauth_failures or 0) if stored is not None else None

    def mark_authenticated(self, session: Session, now: float) -> bool:
        return self._update_live(session, [SessionModel.authenticated_at.set(now),
                                           SessionModel.reauth_failures.remove()])

    def delete(self, tenant: str, token_hash: str) -> None:
        SessionModel(keys.session_pk(tenant, token_hash)).delete()

    def list_for_user(self, tenant: str, username: str) -> list[SessionSummary]:
        return [
            SessionSummary(token_hash=keys.token_hash_of_session_pk(item.pk),
                           session_id=item.session_id, created_at=float(item.created_at),
                           last_seen_at=float(item.last_seen_at),
                           expires_at=epoch(item.expires_at), ip=item.ip,
                           user_agent=item.user_agent,
                           credential_generation=item.credential_generation)
            for item in SessionModel.by_user.query(keys.user_pk(tenant, username))
        ]

    def purge_user(self, tenant: str, username: str, changed_at: float,
                   old_generation: str | None, keep_token_hash: str | None) -> int:
        """Delete the user's sessions that the change ended, but the kept one: those
        opened before it, and those opened after it under the old credential
        generation (sign-ins that raced the change). A later session of another
        generation survives, so a record delivered twice, or late, never ends a
        sign-in that came after it.
        """
        keep_pk = keys.session_pk(tenant, keep_token_hash) if keep_token_hash else None
        doomed = [
            item.pk for item in SessionModel.by_user.query(keys.user_pk(tenant, username))
            if item.pk != keep_pk and (
                float(item.created_at) <= changed_at
                or (old_generation is not None
                    and item.credential_generation == old_generation))
        ]
        # batch_write sends groups of 25 and retries unprocessed items itself.
        with SessionModel.batch_write() as batch:
            for pk in doomed:
                batch.delete(SessionModel(pk))
        return len(doomed)

    def _read(self, session: Session) -> SessionModel | None:
        try:
            return SessionModel.get(keys.session_pk(session.tenant, session.token_hash),
                                    consistent_read=True)
        except SessionModel.DoesNotExist:
            return None

    def _update_live(self, session: Session, actions: list[Any]) -> bool:
        return applied(lambda: SessionModel(keys.session_pk(session.tenant,
                                                            session.token_hash)).update(
            actions=actions, condition=_EXISTS))


def _session(token_hash: str, item: SessionModel) -> Session:
    return Session(tenant=item.tenant, username=item.username, token_hash=token_hash,
                   session_id=item.session_id, created_at=float(item.created_at),
                   last_seen_at=float(item.last_seen_at),
                   authenticated_at=float(item.authenticated_at),
                   expires_at=epoch(item.expires_at), ip=item.ip, user_agent=item.user_agent,
                   credential_generation=item.credential_generation,
                   methods=tuple(item.methods or ()),  # type: ignore[arg-type]
                   mfa_setup_required=bool(item.mfa_setup_required))


def _text(item: dict[str, Any] | None, name: str) -> str | None:
    value = (item or {}).get(name)
    return value.get("S") if isinstance(value, dict) else None
