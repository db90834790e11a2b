"""Tenants and their policies."""

from __future__ import annotations

from ...core.errors import Conflict, NotFound
from ...core.model import Tenant
from ...core.policy import TenantPolicy
from .. import keys
from ..conditional import applied
from ..models import TenantModel


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
        if not applied(lambda: item.save(condition=TenantModel.pk.does_not_exist())):
            raise Conflict(f"Tenant {tenant.tenant_id} already exists.")

    def set_policy(self, tenant_id: str, policy: TenantPolicy) -> None:
        if not applied(lambda: TenantModel(keys.tenant_pk(tenant_id)).update(
                actions=[TenantModel.policy.set(policy.to_dict())],
                condition=TenantModel.pk.exists())):
            raise NotFound(f"Tenant {tenant_id} does not exist.")

    def list_tenants(self) -> list[tuple[Tenant, TenantPolicy]]:
        # Operator-only: tenants are few, a scan is the honest query.
        return sorted((self._from_item(item.pk.split("#", 1)[1], item)
                       for item in TenantModel.scan()), key=lambda pair: pair[0].tenant_id)

    @staticmethod
    def _from_item(tenant_id: str, item: TenantModel) -> tuple[Tenant, TenantPolicy]:
        policy = TenantPolicy.from_dict(item.policy.as_dict())
        return Tenant(tenant_id, item.display_name, float(item.created_at)), policy
