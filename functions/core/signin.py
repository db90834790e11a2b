"""Sign-in: the password step, then a second factor (TOTP or a backup code).

Both steps count an attempt before they check it, so a burst of guesses cannot
slip past a threshold, and a locked user is refused before any verification.
The second-factor step is two round trips besides its one argon2 verification:
the count and the reads together, then everything a success writes as one
transaction.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from . import code_format
from .audit import AuditEvent, of_request
from .backup_codes import BackupCodeService
from .errors import FlowExpired, InvalidCode, InvalidCredentials, InvalidRequest, Locked
from .model import (
    CodeSet,
    Counted,
    LoginFlow,
    Method,
    RequestContext,
    Reservation,
    Spend,
    Usage,
    User,
)
from .policy import (
    BACKOFF_BASE_SECONDS,
    LOCKOUT_CEILING,
    TenantPolicy,
    lockout_seconds,
    password_lockout_seconds,
    validate_username,
)
from .ports import (
    AuditTrail,
    Clock,
    CodeSetRepository,
    EventPublisher,
    Hasher,
    PasswordAttemptRepository,
    SecondFactorStart,
    SecondFactorState,
    Signer,
    SignInStore,
    SignInSuccess,
    TotpVerifier,
    UserRepository,
)
from .security_events import lock_fact
from .sessions import SessionLimits, Sessions, checked_password

SecondFactor = Literal["totp", "backup_code"]
METHOD_TOTP: SecondFactor = "totp"
METHOD_BACKUP_CODE: SecondFactor = "backup_code"
MAX_FLOW_TOKEN_LENGTH = 512


@dataclass(frozen=True)
class LoginResult:
    # mfa_setup_required: signed in, but only to set up a second factor (require_mfa).
    status: Literal["mfa_required", "authenticated", "mfa_setup_required"]
    flow_token: str | None = None
    methods: tuple[SecondFactor, ...] = ()
    session_token: str | None = None


@dataclass(frozen=True)
class Authenticated:
    session_token: str
    backup_codes_remaining: int | None


@dataclass(frozen=True)
class SecondFactorAttempt:
    """A second-factor request whose input is well formed."""

    flow_token: str
    method: SecondFactor
    canonical_code: str


def methods_of(user: User, code_set: CodeSet | None) -> tuple[SecondFactor, ...]:
    """The second factors a user has, in the order the sign-in page offers them."""
    methods: list[SecondFactor] = []
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
    """The state between the password step and the second factor, carried by the
    client as a signed token: the tenant, the user, the flow's id and its expiry.
    Its attempts are counted on the user's item when the second factor is tried."""

    def __init__(self, signer: Signer, new_id: Callable[[], str], clock: Clock,
                 limits: SessionLimits) -> None:
        self._signer = signer
        self._new_id = new_id
        self._clock = clock
        self._limits = limits

    @property
    def max_attempts(self) -> int:
        return self._limits.flow_max_attempts

    def start(self, user: User) -> str:
        expires_at = int(self._clock.now()) + self._limits.flow_seconds
        # The id leads with its expiry, so a user's expired flows can be told apart.
        flow_id = f"{expires_at}.{self._new_id()}"
        return self._signer.sign({"t": user.tenant, "u": user.username, "f": flow_id,
                                  "e": expires_at})

    def open(self, tenant: str, token: str) -> LoginFlow:
        """The flow a token carries; FlowExpired when it is not ours, another tenant's,
        or expired."""
        claims = self._signer.verify(token)
        if claims is None or claims.get("t") != tenant:
            raise FlowExpired()
        flow = LoginFlow(tenant=tenant, username=str(claims["u"]), flow_id=str(claims["f"]),
                         expires_at=float(claims["e"]))
        if flow.expires_at <= self._clock.now():
            raise FlowExpired()
        return flow


@dataclass(frozen=True)
class Proof:
    """What a good second factor lets the success write."""

    methods: tuple[Method, ...]
    spend: Spend | None = None
    totp_step: int | None = None
    backup_codes_remaining: int | None = None


