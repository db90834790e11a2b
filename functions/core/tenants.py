"""Tenant lookup with a short, bounded in-process cache: every request needs the policy."""

from __future__ import annotations

from collections import OrderedDict

from .errors import UnknownTenant
from .model import Tenant
from .policy import TenantPolicy, validate_tenant_id
from .ports import Clock, TenantRepository

# Tenants remembered per container at most; the least recently used go first, so
# a flood of requests for made-up tenant ids cannot grow the cache without end.
MAX_CACHED_TENANTS = 1024

Found = tuple[Tenant, TenantPolicy] | None


class TenantDirectory:
    def __init__(self, tenants: TenantRepository, clock: Clock, cache_seconds: float,
                 max_entries: int = MAX_CACHED_TENANTS) -> None:
        self._tenants = tenants
        self._clock = clock
        self._cache_seconds = cache_seconds
        self._max_entries = max_entries
        self._cache: OrderedDict[str, tuple[float, Found]] = OrderedDict()

    def policy(self, tenant_id: str) -> TenantPolicy:
        """The tenant's policy; UnknownTenant (after validating the id) if there is none."""
        return self.tenant(tenant_id)[1]

    def tenant(self, tenant_id: str) -> tuple[Tenant, TenantPolicy]:
        """The tenant and its policy; UnknownTenant (after validating the id) if none."""
        validate_tenant_id(tenant_id)
        found = self._cached(tenant_id)
        if found is None:
            raise UnknownTenant()
        return found

    def _cached(self, tenant_id: str) -> Found:
        now = self._clock.now()
        cached = self._cache.get(tenant_id)
        if cached is None or cached[0] <= now:
            found = self._tenants.get(tenant_id)
            # Unknown tenants are remembered briefly too, so a flood of requests
            # for one costs the table little; a new tenant shows up within seconds.
            ttl = self._cache_seconds if found else min(self._cache_seconds, 5.0)
            cached = (now + ttl, found)
            self._cache[tenant_id] = cached
            if len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)
        self._cache.move_to_end(tenant_id)
        return cached[1]
