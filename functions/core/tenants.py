"""Tenant lookup with a short in-process cache: every request needs the policy."""

from __future__ import annotations

from .errors import UnknownTenant
from .policy import TenantPolicy, validate_tenant_id
from .ports import Clock, TenantRepository


class TenantDirectory:
    def __init__(self, tenants: TenantRepository, clock: Clock, cache_seconds: float) -> None:
        self._tenants = tenants
        self._clock = clock
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, TenantPolicy | None]] = {}

    def policy(self, tenant_id: str) -> TenantPolicy:
        """The tenant's policy; UnknownTenant (after validating the id) if there is none."""
        validate_tenant_id(tenant_id)
        now = self._clock.now()
        cached = self._cache.get(tenant_id)
        if cached is None or cached[0] <= now:
            found = self._tenants.get(tenant_id)
            policy = found[1] if found else None
            # Unknown tenants are remembered briefly too, so a flood of requests
            # for one costs the table little; a new tenant shows up within seconds.
            ttl = self._cache_seconds if policy else min(self._cache_seconds, 5.0)
            cached = (now + ttl, policy)
            self._cache[tenant_id] = cached
        if cached[1] is None:
            raise UnknownTenant()
        return cached[1]