class SecondFactors:
    """Checks a TOTP code or a backup code against what the step read."""

    def __init__(self, code_sets: CodeSetRepository, backup_codes: BackupCodeService,
                 totp: TotpVerifier, new_id: Callable[[], str]) -> None:
        self._code_sets = code_sets
        self._backup_codes = backup_codes
        self._totp = totp
        self._new_id = new_id

    def available(self, user: User) -> tuple[tuple[SecondFactor, ...], str | None]:
        """The user's second factors and their current credential generation."""
        code_set = self._code_sets.get(user.tenant, user.username)
        return methods_of(user, code_set), code_set.credential_generation if code_set else None

    def check(self, state: SecondFactorState, attempt: SecondFactorAttempt,
              context: RequestContext, now: float) -> Proof:
        """The proof of a good code; InvalidCode otherwise."""
        assert state.user is not None
        if attempt.method == METHOD_BACKUP_CODE:
            return self._backup_code(state.code_set, attempt.canonical_code, context, now)
        return Proof(("pwd", "totp"), totp_step=self._totp_step(state.user,
                                                                attempt.canonical_code, now))

    def _backup_code(self, code_set: CodeSet | None, canonical: str, context: RequestContext,
                     now: float) -> Proof:
        tag = self._backup_codes.match(code_set, canonical)
        assert code_set is not None
        usage = Usage(at=now, ip=context.ip, user_agent=context.user_agent)
        spend = Spend(tag=tag, generation=code_set.generation, usage=usage, use_id=self._new_id(),
                      language=context.language)
        return Proof(("pwd", "backup_code"), spend=spend,
                     backup_codes_remaining=code_set.remaining - 1)

    def _totp_step(self, user: User, digits: str, now: float) -> int:
        if user.totp_secret is None:
            raise InvalidCode()
        step = self._totp.matching_step(user.totp_secret, digits, now)
        # A step already used (or an older one) is refused here; the success claims
        # the step under a condition, so a concurrent request cannot use it too.
        if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
            raise InvalidCode()
        return step


@dataclass(frozen=True)
class SignInParts:
    """SignIn's collaborators, named."""

    users: UserRepository
    passwords: PasswordAttemptRepository
    store: SignInStore
    flows: LoginFlows
    factors: SecondFactors
    hasher: Hasher
    sessions: Sessions
    clock: Clock
    new_id: Callable[[], str]
    # Where a second-factor lock is announced (SecondFactorLocked). Best effort: the
    # composition root gives one that never raises and waits briefly at most.
    events: EventPublisher
    audit: AuditTrail


