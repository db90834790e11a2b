"""Sessions, keyed by the hash of their token; the token itself is never stored."""

from __future__ import annotations

from typing import Any

from ...core.model import Session, SessionSummary
from .. import keys
from ..conditional import applied
from ..models import SessionModel, SessionsByUser
from ..times import epoch, utc

_EXISTS = SessionModel.pk.exists()


class DynamoSessionRepository:
    def create(self, session: Session) -> None:
        SessionModel(
            keys.session_pk(session.tenant, session.token_hash),
            user_pk=keys.user_pk(session.tenant, session.username),
            session_id=session.session_id, tenant=session.tenant, username=session.username,
            created_at=session.created_at, last_seen_at=session.last_seen_at,
            authenticated_at=session.authenticated_at, expires_at=utc(session.expires_at),
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
                       expires_at=epoch(item.expires_at), ip=item.ip, user_agent=item.user_agent)

    def touch(self, session: Session, now: float, expires_at: float) -> bool:
        return self._update_live(session, [SessionModel.last_seen_at.set(now),
                                           SessionModel.expires_at.set(utc(expires_at))])

    def mark_authenticated(self, session: Session, now: float) -> None:
        self._update_live(session, [SessionModel.authenticated_at.set(now),
                                    SessionModel.reauth_failures.remove()])

    def count_reauth_failure(self, session: Session) -> int | None:
        item = SessionModel(keys.session_pk(session.tenant, session.token_hash))
        if not applied(lambda: item.update(actions=[SessionModel.reauth_failures.add(1)],
                                           condition=_EXISTS)):
            return None
        return int(item.reauth_failures or 0)

    def delete(self, tenant: str, token_hash: str) -> None:
        SessionModel(keys.session_pk(tenant, token_hash)).delete()

    def list_for_user(self, tenant: str, username: str) -> list[SessionSummary]:
        return [
            SessionSummary(token_hash=keys.token_hash_of_session_pk(item.pk),
                           session_id=item.session_id, created_at=float(item.created_at),
                           last_seen_at=float(item.last_seen_at),
                           expires_at=epoch(item.expires_at), ip=item.ip,
                           user_agent=item.user_agent)
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
        return applied(lambda: SessionModel(keys.session_pk(session.tenant,
                                                            session.token_hash)).update(
            actions=actions, condition=_EXISTS))
