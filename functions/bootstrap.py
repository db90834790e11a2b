"""The composition root: the one place that builds stores, hashers and clock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from . import crypto
from .core.auth import AuthService, SessionLimits, Tokens
from .core.backup_codes import BackupCodeService
from .core.ports import Clock, Hasher
from .core.tenants import TenantDirectory
from .operator import Operator
from .settings import Settings
from .store.models import bind_models
from .store.repositories import (
    DynamoCodeSetRepository,
    DynamoLoginFlowRepository,
    DynamoSessionRepository,
    DynamoTenantRepository,
    DynamoUserRepository,
)
from .store.secrets import read_lookup_key


class SystemClock:
    def now(self) -> float:
        return time.time()


@dataclass
class Services:
    settings: Settings
    tenants: TenantDirectory
    tenant_repository: DynamoTenantRepository
    users: DynamoUserRepository
    code_sets: DynamoCodeSetRepository
    sessions: DynamoSessionRepository
    auth: AuthService
    backup_codes: BackupCodeService
    hasher: Hasher


def build_services(settings: Settings, lookup_key: bytes | None = None,
                   hasher: Hasher | None = None, clock: Clock | None = None) -> Services:
    """Wire the service; the lookup key is read from SSM (on first use) unless given."""
    bind_models(settings)
    key: bytes | Callable[[], bytes] = lookup_key if lookup_key is not None else (
        lambda: read_lookup_key(settings.lookup_key_parameter, settings.region,
                                settings.ssm_endpoint))
    clock = clock or SystemClock()
    hasher = hasher or crypto.Argon2Hasher(settings.argon2)
    tenant_repository = DynamoTenantRepository()
    users = DynamoUserRepository()
    code_sets = DynamoCodeSetRepository()
    sessions = DynamoSessionRepository()
    backup_codes = BackupCodeService(code_sets, hasher, crypto.HmacTagger(key), clock,
                                     new_generation=crypto.new_id)
    auth = AuthService(
        users, code_sets, sessions, DynamoLoginFlowRepository(), backup_codes, hasher,
        crypto.Totp(), Tokens(crypto.new_token, crypto.token_hash, crypto.new_id), clock,
        SessionLimits(lifetime_seconds=settings.session_lifetime_seconds,
                      idle_seconds=settings.session_idle_seconds,
                      flow_seconds=settings.login_flow_seconds,
                      flow_max_attempts=settings.login_flow_max_attempts))
    return Services(settings=settings,
                    tenants=TenantDirectory(tenant_repository, clock,
                                            settings.tenant_cache_seconds),
                    tenant_repository=tenant_repository, users=users, code_sets=code_sets,
                    sessions=sessions, auth=auth, backup_codes=backup_codes, hasher=hasher)


class LazyServices:
    """Builds the services on first use, once, so importing the app costs no I/O."""

    def __init__(self, factory: Callable[[], Services]) -> None:
        self._factory = factory
        self._services: Services | None = None
        self._lock = threading.Lock()

    def __call__(self) -> Services:
        if self._services is None:
            with self._lock:
                if self._services is None:
                    self._services = self._factory()
        return self._services


def build_operator(settings: Settings, hasher: Hasher | None = None) -> Operator:
    """What the operator CLI and the local seed need: no lookup key, no sessions."""
    bind_models(settings)
    return Operator(DynamoTenantRepository(), DynamoUserRepository(),
                    hasher or crypto.Argon2Hasher(settings.argon2))
