"""One change, its security facts, every sink: the seam where facts leave the service.

Sinks run in order and each must be safe to run again: a sink that raises fails the
stream record, which is delivered again, and every sink sees its facts a second
time. So the emails (deduplicated by their marks) go first and the events (which
consumers tell apart by `id`) after them: a failing event publish re-runs no email,
and a failing email publishes nothing twice. The audit trail goes first of all: a
conditional put keyed by the fact's id is safe to run again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .audit import of_fact
from .errors import UnknownTenant
from .model import Tenant
from .policy import TenantPolicy
from .ports import AuditTrail, EventPublisher
from .security_events import CodeSetChange, SecurityFact, facts_of
from .tenants import TenantDirectory


class FactSink(Protocol):
    def deliver(self, facts: Sequence[SecurityFact], tenant: Tenant,
                policy: TenantPolicy) -> object: ...


class AuditedFacts:
    """The audit sink: each fact that is an action, once (a conditional put by its id)."""

    def __init__(self, trail: AuditTrail) -> None:
        self._trail = trail

    def deliver(self, facts: Sequence[SecurityFact], tenant: Tenant,
                policy: TenantPolicy) -> None:
        for fact in facts:
            event = of_fact(fact)
            if event is not None:
                self._trail.record(event.kept_for(policy))


class PublishedEvents:
    """The events sink: every fact to the event bus."""

    def __init__(self, publisher: EventPublisher) -> None:
        self._publisher = publisher

    def deliver(self, facts: Sequence[SecurityFact], tenant: Tenant,
                policy: TenantPolicy) -> None:
        self._publisher.publish(facts)


class SecurityFanOut:
    def __init__(self, tenants: TenantDirectory, sinks: Sequence[FactSink]) -> None:
        self._tenants = tenants
        self._sinks = tuple(sinks)

    def handle(self, change: CodeSetChange) -> tuple[SecurityFact, ...]:
        """The change's facts, delivered to every sink; raises when a sink failed."""
        image = change.new or change.old
        if image is None:
            return ()
        tenant, policy = self._tenant(image.tenant)
        facts = facts_of(change, policy.low_codes_threshold)
        if facts:
            for sink in self._sinks:
                sink.deliver(facts, tenant, policy)
        return facts

    def _tenant(self, tenant_id: str) -> tuple[Tenant, TenantPolicy]:
        try:
            return self._tenants.tenant(tenant_id)
        except UnknownTenant:
            # A tenant being deleted: its facts still leave, under the default policy.
            return Tenant(tenant_id, tenant_id, 0.0), TenantPolicy()
