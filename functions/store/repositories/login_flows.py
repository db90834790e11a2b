"""Login flows: a sign-in between its password step and its second factor."""

from __future__ import annotations

from ...core.model import LoginFlow
from .. import keys
from ..conditional import applied
from ..models import LoginFlowModel
from ..times import epoch, utc


class DynamoLoginFlowRepository:
    def create(self, flow: LoginFlow) -> None:
        LoginFlowModel(keys.flow_pk(flow.tenant, flow.flow_hash), tenant=flow.tenant,
                       username=flow.username, attempts=0, created_at=flow.created_at,
                       expires_at=utc(flow.expires_at)).save()

    def reserve_attempt(self, tenant: str, flow_hash: str, now: float,
                        max_attempts: int) -> LoginFlow | None:
        item = LoginFlowModel(keys.flow_pk(tenant, flow_hash))
        # A flow lives for a few minutes and a few attempts; TTL deletion is
        # lazy, so expiry is also part of the condition.
        if not applied(lambda: item.update(
                actions=[LoginFlowModel.attempts.add(1)],
                condition=(LoginFlowModel.pk.exists()
                           & (LoginFlowModel.attempts < max_attempts)
                           & (LoginFlowModel.expires_at > utc(now))))):
            return None
        return LoginFlow(tenant=item.tenant, username=item.username, flow_hash=flow_hash,
                         attempts=int(item.attempts), expires_at=epoch(item.expires_at),
                         created_at=float(item.created_at))

    def delete(self, tenant: str, flow_hash: str) -> None:
        LoginFlowModel(keys.flow_pk(tenant, flow_hash)).delete()
