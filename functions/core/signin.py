"""Sign-in: the password step, then a second factor (TOTP or a backup code)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from . import code_format
from .backup_codes import BackupCodeService
from .errors import FlowExpired, InvalidCode, InvalidCredentials, InvalidRequest, Locked
from .model import CodeSet, LoginFlow, RequestContext, User
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
    TotpVerifier,
    UserRepository,
)
from .sessions import SessionLimits, Sessions, Tokens, checked_password

Method = Literal["totp", "backup_code"]
METHOD_TOTP: Method = "totp"
METHOD_BACKUP_CODE: Method = "backup_code"
MAX_FLOW_TOKEN_LENGTH = 128


@dataclass(frozen=True)
class LoginResult:
    status: Literal["mfa_required", "authenticated"]
    flow_token: str | None = None
    methods: tuple[Method, ...] = ()
    session_token: str | None = None


@dataclass(frozen=True)
class Authenticated:
    session_token: str
    backup_codes_remaining: int | None


@dataclass(frozen=True)
class SecondFactorAttempt:
    """A second-factor request whose input is well formed."""

    flow_token: str
    method: Method
    canonical_code: str


def methods_of(user: User, code_set: CodeSet | None) -> tuple[Method, ...]:
    """The second factors a user has, in the order the sign-in page offers them."""
    methods: list[Method] = []
    if user.totp_enabled:
        methods.append(METHOD_TOTP)
    if code_set is not None and code_set.enabled:
        methods.append(METHOD_BACKUP_CODE)
    return tuple(methods)


def parse_second_factor(flow_token: object, method: object, code: object) -> SecondFactorAttempt:
    """Input checks, before any storage or argon2 work.

    InvalidRequest for a request of the wrong shape; InvalidCode for input that
    cannot be a code (not counted: it cannot match, and counting it would only
    lock out people who mistype).
    """
    if not isinstance(flow_token, str) or not 0 < len(flow_token) <= MAX_FLOW_TOKEN_LENGTH:
        raise InvalidRequest("flow must be the string returned by login.")
    if method not in (METHOD_TOTP, METHOD_BACKUP_CODE):
        raise InvalidRequest(f"method must be {METHOD_TOTP} or {METHOD_BACKUP_CODE}.")
    if not isinstance(code, str) or len(code) > code_format.MAX_INPUT_LENGTH:
        raise InvalidRequest(
            f"code must be a string of at most {code_format.MAX_INPUT_LENGTH} characters."
        )
    canonical = (code_format.normalize(code) if method == METHOD_BACKUP_CODE
                 else totp_digits(code))
    if canonical is None:
        raise InvalidCode()
    return SecondFactorAttempt(flow_token, method, canonical)


def totp_digits(code: str) -> str | None:
    digits = code.replace(" ", "").replace("-", "")
    # isdigit() alone admits other scripts' digits ("\u0661"), which no TOTP has.
    return digits if len(digits) == 6 and digits.isascii() and digits.isdigit() else None


class LoginFlows:
    """The short-lived state between the password step and the second factor."""

    def __init__(self, flows: LoginFlowRepository, tokens: Tokens, clock: Clock,
                 limits: SessionLimits) -> None:
        self._flows = flows
        self._tokens = tokens
        self._clock = clock
        self._limits = limits

    def start(self, user: User) -> str:
        now = self._clock.now()
        token = self._tokens.new_token()
        self._flows.create(LoginFlow(tenant=user.tenant, username=user.username,
                                     flow_hash=self._tokens.token_hash(token), attempts=0,
                                     expires_at=now + self._limits.flow_seconds, created_at=now))
        return token

    def reserve_attempt(self, tenant: str, token: str) -> LoginFlow:
        """Count one attempt on a live flow; FlowExpired when it expired or is used up."""
        flow = self._flows.reserve_attempt(tenant, self._tokens.token_hash(token),
                                           self._clock.now(), self._limits.flow_max_attempts)
        if flow is None:
            raise FlowExpired()
        return flow

    def finish(self, flow: LoginFlow) -> None:
        self._flows.delete(flow.tenant, flow.flow_hash)


class SecondFactors:
    """Checks a TOTP code or spends a backup code for a user."""

    def __init__(self, users: UserRepository, code_sets: CodeSetRepository,
                 backup_codes: BackupCodeService, totp: TotpVerifier) -> None:
        self._users = users
        self._code_sets = code_sets
        self._backup_codes = backup_codes
        self._totp = totp

    def available(self, user: User) -> tuple[Method, ...]:
        return methods_of(user, self._code_sets.get(user.tenant, user.username))

    def verify(self, user: User, attempt: SecondFactorAttempt, context: RequestContext,
               now: float) -> int | None:
        """None after a good TOTP code, the codes left after a backup code; else InvalidCode."""
        if attempt.method == METHOD_BACKUP_CODE:
            return self._backup_codes.spend(user.tenant, user.username,
                                            attempt.canonical_code, context)
        self._check_totp(user, attempt.canonical_code, now)
        return None

    def _check_totp(self, user: User, digits: str, now: float) -> None:
        if user.totp_secret is None:
            raise InvalidCode()
        step = self._totp.matching_step(user.totp_secret, digits, now)
        # Claiming the step is a conditional write: a code already used in its
        # window (or an older one) is refused, even by a concurrent request.
        if step is None or not self._users.claim_totp_step(user.tenant, user.username, step):
            raise InvalidCode()


class SignIn:
    # The password step's store and hasher, the flow between the steps, the second
    # factors, where sessions open, and the time: each step needs all of them.
    def __init__(self, users: UserRepository, flows: LoginFlows,  # noqa: PLR0913
                 factors: SecondFactors, hasher: Hasher, sessions: Sessions,
                 clock: Clock) -> None:
        self._users = users
        self._flows = flows
        self._factors = factors
        self._hasher = hasher
        self._sessions = sessions
        self._clock = clock

    def login(self, tenant: str, username: object, password: object,
              context: RequestContext) -> LoginResult:
        username = validate_username(username)
        password = checked_password(password)
        user = self._users.get(tenant, username)
        if user is None:
            # Same work as a wrong password, so timing does not reveal usernames.
            self._hasher.burn(password)
            raise InvalidCredentials()
        if not self._hasher.verify(user.password_hash, password):
            raise InvalidCredentials()
        if self._hasher.needs_rehash(user.password_hash):
            self._users.set_password_hash(tenant, username, self._hasher.hash(password))
        methods = self._factors.available(user)
        if not methods:
            return LoginResult("authenticated", session_token=self._sessions.open(user, context))
        return LoginResult("mfa_required", flow_token=self._flows.start(user), methods=methods)

    def second_factor(self, tenant: str, policy: TenantPolicy, attempt: SecondFactorAttempt,
                      context: RequestContext) -> Authenticated:
        """A well-formed attempt (parse_second_factor), counted, then checked."""
        now = self._clock.now()
        flow, user = self._reserve_attempt(tenant, policy, attempt, now)
        try:
            remaining = self._factors.verify(user, attempt, context, now)
        except InvalidCode as wrong:
            raise self._failure(policy, user, now) from wrong
        self._users.reset_failures(tenant, user.username)
        self._flows.finish(flow)
        return Authenticated(self._sessions.open(user, context), remaining)

    def _reserve_attempt(self, tenant: str, policy: TenantPolicy, attempt: SecondFactorAttempt,
                         now: float) -> tuple[LoginFlow, User]:
        """Count the attempt, on the flow and on the user, before it is checked."""
        flow = self._flows.reserve_attempt(tenant, attempt.flow_token)
        allowed, user = self._users.reserve_attempt(tenant, flow.username, now,
                                                    lock_from=policy.lockout_threshold,
                                                    hold_until=now + BACKOFF_BASE_SECONDS)
        if user is None:
            raise FlowExpired()
        if not allowed:
            raise Locked(_retry_after(user, now))
        return flow, user

    def _failure(self, policy: TenantPolicy, user: User, now: float) -> InvalidCode | Locked:
        """What a wrong code answers; the failure that reaches the threshold locks, and
        says so at once rather than one try later."""
        wait = lockout_seconds(user.failed_attempts, policy.lockout_threshold)
        if wait == 0:
            return InvalidCode()
        if wait is not None:
            self._users.lock_until(user.tenant, user.username, now + wait)
        return Locked(wait)


def _retry_after(user: User, now: float) -> int | None:
    if user.failed_attempts >= LOCKOUT_CEILING or user.locked_until is None:
        return None  # the ceiling: only an operator can unlock
    return max(1, math.ceil(user.locked_until - now))
