"""Sign-in with a password and a second factor, re-authentication, and sessions."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import codes as code_format
from .backup_codes import BackupCodeService
from .errors import (
    FlowExpired,
    InvalidCode,
    InvalidCredentials,
    InvalidRequest,
    Locked,
    SessionNotFound,
    Unauthenticated,
)
from .model import LoginFlow, RequestContext, Session, User
from .policy import (
    BACKOFF_BASE_SECONDS,
    LOCKOUT_CEILING,
    TenantPolicy,
    lockout_seconds,
    validate_username,
)
from .ports import (
    Clock,
    CodeSetRepository,
    Hasher,
    LoginFlowRepository,
    SessionRepository,
    TotpVerifier,
    UserRepository,
)
from .timefmt import iso

METHOD_TOTP = "totp"
METHOD_BACKUP_CODE = "backup_code"
# last_seen_at is written at most this often, so reads stay reads.
TOUCH_INTERVAL_SECONDS = 60
MAX_PASSWORD_LENGTH = 1024
# A stolen session cookie must not become an unlimited password oracle.
MAX_REAUTH_FAILURES = 5


@dataclass(frozen=True)
class SessionLimits:
    lifetime_seconds: int
    idle_seconds: int
    flow_seconds: int
    flow_max_attempts: int


@dataclass(frozen=True)
class LoginResult:
    status: str  # "mfa_required" | "authenticated"
    flow_token: str | None = None
    methods: tuple[str, ...] = ()
    session_token: str | None = None


@dataclass(frozen=True)
class Authenticated:
    session_token: str
    backup_codes_remaining: int | None


@dataclass(frozen=True)
class Tokens:
    """Where bearer tokens come from and how they are reduced for storage."""

    new_token: Callable[[], str]
    token_hash: Callable[[str], str]
    new_id: Callable[[], str]


class AuthService:
    def __init__(self, users: UserRepository, code_sets: CodeSetRepository,
                 sessions: SessionRepository, flows: LoginFlowRepository,
                 backup_codes: BackupCodeService, hasher: Hasher, totp: TotpVerifier,
                 tokens: Tokens, clock: Clock, limits: SessionLimits) -> None:
        self._users = users
        self._code_sets = code_sets
        self._sessions = sessions
        self._flows = flows
        self._backup_codes = backup_codes
        self._hasher = hasher
        self._totp = totp
        self._tokens = tokens
        self._clock = clock
        self._limits = limits

    # First factor -----------------------------------------------------------------

    def login(self, tenant: str, username: object, password: object,
              context: RequestContext) -> LoginResult:
        username = validate_username(username)
        password = _password(password)
        user = self._users.get(tenant, username)
        if user is None:
            # Same work as a wrong password, so timing does not reveal usernames.
            self._hasher.burn(password)
            raise InvalidCredentials()
        if not self._hasher.verify(user.password_hash, password):
            raise InvalidCredentials()
        if self._hasher.needs_rehash(user.password_hash):
            self._users.set_password_hash(tenant, username, self._hasher.hash(password))
        methods = self._second_factors(user)
        if not methods:
            return LoginResult("authenticated", session_token=self._open_session(user, context))
        now = self._clock.now()
        flow_token = self._tokens.new_token()
        self._flows.create(LoginFlow(tenant=tenant, username=username,
                                     flow_hash=self._tokens.token_hash(flow_token), attempts=0,
                                     expires_at=now + self._limits.flow_seconds, created_at=now))
        return LoginResult("mfa_required", flow_token=flow_token, methods=methods)

    def _second_factors(self, user: User) -> tuple[str, ...]:
        methods = []
        if user.totp_enabled:
            methods.append(METHOD_TOTP)
        code_set = self._code_sets.get(user.tenant, user.username)
        if code_set is not None and code_set.enabled:
            methods.append(METHOD_BACKUP_CODE)
        return tuple(methods)

    # Second factor ----------------------------------------------------------------

    def second_factor(self, tenant: str, policy: TenantPolicy, flow_token: object,
                      method: object, code: object, context: RequestContext) -> Authenticated:
        if not isinstance(flow_token, str) or not 0 < len(flow_token) <= 128:
            raise InvalidRequest("flow must be the string returned by login.")
        if method not in (METHOD_TOTP, METHOD_BACKUP_CODE):
            raise InvalidRequest(f"method must be {METHOD_TOTP} or {METHOD_BACKUP_CODE}.")
        if not isinstance(code, str) or len(code) > code_format.MAX_INPUT_LENGTH:
            raise InvalidRequest(
                f"code must be a string of at most {code_format.MAX_INPUT_LENGTH} characters."
            )
        canonical = (code_format.normalize(code) if method == METHOD_BACKUP_CODE
                     else _totp_digits(code))
        if canonical is None:
            # Cannot be a code: refused before any storage or argon2 work.
            raise InvalidCode()

        now = self._clock.now()
        flow = self._flows.reserve_attempt(tenant, self._tokens.token_hash(flow_token), now,
                                           self._limits.flow_max_attempts)
        if flow is None:
            raise FlowExpired()
        allowed, user = self._users.reserve_attempt(tenant, flow.username, now,
                                                    lock_from=policy.lockout_threshold,
                                                    hold_until=now + BACKOFF_BASE_SECONDS)
        if user is None:
            raise FlowExpired()
        if not allowed:
            raise Locked(_retry_after(user, now))

        remaining: int | None = None
        try:
            if method == METHOD_TOTP:
                self._check_totp(user, canonical, now)
            else:
                remaining = self._backup_codes.spend(tenant, user.username, canonical, context)
        except InvalidCode as wrong:
            wait = lockout_seconds(user.failed_attempts, policy.lockout_threshold)
            if wait == 0:
                raise
            # The failure that locks says so at once, rather than one try later.
            if wait is not None:
                self._users.lock_until(tenant, user.username, now + wait)
            raise Locked(wait) from wrong
        self._users.reset_failures(tenant, user.username)
        self._flows.delete(tenant, flow.flow_hash)
        return Authenticated(self._open_session(user, context), remaining)

    def _check_totp(self, user: User, digits: str, now: float) -> None:
        if user.totp_secret is None:
            raise InvalidCode()
        step = self._totp.matching_step(user.totp_secret, digits, now)
        # Claiming the step is a conditional write: a code already used in its
        # window (or an older one) is refused, even by a concurrent request.
        if step is None or not self._users.claim_totp_step(user.tenant, user.username, step):
            raise InvalidCode()

    # Sessions ---------------------------------------------------------------------

    def _open_session(self, user: User, context: RequestContext) -> str:
        now = self._clock.now()
        token = self._tokens.new_token()
        self._sessions.create(Session(
            tenant=user.tenant, username=user.username,
            token_hash=self._tokens.token_hash(token), session_id=self._tokens.new_id(),
            created_at=now, last_seen_at=now, authenticated_at=now,
            expires_at=now + min(self._limits.lifetime_seconds, self._limits.idle_seconds),
            ip=context.ip, user_agent=context.user_agent))
        return token

    def resolve_session(self, tenant: str, token: str | None) -> Session:
        if not token or len(token) > 128:
            raise Unauthenticated()
        session = self._sessions.get(tenant, self._tokens.token_hash(token))
        now = self._clock.now()
        if session is None or session.expires_at <= now:
            raise Unauthenticated()
        if now - session.last_seen_at >= TOUCH_INTERVAL_SECONDS:
            expires_at = min(session.created_at + self._limits.lifetime_seconds,
                             now + self._limits.idle_seconds)
            # The touch is conditional on the record existing, so a session
            # purged a moment ago is not brought back by its own request.
            if not self._sessions.touch(session, now, expires_at):
                raise Unauthenticated()
            session.last_seen_at, session.expires_at = now, expires_at
        return session

    def reauthenticate(self, session: Session, password: object) -> None:
        password = _password(password)
        user = self._users.get(session.tenant, session.username)
        if user is None or not self._hasher.verify(user.password_hash, password):
            failures = self._sessions.count_reauth_failure(session)
            if failures is None or failures >= MAX_REAUTH_FAILURES:
                self._sessions.delete(session.tenant, session.token_hash)
                raise Unauthenticated("Too many wrong passwords: sign in again.")
            raise InvalidCredentials("The password is incorrect.")
        self._sessions.mark_authenticated(session, self._clock.now())

    def logout(self, session: Session) -> None:
        self._sessions.delete(session.tenant, session.token_hash)

    def list_sessions(self, session: Session) -> list[dict[str, Any]]:
        found = self._sessions.list_for_user(session.tenant, session.username)
        now = self._clock.now()
        return [
            {"id": s.session_id, "created_at": iso(s.created_at),
             "last_seen_at": iso(s.last_seen_at), "ip": s.ip, "user_agent": s.user_agent,
             "current": s.session_id == session.session_id}
            for s in sorted(found, key=lambda s: s.last_seen_at, reverse=True)
            if s.expires_at > now
        ]

    def end_session(self, session: Session, session_id: str) -> None:
        for candidate in self._sessions.list_for_user(session.tenant, session.username):
            if candidate.session_id == session_id:
                self._sessions.delete(candidate.tenant, candidate.token_hash)
                return
        raise SessionNotFound()


def _password(password: object) -> str:
    if not isinstance(password, str) or not 0 < len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidRequest(
            f"password must be a non-empty string of at most {MAX_PASSWORD_LENGTH} characters."
        )
    return password


def _totp_digits(code: str) -> str | None:
    digits = code.replace(" ", "").replace("-", "")
    # isdigit() alone admits other scripts' digits ("\u0661"), which no TOTP has.
    return digits if len(digits) == 6 and digits.isascii() and digits.isdigit() else None


def _retry_after(user: User, now: float) -> int | None:
    if user.failed_attempts >= LOCKOUT_CEILING or user.locked_until is None:
        return None  # the ceiling: only an operator can unlock
    return max(1, math.ceil(user.locked_until - now))
