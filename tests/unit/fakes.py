"""In-memory implementations of the core's ports (functions/core/ports.py).

Each fake keeps the semantics its DynamoDB twin gets from a conditional write or a
transaction: the checks and the changes happen under one lock shared by every fake
of a `FakeDatabase`, so a fake is as atomic as one DynamoDB request. Reads return
copies, as a table would.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from functions.core.audit import AuditEvent
from functions.core.errors import (
    AlreadyEnabled,
    Conflict,
    GenerationMismatch,
    NotEnabled,
    NotFound,
    SecondFactorRequired,
    Unauthenticated,
)
from functions.core.model import (
    Change,
    CodeSet,
    Counted,
    OutgoingEmail,
    PendingTotp,
    Reservation,
    Session,
    SessionSummary,
    Tenant,
    TotpActivation,
    User,
    UserSummary,
)
from functions.core.policy import LOCKOUT_CEILING, TenantPolicy
from functions.core.ports import (
    AuthenticatorRepository,
    Clock,
    CodeSetRepository,
    Hasher,
    PasswordAttemptRepository,
    PendingCount,
    SecondFactorStart,
    SecondFactorState,
    SessionRepository,
    SignInStore,
    SignInSuccess,
    TenantRepository,
    UserRepository,
)
from functions.core.security_events import SecurityFact

FLOW_USED = 1_000_000


class FakeClock:
    def __init__(self, now: float = 1_760_000_000.0) -> None:
        self.current = now

    def now(self) -> float:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += seconds


@dataclass
class Attempts:
    """A counter of attempts, as the store keeps one on an item."""

    failures: int = 0
    locked_until: float | None = None
    attempt: str | None = None

    def reserve(self, reservation: Reservation, holds_at_ceiling: bool) -> bool:
        """The store's phases (functions/store/attempts.py), in one step."""
        if self.locked_until is not None and self.locked_until > reservation.now:
            return False
        if self.failures >= LOCKOUT_CEILING and not holds_at_ceiling:
            return False
        if self.failures < LOCKOUT_CEILING:
            self.failures += 1
        if self.failures >= reservation.lock_from:
            self.locked_until = reservation.hold_until  # held while it is checked
        self.attempt = reservation.attempt_id
        return True

    def counted(self, allowed: bool) -> Counted:
        return Counted(allowed=allowed, failures=self.failures, locked_until=self.locked_until)


