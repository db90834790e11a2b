"""In-memory implementations of the core's ports (functions/core/ports.py).

Each fake keeps the semantics its DynamoDB twin gets from a conditional write:
the check and the change happen under one lock, so a fake is as atomic as one
DynamoDB request. Reads return copies, as a table would.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from functions.core.errors import AlreadyEnabled, Conflict, GenerationMismatch, NotEnabled, NotFound
from functions.core.model import (
    Change,
    CodeSet,
    LoginFlow,
    Session,
    SessionSummary,
    Tenant,
    Usage,
    User,
    UserSummary,
)
from functions.core.policy import LOCKOUT_CEILING, TenantPolicy
from functions.core.ports import (
    Clock,
    CodeSetRepository,
    Hasher,
    LoginFlowRepository,
    SessionRepository,
    TenantRepository,
    UserRepository,
)


class FakeClock:
    def __init__(self, now: float = 1_760_000_000.0) -> None:
        self.current = now

    def now(self) -> float:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += seconds


class FakeTenantRepository:
    def __init__(self) -> None:
        self.items: dict[str, tuple[Tenant, TenantPolicy]] = {}
        self.gets = 0

    def get(self, tenant_id: str) -> tuple[Tenant, TenantPolicy] | None:
        self.gets += 1
        return self.items.get(tenant_id)

    def create(self, tenant: Tenant, policy: TenantPolicy) -> None:
        if tenant.tenant_id in self.items:
            raise Conflict(f"Tenant {tenant.tenant_id} already exists.")
        self.items[tenant.tenant_id] = (tenant, policy)

    def set_policy(self, tenant_id: str, policy: TenantPolicy) -> None:
        if tenant_id not in self.items:
            raise NotFound(f"Tenant {tenant_id} does not exist.")
        self.items[tenant_id] = (self.items[tenant_id][0], policy)

    def list_tenants(self) -> list[tuple[Tenant, TenantPolicy]]:
        return sorted(self.items.values(), key=lambda pair: pair[0].tenant_id)


class FakeUserRepository:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], User] = {}
        self._lock = threading.Lock()

    def get(self, tenant: str, username: str) -> User | None:
        found = self.items.get((tenant, username))
        return replace(found) if found else None

    def create(self, user: User) -> None:
        with self._lock:
            if (user.tenant, user.username) in self.items:
                raise Conflict(f"User {user.username} already exists.")
            self.items[(user.tenant, user.username)] = replace(user)

    def list_users(self, tenant: str) -> list[UserSummary]:
        return sorted((UserSummary(u.username, u.created_at, u.totp_enabled)
                       for (t, _), u in self.items.items() if t == tenant),
                      key=lambda u: u.username)

    def set_password_hash(self, tenant: str, username: str, password_hash: str) -> None:
        self._existing(tenant, username).password_hash = password_hash

    def reserve_attempt(self, tenant: str, username: str, now: float, lock_from: int,
                        hold_until: float) -> tuple[bool, User | None]:
        with self._lock:
            user = self.items.get((tenant, username))
            if user is None:
                return False, None
            locked = user.locked_until is not None and user.locked_until > now
            if locked or user.failed_attempts >= LOCKOUT_CEILING:
                return False, replace(user)
            user.failed_attempts += 1
            if user.failed_attempts >= lock_from:
                user.locked_until = hold_until  # held while this attempt is checked
            return True, replace(user)

    def lock_until(self, tenant: str, username: str, until: float | None) -> None:
        if until is not None:
            self._existing(tenant, username).locked_until = until

    def reset_failures(self, tenant: str, username: str) -> None:
        user = self._existing(tenant, username)
        user.failed_attempts, user.locked_until = 0, None

    def claim_totp_step(self, tenant: str, username: str, step: int) -> bool:
        with self._lock:
            user = self._existing(tenant, username)
            if user.totp_last_step is not None and user.totp_last_step >= step:
                return False
            user.totp_last_step = step
            return True

    def _existing(self, tenant: str, username: str) -> User:
        try:
            return self.items[(tenant, username)]
        except KeyError:
            raise NotFound(f"User {username} does not exist.") from None


class FakeCodeSetRepository:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], CodeSet] = {}
        self.changes: list[Change] = []
        self.gets = 0
        self._lock = threading.Lock()

    def get(self, tenant: str, username: str) -> CodeSet | None:
        self.gets += 1
        with self._lock:
            found = self.items.get((tenant, username))
            return copy.deepcopy(found)

    def add(self, code_set: CodeSet, change: Change) -> None:
        with self._lock:
            current = self.items.get((code_set.tenant, code_set.username))
            if current is not None and current.enabled:
                raise AlreadyEnabled()
            self.items[(code_set.tenant, code_set.username)] = copy.deepcopy(code_set)
            self.changes.append(change)

    def replace(self, code_set: CodeSet, expected_generation: str, change: Change) -> None:
        with self._lock:
            current = self.items.get((code_set.tenant, code_set.username))
            if current is None or not current.enabled:
                raise NotEnabled()
            if current.generation != expected_generation:
                raise GenerationMismatch()
            self.items[(code_set.tenant, code_set.username)] = copy.deepcopy(code_set)
            self.changes.append(change)

    def remove(self, tenant: str, username: str, expected_generation: str,
               new_generation: str, change: Change) -> None:
        with self._lock:
            current = self.items.get((tenant, username))
            if current is None or not current.enabled:
                raise NotEnabled()
            if current.generation != expected_generation:
                raise GenerationMismatch()
            self.items[(tenant, username)] = CodeSet(
                tenant=tenant, username=username, enabled=False, generation=new_generation,
                hashes={}, total=0, created_at=current.created_at)
            self.changes.append(change)

    def consume(self, tenant: str, username: str, tag: str, generation: str,
                usage: Usage) -> bool:
        with self._lock:
            current = self.items.get((tenant, username))
            if (current is None or not current.enabled or current.generation != generation
                    or tag not in current.hashes):
                return False
            del current.hashes[tag]
            current.last_used_at = usage.at
            current.usage.append(usage)
            return True


class FakeSessionRepository:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Session] = {}
        self.reauth_failures: dict[tuple[str, str], int] = {}
        self.touches = 0

    def create(self, session: Session) -> None:
        self.items[(session.tenant, session.token_hash)] = replace(session)

    def get(self, tenant: str, token_hash: str) -> Session | None:
        found = self.items.get((tenant, token_hash))
        return replace(found) if found else None

    def touch(self, session: Session, now: float, expires_at: float) -> bool:
        stored = self.items.get((session.tenant, session.token_hash))
        if stored is None:
            return False
        self.touches += 1
        stored.last_seen_at, stored.expires_at = now, expires_at
        return True

    def mark_authenticated(self, session: Session, now: float) -> None:
        stored = self.items.get((session.tenant, session.token_hash))
        if stored is not None:
            stored.authenticated_at = now
            self.reauth_failures.pop((session.tenant, session.token_hash), None)

    def count_reauth_failure(self, session: Session) -> int | None:
        key = (session.tenant, session.token_hash)
        if key not in self.items:
            return None
        self.reauth_failures[key] = self.reauth_failures.get(key, 0) + 1
        return self.reauth_failures[key]

    def delete(self, tenant: str, token_hash: str) -> None:
        self.items.pop((tenant, token_hash), None)

    def list_for_user(self, tenant: str, username: str) -> list[SessionSummary]:
        return [SessionSummary(token_hash=s.token_hash, session_id=s.session_id,
                               created_at=s.created_at, last_seen_at=s.last_seen_at,
                               expires_at=s.expires_at, ip=s.ip, user_agent=s.user_agent)
                for (t, _), s in self.items.items() if t == tenant and s.username == username]

    def purge_user(self, tenant: str, username: str, created_before: float,
                   keep_token_hash: str | None) -> int:
        doomed = [key for key, s in self.items.items()
                  if key[0] == tenant and s.username == username
                  and s.created_at <= created_before and s.token_hash != keep_token_hash]
        for key in doomed:
            del self.items[key]
        return len(doomed)


class FakeLoginFlowRepository:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], LoginFlow] = {}
        self._lock = threading.Lock()

    def create(self, flow: LoginFlow) -> None:
        self.items[(flow.tenant, flow.flow_hash)] = replace(flow)

    def reserve_attempt(self, tenant: str, flow_hash: str, now: float,
                        max_attempts: int) -> LoginFlow | None:
        with self._lock:
            flow = self.items.get((tenant, flow_hash))
            if flow is None or flow.attempts >= max_attempts or flow.expires_at <= now:
                return None
            flow.attempts += 1
            return replace(flow)

    def delete(self, tenant: str, flow_hash: str) -> None:
        self.items.pop((tenant, flow_hash), None)


class CountingHasher:
    """The real hasher, counting its work: argon2 verifications are the expensive part."""

    def __init__(self, inner: Hasher) -> None:
        self._inner = inner
        self.verifications = 0
        self.hashes = 0
        self._lock = threading.Lock()

    def _count(self, verifications: int = 0, hashes: int = 0) -> None:
        with self._lock:
            self.verifications += verifications
            self.hashes += hashes

    def hash(self, secret: str) -> str:
        self._count(hashes=1)
        return self._inner.hash(secret)

    def hash_many(self, secrets_: Sequence[str]) -> list[str]:
        self._count(hashes=len(secrets_))
        return self._inner.hash_many(secrets_)

    def verify(self, encoded: str, secret: str) -> bool:
        self._count(verifications=1)
        return self._inner.verify(encoded, secret)

    def needs_rehash(self, encoded: str) -> bool:
        return self._inner.needs_rehash(encoded)

    def burn(self, secret: str) -> None:
        self._count(verifications=1)
        self._inner.burn(secret)


if TYPE_CHECKING:  # the fakes keep satisfying the ports: mypy checks these
    _clock: Clock = FakeClock()
    _tenants: TenantRepository = FakeTenantRepository()
    _users: UserRepository = FakeUserRepository()
    _code_sets: CodeSetRepository = FakeCodeSetRepository()
    _sessions: SessionRepository = FakeSessionRepository()
    _flows: LoginFlowRepository = FakeLoginFlowRepository()
