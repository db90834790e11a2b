"""Ending a user's other sessions after a change to their second factor: backup codes
added, regenerated or removed, an authenticator set up or removed."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import UnknownTenant
from .policy import PURGE_ALL, PURGE_KEEP_CURRENT
from .ports import SessionRepository
from .tenants import TenantDirectory


@dataclass(frozen=True)
class PurgeOrder:
    tenant: str
    username: str
    # Sessions opened before this instant end; one opened after it ends only if it
    # authenticated under the old credential generation (a sign-in that raced the
    # change). So a record delivered twice or late cannot end a later sign-in.
    changed_at: float
    old_generation: str | None
    keep_session: str | None  # token hash of the session that made the change
    change: str


def sessions_to_keep(order: PurgeOrder, purge_mode: str) -> str | None:
    """The tenant decides whether the session that made the change survives it."""
    return None if purge_mode == PURGE_ALL else order.keep_session


class PurgeService:
    def __init__(self, tenants: TenantDirectory, sessions: SessionRepository) -> None:
        self._tenants = tenants
        self._sessions = sessions

    def apply(self, order: PurgeOrder) -> int:
        """End the sessions the order names; the number ended."""
        try:
            mode = self._tenants.policy(order.tenant).purge_mode
        except UnknownTenant:
            mode = PURGE_KEEP_CURRENT  # a tenant being deleted: still end its sessions
        return self._sessions.purge_user(order.tenant, order.username, order.changed_at,
                                         order.old_generation, sessions_to_keep(order, mode))