@dataclass
class FakeDatabase:
    """Every table, under one lock: what a transaction needs to be all or nothing."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    tenants: dict[str, tuple[Tenant, TenantPolicy]] = field(default_factory=dict)
    users: dict[tuple[str, str], User] = field(default_factory=dict)
    second_factor: dict[tuple[str, str], Attempts] = field(default_factory=dict)
    flows: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    passwords: dict[tuple[str, str], Attempts] = field(default_factory=dict)
    code_sets: dict[tuple[str, str], CodeSet] = field(default_factory=dict)
    sessions: dict[tuple[str, str], Session] = field(default_factory=dict)
    reauth: dict[tuple[str, str], Attempts] = field(default_factory=dict)
    audit: dict[str, AuditEvent] = field(default_factory=dict)

    def generation(self, tenant: str, username: str) -> str | None:
        found = self.code_sets.get((tenant, username))
        return found.credential_generation if found else None

    def move_session(self, tenant: str, change: Change, *, lifts_restriction: bool = False) -> None:
        """The changing session moves to the change's generation with it (under the lock);
        Unauthenticated, before anything changed, when it is gone."""
        session = self.sessions.get((tenant, change.session_ref))
        if session is None:
            raise Unauthenticated()
        session.credential_generation = change.credential_generation
        if lifts_restriction:
            session.mfa_setup_required = False


class FakeTenantRepository:
    def __init__(self, db: FakeDatabase | None = None) -> None:
        self.db = db or FakeDatabase()
        self.gets = 0

    @property
    def items(self) -> dict[str, tuple[Tenant, TenantPolicy]]:
        return self.db.tenants

    def get(self, tenant_id: str) -> tuple[Tenant, TenantPolicy] | None:
        self.gets += 1
        return self.db.tenants.get(tenant_id)

    def create(self, tenant: Tenant, policy: TenantPolicy) -> None:
        with self.db.lock:
            if tenant.tenant_id in self.db.tenants:
                raise Conflict(f"Tenant {tenant.tenant_id} already exists.")
            self.db.tenants[tenant.tenant_id] = (tenant, policy)

    def set_policy(self, tenant_id: str, policy: TenantPolicy) -> None:
        if tenant_id not in self.db.tenants:
            raise NotFound(f"Tenant {tenant_id} does not exist.")
        self.db.tenants[tenant_id] = (self.db.tenants[tenant_id][0], policy)

    def list_tenants(self) -> list[tuple[Tenant, TenantPolicy]]:
        return sorted(self.db.tenants.values(), key=lambda pair: pair[0].tenant_id)


class FakeUserRepository:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    def get(self, tenant: str, username: str) -> User | None:
        with self.db.lock:
            found = self.db.users.get((tenant, username))
            if found is None:
                return None
            counter = self.db.second_factor.get((tenant, username), Attempts())
            return replace(found, failed_attempts=counter.failures,
                           locked_until=counter.locked_until)

    def create(self, user: User, audit: AuditEvent | None = None) -> None:
        with self.db.lock:
            if (user.tenant, user.username) in self.db.users:
                raise Conflict(f"User {user.username} already exists.")
            self.db.users[(user.tenant, user.username)] = replace(user)
            if audit is not None:
                self.db.audit.setdefault(audit.id, audit)

    def list_users(self, tenant: str) -> list[UserSummary]:
        return sorted((UserSummary(u.username, u.created_at, u.totp_enabled)
                       for (t, _), u in self.db.users.items() if t == tenant),
                      key=lambda u: u.username)

    def set_password_hash(self, tenant: str, username: str, password_hash: str) -> None:
        self._existing(tenant, username).password_hash = password_hash

    def set_email(self, tenant: str, username: str, email: str | None) -> None:
        self._existing(tenant, username).email = email

    def lock_until(self, tenant: str, username: str, until: float) -> None:
        self._existing(tenant, username)
        self.db.second_factor.setdefault((tenant, username), Attempts()).locked_until = until

    def reset_failures(self, tenant: str, username: str,
                       audit: AuditEvent | None = None) -> None:
        with self.db.lock:
            self._existing(tenant, username)
            self.db.second_factor[(tenant, username)] = Attempts()
            if audit is not None:
                self.db.audit.setdefault(audit.id, audit)

    def _existing(self, tenant: str, username: str) -> User:
        try:
            return self.db.users[(tenant, username)]
        except KeyError:
            raise NotFound(f"User {username} does not exist.") from None


class FakePasswordAttemptRepository:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    def reserve(self, tenant: str, username: str, reservation: Reservation) -> Counted:
        with self.db.lock:
            counter = self.db.passwords.setdefault((tenant, username), Attempts())
            return counter.counted(counter.reserve(reservation, holds_at_ceiling=True))

    def lock_until(self, tenant: str, username: str, until: float) -> None:
        self.db.passwords.setdefault((tenant, username), Attempts()).locked_until = until

    def clear(self, tenant: str, username: str) -> None:
        self.db.passwords.pop((tenant, username), None)


class FakeCodeSetRepository:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db
        self.changes: list[Change] = []
        self.gets = 0

    @property
    def items(self) -> dict[tuple[str, str], CodeSet]:
        return self.db.code_sets

    def get(self, tenant: str, username: str) -> CodeSet | None:
        self.gets += 1
        with self.db.lock:
            return copy.deepcopy(self.db.code_sets.get((tenant, username)))

    def add(self, code_set: CodeSet, change: Change) -> None:
        with self.db.lock:
            current = self.db.code_sets.get((code_set.tenant, code_set.username))
            if current is not None and current.enabled:
                raise AlreadyEnabled()
            self._commit(code_set, change)

    def replace(self, code_set: CodeSet, expected_generation: str, change: Change) -> None:
        with self.db.lock:
            self._require(code_set.tenant, code_set.username, expected_generation)
            self._commit(code_set, change)

    def remove(self, tenant: str, username: str, expected_generation: str, change: Change,
               *, keep_a_factor: bool = False) -> None:
        with self.db.lock:
            current = self._require(tenant, username, expected_generation)
            user = self.db.users.get((tenant, username))
            if keep_a_factor and (user is None or user.totp_secret is None):
                raise SecondFactorRequired()
            self._commit(CodeSet(tenant=tenant, username=username, enabled=False,
                                 generation=change.credential_generation, hashes={}, total=0,
                                 created_at=current.created_at), change)

    def _require(self, tenant: str, username: str, expected_generation: str) -> CodeSet:
        current = self.db.code_sets.get((tenant, username))
        if current is None or not current.enabled:
            raise NotEnabled()
        if current.generation != expected_generation:
            raise GenerationMismatch()
        return current

    def _commit(self, code_set: CodeSet, change: Change) -> None:
        self.db.move_session(code_set.tenant, change)
        self.db.code_sets[(code_set.tenant, code_set.username)] = replace(
            copy.deepcopy(code_set), credential_generation=change.credential_generation)
        self.changes.append(change)


class FakeAuthenticatorRepository:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db
        self.changes: list[Change] = []

    def start(self, tenant: str, username: str, pending: PendingTotp) -> None:
        with self.db.lock:
            user = self.db.users.get((tenant, username))
            if user is None:
                raise Unauthenticated()
            user.totp_pending = pending

    def count_confirmation(self, tenant: str, username: str, attempt_id: str, now: float,
                           max_attempts: int) -> PendingCount:
        with self.db.lock:
            user = self.db.users.get((tenant, username))
            pending = user.totp_pending if user is not None else None
            if user is None or pending is None or pending.expires_at <= now \
                    or pending.attempts >= max_attempts:
                return PendingCount(False, pending)
            user.totp_pending = replace(pending, attempts=pending.attempts + 1)
            return PendingCount(True, user.totp_pending)

    def discard(self, tenant: str, username: str, secret: str) -> None:
        with self.db.lock:
            user = self.db.users.get((tenant, username))
            if user is not None and user.totp_pending and user.totp_pending.secret == secret:
                user.totp_pending = None

    def activate(self, tenant: str, username: str, activation: TotpActivation, change: Change,
                 over: str | None) -> bool:
        with self.db.lock:
            user = self.db.users.get((tenant, username))
            pending = user.totp_pending if user is not None else None
            if user is None or pending is None or pending.secret != activation.secret \
                    or pending.expires_at <= activation.now \
                    or self.db.generation(tenant, username) != over:
                return False
            self._commit(tenant, username, change, lifts_restriction=True)
            user.totp_secret, user.totp_last_step = activation.secret, activation.step
            user.totp_pending = None
            return True

    def remove(self, tenant: str, username: str, change: Change, over: str | None,
               keep_a_factor: bool) -> bool:
        with self.db.lock:
            user = self.db.users.get((tenant, username))
            codes = self.db.code_sets.get((tenant, username))
            if user is None or user.totp_secret is None \
                    or self.db.generation(tenant, username) != over or (
                        keep_a_factor and (codes is None or not codes.enabled)):
                return False
            self._commit(tenant, username, change)
            user.totp_secret = user.totp_last_step = None
            return True

    def _commit(self, tenant: str, username: str, change: Change, *,
                lifts_restriction: bool = False) -> None:
        self.db.move_session(tenant, change, lifts_restriction=lifts_restriction)
        # A user without a code set gets a disabled one, as a removal of codes leaves.
        codes = self.db.code_sets.get((tenant, username)) or CodeSet(
            tenant=tenant, username=username, enabled=False,
            generation=change.credential_generation, hashes={}, total=0, created_at=change.at)
        self.db.code_sets[(tenant, username)] = replace(
            codes, credential_generation=change.credential_generation)
        self.changes.append(change)


class FakeSignInStore:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    def begin(self, start: SecondFactorStart) -> SecondFactorState:
        with self.db.lock:
            key = (start.tenant, start.username)
            user = self.db.users.get(key)
            counter = self.db.second_factor.setdefault(key, Attempts())
            if user is None:
                return SecondFactorState("no_user", counter.counted(False))
            flows = self.db.flows.setdefault(key, {})
            if flows.get(start.flow_id, 0) >= start.max_flow_attempts:
                return SecondFactorState("flow_spent", counter.counted(False))
            if not counter.reserve(start.reservation, holds_at_ceiling=False):
                return SecondFactorState("locked", counter.counted(False))
            flows[start.flow_id] = flows.get(start.flow_id, 0) + 1
            return SecondFactorState(
                "allowed", counter.counted(True),
                replace(user, failed_attempts=counter.failures,
                        locked_until=counter.locked_until),
                copy.deepcopy(self.db.code_sets.get(key)))

    def succeed(self, success: SignInSuccess) -> bool:
        session = success.session
        key = (session.tenant, session.username)
        with self.db.lock:
            user = self.db.users[key]
            if (self.db.generation(*key) != success.credential_generation
                    or self.db.flows[key].get(success.flow_id, 0) >= FLOW_USED):
                return False
            if success.totp_step is not None and user.totp_last_step is not None \
                    and user.totp_last_step >= success.totp_step:
                return False
            spend = success.spend
            code_set = self.db.code_sets.get(key)
            if spend is not None:
                if (code_set is None or not code_set.enabled
                        or code_set.generation != spend.generation
                        or spend.tag not in code_set.hashes):
                    return False
                del code_set.hashes[spend.tag]
                code_set.last_used_at = spend.usage.at
                code_set.usage.append(spend.usage)
            if success.totp_step is not None:
                user.totp_last_step = success.totp_step
            self.db.second_factor[key] = Attempts()
            self.db.flows[key][success.flow_id] = FLOW_USED
            self.db.sessions[(session.tenant, session.token_hash)] = replace(session)
            return True


class FakeSessionRepository:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db
        self.touches = 0

    @property
    def items(self) -> dict[tuple[str, str], Session]:
        return self.db.sessions

    def create(self, session: Session) -> None:
        self.db.sessions[(session.tenant, session.token_hash)] = replace(session)

    def get(self, tenant: str, token_hash: str) -> Session | None:
        found = self.db.sessions.get((tenant, token_hash))
        return replace(found) if found else None

    def get_current(self, tenant: str, username: str,
                    token_hash: str) -> tuple[Session | None, str | None]:
        with self.db.lock:
            return self.get(tenant, token_hash), self.db.generation(tenant, username)

    def touch(self, session: Session, now: float, expires_at: float) -> bool:
        stored = self.db.sessions.get((session.tenant, session.token_hash))
        if stored is None:
            return False
        self.touches += 1
        stored.last_seen_at, stored.expires_at = now, expires_at
        return True

    def reserve_reauthentication(self, session: Session, attempt_id: str,
                                 max_failures: int) -> int | None:
        with self.db.lock:
            key = (session.tenant, session.token_hash)
            counter = self.db.reauth.setdefault(key, Attempts())
            if key not in self.db.sessions or counter.failures >= max_failures:
                return None
            counter.failures += 1
            counter.attempt = attempt_id
            return counter.failures

    def mark_authenticated(self, session: Session, now: float) -> bool:
        with self.db.lock:
            stored = self.db.sessions.get((session.tenant, session.token_hash))
            if stored is None:
                return False
            stored.authenticated_at = now
            self.db.reauth.pop((session.tenant, session.token_hash), None)
            return True

    def delete(self, tenant: str, token_hash: str) -> None:
        self.db.sessions.pop((tenant, token_hash), None)

    def list_for_user(self, tenant: str, username: str) -> list[SessionSummary]:
        return [SessionSummary(token_hash=s.token_hash, session_id=s.session_id,
                               created_at=s.created_at, last_seen_at=s.last_seen_at,
                               expires_at=s.expires_at, ip=s.ip, user_agent=s.user_agent,
                               credential_generation=s.credential_generation)
                for (t, _), s in self.db.sessions.items() if t == tenant and s.username == username]

    def purge_user(self, tenant: str, username: str, changed_at: float,
                   old_generation: str | None, keep_token_hash: str | None) -> int:
        doomed = [key for key, s in self.db.sessions.items()
                  if key[0] == tenant and s.username == username
                  and s.token_hash != keep_token_hash
                  and (s.created_at <= changed_at or (
                      old_generation is not None
                      and s.credential_generation == old_generation))]
        for key in doomed:
            del self.db.sessions[key]
        return len(doomed)


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
    _db = FakeDatabase()
    _clock: Clock = FakeClock()
    _tenants: TenantRepository = FakeTenantRepository(_db)
    _users: UserRepository = FakeUserRepository(_db)
    _passwords: PasswordAttemptRepository = FakePasswordAttemptRepository(_db)
    _code_sets: CodeSetRepository = FakeCodeSetRepository(_db)
    _authenticators: AuthenticatorRepository = FakeAuthenticatorRepository(_db)
    _signin: SignInStore = FakeSignInStore(_db)
    _sessions: SessionRepository = FakeSessionRepository(_db)


class FakeEventPublisher:
    """Keeps what it was given; `failures` next publishes raise first."""

    def __init__(self) -> None:
        self.published: list[SecurityFact] = []
        self.failures = 0

    def publish(self, facts: Sequence[SecurityFact]) -> None:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("the bus is away")
        self.published += facts


class FakeMailer:
    """Keeps what it was given; `failures` next sends raise first."""

    def __init__(self) -> None:
        self.sent: list[OutgoingEmail] = []
        self.failures = 0

    def send(self, email: OutgoingEmail) -> None:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("SES is away")
        self.sent.append(email)


class FakeNotificationMarks:
    def __init__(self) -> None:
        self.marks: dict[tuple[str, str, str], float] = {}

    def sent(self, tenant: str, fact_id: str, recipient: str) -> bool:
        return (tenant, fact_id, recipient) in self.marks

    def mark_sent(self, tenant: str, fact_id: str, recipient: str, expires_at: float) -> None:
        self.marks.setdefault((tenant, fact_id, recipient), expires_at)


class FakeAuditTrail:
    """The audit trail in memory: one event per id, as the conditional put keeps it."""

    def __init__(self, events: dict[str, AuditEvent] | None = None) -> None:
        self.events: dict[str, AuditEvent] = {} if events is None else events

    def record(self, event: AuditEvent) -> None:
        self.events.setdefault(event.id, event)

    def recent(self, tenant: str, username: str | None, limit: int,
               before: str | None = None) -> tuple[list[AuditEvent], str | None]:
        found = sorted((e for e in self.events.values() if e.tenant == tenant
                        and username in (None, e.username)), key=lambda e: -e.at)
        return found[:limit], None

    def types(self) -> list[str]:
        return [e.type for e in sorted(self.events.values(), key=lambda e: e.at)]
