"""What an operator does to tenants and users; the CLI and the local seed call it."""

from __future__ import annotations

import time
from typing import Any

from .core.admin import Administration, NewUser
from .core.audit import ACTOR_OPERATOR, AuditEvent
from .core.clients import ClientRegistry
from .core.errors import NotFound
from .core.grants import Client
from .core.model import Tenant, UserSummary
from .core.policy import TenantPolicy, validate_email, validate_tenant_id, validate_username
from .core.ports import TenantRepository, UserRepository
from .crypto import Totp


class Operator:
    def __init__(self, tenants: TenantRepository, users: UserRepository,
                 admin: Administration, clients: ClientRegistry) -> None:
        self._tenants = tenants
        self._users = users
        self._admin = admin
        self._clients = clients

    def create_tenant(self, tenant_id: str, display_name: str | None = None,
                      **policy: Any) -> TenantPolicy:
        validate_tenant_id(tenant_id)
        settings = TenantPolicy().updated(**policy)
        self._tenants.create(
            Tenant(tenant_id, display_name or tenant_id, time.time()), settings)
        return settings

    def set_policy(self, tenant_id: str, **changes: Any) -> TenantPolicy:
        found = self._tenants.get(validate_tenant_id(tenant_id))
        if found is None:
            raise NotFound(f"Tenant {tenant_id} does not exist.")
        policy = found[1].updated(**changes)
        self._tenants.set_policy(tenant_id, policy)
        return policy

    def list_tenants(self) -> list[tuple[Tenant, TenantPolicy]]:
        return self._tenants.list_tenants()

    def create_user(self, tenant_id: str, username: str, password: str,  # noqa: PLR0913
                    totp: bool = False, totp_secret: str | None = None,
                    email: str | None = None) -> str | None:
        """Create a user; returns the otpauth:// URI when TOTP is on (its issuer the
        tenant's display name, as when users set up their own authenticator). The
        options are the user's own settings, each optional."""
        tenant, policy = self._tenant(tenant_id)
        secret = totp_secret or (Totp.new_secret() if totp else None)
        user, _ = self._admin.create_user(tenant_id, policy, NewUser(
            username, password=password, email=email, totp_secret=secret), ACTOR_OPERATOR)
        if secret is None:
            return None
        return Totp.provisioning_uri(secret, user.username, tenant.display_name)

    def list_users(self, tenant_id: str) -> list[UserSummary]:
        self._require_tenant(tenant_id)
        return self._users.list_users(tenant_id)

    def set_email(self, tenant_id: str, username: str, email: str | None) -> None:
        """Where the user's security notifications go; None: nowhere (no emails)."""
        self._require_tenant(tenant_id)
        self._users.set_email(tenant_id, validate_username(username),
                              None if email is None else validate_email(email))

    def unlock_user(self, tenant_id: str, username: str) -> None:
        self._admin.unlock(tenant_id, self._tenant(tenant_id)[1], username, ACTOR_OPERATOR)

    def reset_mfa(self, tenant_id: str, username: str) -> None:
        """The authenticator and the backup codes gone, every session ended."""
        self._admin.reset_mfa(tenant_id, self._tenant(tenant_id)[1], username, ACTOR_OPERATOR)

    def remove_codes(self, tenant_id: str, username: str) -> None:
        self._admin.remove_codes(tenant_id, self._tenant(tenant_id)[1], username,
                                 ACTOR_OPERATOR)

    def reset_password(self, tenant_id: str, username: str, password: str) -> None:
        """A new password; every session ends."""
        self._admin.reset_password(tenant_id, self._tenant(tenant_id)[1], username, password,
                                   ACTOR_OPERATOR)

    def end_sessions(self, tenant_id: str, username: str) -> None:
        self._admin.end_sessions(tenant_id, self._tenant(tenant_id)[1], username,
                                 ACTOR_OPERATOR)

    def delete_user(self, tenant_id: str, username: str) -> None:
        self._admin.delete_user(tenant_id, self._tenant(tenant_id)[1], username,
                                ACTOR_OPERATOR)

    def audit(self, tenant_id: str, username: str | None = None, limit: int = 50,
              cursor: str | None = None) -> tuple[list[AuditEvent], str | None]:
        """The tenant's audit trail (or one user's), newest first, and the next page."""
        self._tenant(tenant_id)
        return self._admin.audit(tenant_id, username, limit, cursor)

    def create_client(self, tenant_id: str, name: str, redirect_uris: tuple[str, ...],
                      **options: Any) -> tuple[Client, str | None]:
        """Register an application; its secret (None for a public client), shown once."""
        self._require_tenant(tenant_id)
        return self._clients.create(tenant_id, name, redirect_uris, **options)

    def list_clients(self, tenant_id: str) -> list[Client]:
        self._require_tenant(tenant_id)
        return self._clients.list(tenant_id)

    def delete_client(self, tenant_id: str, client_id: str) -> None:
        self._require_tenant(tenant_id)
        self._clients.delete(tenant_id, client_id)

    def rotate_client_secret(self, tenant_id: str, client_id: str) -> str:
        self._require_tenant(tenant_id)
        return self._clients.rotate_secret(tenant_id, client_id)

    def _require_tenant(self, tenant_id: str) -> Tenant:
        return self._tenant(tenant_id)[0]

    def _tenant(self, tenant_id: str) -> tuple[Tenant, TenantPolicy]:
        found = self._tenants.get(validate_tenant_id(tenant_id))
        if found is None:
            raise NotFound(f"Tenant {tenant_id} does not exist.")
        return found
