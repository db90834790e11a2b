"""Marks of the emails sent, one per fact and recipient, in the transient table (TTL)."""

from __future__ import annotations

from .. import keys
from ..conditional import applied
from ..models import NotificationMarkModel
from ..times import utc


class DynamoNotificationMarks:
    def sent(self, tenant: str, fact_id: str, recipient: str) -> bool:
        # Consistent: the mark of a send a moment ago (an earlier try of this record)
        # must be seen.
        try:
            NotificationMarkModel.get(keys.notification_mark_pk(tenant, fact_id, recipient),
                                      consistent_read=True)
        except NotificationMarkModel.DoesNotExist:
            return False
        return True

    def mark_sent(self, tenant: str, fact_id: str, recipient: str, expires_at: float) -> None:
        item = NotificationMarkModel(keys.notification_mark_pk(tenant, fact_id, recipient),
                                     expires_at=utc(expires_at))
        # The first mark stays (its TTL counts from the first send): a mark already
        # there means this email went out before, which is all a mark says.
        applied(lambda: item.save(condition=NotificationMarkModel.pk.does_not_exist()))