class SignIn:
    def __init__(self, parts: SignInParts) -> None:
        self._p = parts

    def login(self, tenant: str, policy: TenantPolicy, username: object, password: object,
              context: RequestContext) -> LoginResult:
        username = validate_username(username)
        password = checked_password(password)
        user = self._check_password(tenant, policy, username, password, context)
        if self._p.hasher.needs_rehash(user.password_hash):
            self._p.users.set_password_hash(tenant, username, self._p.hasher.hash(password))
        methods, generation = self._p.factors.available(user)
        if methods:
            return LoginResult("mfa_required", flow_token=self._p.flows.start(user),
                               methods=methods)
        # Without a second factor the password signs in; under require_mfa the session
        # is good only for setting one up until an authenticator is confirmed.
        session, token = self._p.sessions.open(user, context, ("pwd",), generation,
                                               mfa_setup_required=policy.require_mfa)
        self._record(policy, of_request(session.session_id, tenant, username, session.created_at,
                                        "sign_in", context, method="password"))
        return LoginResult("mfa_setup_required" if policy.require_mfa else "authenticated",
                           session_token=token)

    def _check_password(self, tenant: str, policy: TenantPolicy, username: str,  # noqa: PLR0913
                        password: str, context: RequestContext) -> User:
        threshold = policy.password_lockout_threshold
        counted = self._p.passwords.reserve(tenant, username, self._reservation(threshold))
        if not counted.allowed:
            # A right password during the hold is refused too.
            raise Locked(_seconds_until(counted.locked_until, self._p.clock.now()),
                         factor="password")
        user = self._p.users.get(tenant, username)
        if user is None:
            # Same work as a wrong password, so timing does not reveal usernames.
            self._p.hasher.burn(password)
        elif self._p.hasher.verify(user.password_hash, password):
            self._p.passwords.clear(tenant, username)
            return user
        else:  # an existing user's failure is audited; made-up usernames are not
            self._record(policy, of_request(self._p.new_id(), tenant, username,
                                            self._p.clock.now(), "sign_in_failed", context,
                                            method="password"))
        wait = password_lockout_seconds(counted.failures, threshold)
        if wait:
            self._p.passwords.lock_until(tenant, username, self._p.clock.now() + wait)
            raise Locked(wait, started=True, factor="password")
        raise InvalidCredentials()

    def second_factor(self, tenant: str, policy: TenantPolicy, attempt: SecondFactorAttempt,
                      context: RequestContext) -> Authenticated:
        """A well-formed attempt (parse_second_factor): counted, checked, then committed."""
        flow = self._p.flows.open(tenant, attempt.flow_token)
        state = self._begin(tenant, policy, flow)
        assert state.user is not None
        now = self._p.clock.now()
        try:
            proof = self._p.factors.check(state, attempt, context, now)
        except InvalidCode as wrong:
            raise self._failure(policy, state, now, context, attempt.method) from wrong
        session, token = self._p.sessions.new(state.user, context, proof.methods,
                                              state.credential_generation)
        audit = of_request(session.session_id, tenant, flow.username, now, "sign_in", context,
                           method=attempt.method).kept_for(policy)
        success = SignInSuccess(session=session, flow_id=flow.flow_id,
                                expired_flows=state.expired_flows,
                                credential_generation=state.credential_generation,
                                spend=proof.spend, totp_step=proof.totp_step, audit=audit)
        if not self._p.store.succeed(success):
            # The code was spent or the step used by a concurrent request, or the
            # second factor changed since it was read: this attempt lost.
            raise self._failure(policy, state, now, context, attempt.method)
        return Authenticated(token, proof.backup_codes_remaining)

    def _begin(self, tenant: str, policy: TenantPolicy, flow: LoginFlow) -> SecondFactorState:
        state = self._p.store.begin(SecondFactorStart(
            tenant=tenant, username=flow.username, flow_id=flow.flow_id,
            max_flow_attempts=self._p.flows.max_attempts,
            reservation=self._reservation(policy.lockout_threshold)))
        if state.outcome in ("no_user", "flow_spent"):
            raise FlowExpired()
        if state.outcome == "locked":
            raise Locked(_retry_after(state.counted, self._p.clock.now()))
        return state

    def _reservation(self, lock_from: int) -> Reservation:
        now = self._p.clock.now()
        return Reservation(attempt_id=self._p.new_id(), now=now, lock_from=lock_from,
                           hold_until=now + BACKOFF_BASE_SECONDS)

    def _failure(self, policy: TenantPolicy, state: SecondFactorState,  # noqa: PLR0913
                 now: float, context: RequestContext, method: str) -> InvalidCode | Locked:
        """What a wrong code answers (audited); the failure that reaches the threshold
        locks, says so at once rather than one try later, and tells the tenant's event
        bus and audit trail."""
        user = state.user
        assert user is not None
        self._record(policy, of_request(self._p.new_id(), user.tenant, user.username, now,
                                        "sign_in_failed", context, method=method))
        wait = lockout_seconds(state.counted.failures, policy.lockout_threshold)
        if wait == 0:
            return InvalidCode()
        if wait is not None:
            self._p.users.lock_until(user.tenant, user.username, now + wait)
        fact = lock_fact(user.tenant, user.username, now, context)
        self._p.events.publish([fact])
        self._record(policy, of_request(fact.id, user.tenant, user.username, now,
                                        "second_factor_locked", context))
        return Locked(wait, started=True)

    def _record(self, policy: TenantPolicy, event: AuditEvent) -> None:
        self._p.audit.record(event.kept_for(policy))


def _retry_after(counted: Counted, now: float) -> int | None:
    if counted.failures >= LOCKOUT_CEILING or counted.locked_until is None:
        return None  # the ceiling: only an operator can unlock
    return _seconds_until(counted.locked_until, now)


def _seconds_until(at: float | None, now: float) -> int:
    return max(1, math.ceil((at or now) - now))
