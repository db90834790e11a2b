"""The audit trail: one item per event in the tenant's partition, newest first by its
sort key; a user's own events through the by_user index."""

from __future__ import annotations

from ...core.audit import AuditEvent
from .. import keys
from ..conditional import applied
from ..models import AuditModel
from ..times import epoch, utc
from .pages import decode_cursor, encode_cursor


def audit_item(event: AuditEvent) -> AuditModel:
    return AuditModel(
        keys.tenant_pk(event.tenant), keys.audit_sk(event.at, event.id),
        user_pk=keys.user_pk(event.tenant, event.username), event_id=event.id,
        username=event.username, at=event.at, type=event.type, actor=event.actor,
        ip=event.ip, user_agent=event.user_agent, method=event.method,
        expires_at=None if event.expires_at is None else utc(event.expires_at))


# The condition every write of an event carries: its key (time and id) is new.
NEW_EVENT = AuditModel.pk.does_not_exist()


class DynamoAuditTrail:
    def record(self, event: AuditEvent) -> None:
        item = audit_item(event)
        # The key is the event's own (its content's time and id): found there, it is
        # this event, written by an earlier try or an earlier delivery.
        applied(lambda: item.save(condition=NEW_EVENT), landed=lambda: True)

    def recent(self, tenant: str, username: str | None, limit: int,
               before: str | None = None) -> tuple[list[AuditEvent], str | None]:
        partition = ("pk", keys.tenant_pk(tenant)) if username is None else (
            "user_pk", keys.user_pk(tenant, username))
        start = decode_cursor(before, partition)
        if username is None:
            found = AuditModel.query(keys.tenant_pk(tenant), scan_index_forward=False,
                                     limit=limit, last_evaluated_key=start)
        else:
            found = AuditModel.by_user.query(keys.user_pk(tenant, username),
                                             scan_index_forward=False, limit=limit,
                                             last_evaluated_key=start)
        events = [_event(tenant, item) for item in found]
        last = found.last_evaluated_key
        return events, (encode_cursor(last) if last and len(events) == limit else None)


def _event(tenant: str, item: AuditModel) -> AuditEvent:
    return AuditEvent(id=item.event_id, tenant=tenant, username=item.username,
                      at=float(item.at), type=item.type,  # type: ignore[arg-type]
                      actor=item.actor, ip=item.ip, user_agent=item.user_agent,
                      method=item.method,
                      expires_at=None if item.expires_at is None else epoch(item.expires_at))
