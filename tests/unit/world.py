"""The core wired over in-memory fakes, with real (but tiny) argon2: what the unit tests drive."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

import pyotp
from fakes import (
    CountingHasher,
    FakeAuditTrail,
    FakeAuthenticatorRepository,
    FakeClock,
    FakeCodeSetRepository,
    FakeDatabase,
    FakeEventPublisher,
    FakePasswordAttemptRepository,
    FakeSessionRepository,
    FakeSignInStore,
    FakeTenantRepository,
    FakeUserRepository,
)

from functions import crypto
from functions.core.authenticator import AuthenticatorParts, Authenticators
from functions.core.backup_codes import BackupCodeService
from functions.core.model import RequestContext, Session, Tenant, User
from functions.core.policy import TenantPolicy
from functions.core.ports import EventPublisher
from functions.core.sessions import SessionLimits, Sessions, Tokens
from functions.core.signin import (
    Authenticated,
    LoginFlows,
    LoginResult,
    SecondFactors,
    SignIn,
    SignInParts,
    parse_second_factor,
)
from functions.core.tenants import TenantDirectory
from functions.qr import SvgQrCodes
from functions.settings import Argon2Parameters

TENANT = "acme"
USERNAME = "alice"
PASSWORD = "correct horse battery staple"  # noqa: S105
CONTEXT = RequestContext.of("192.0.2.10", "pytest-agent/1.0")
LIMITS = SessionLimits(lifetime_seconds=12 * 3600, idle_seconds=2 * 3600, flow_seconds=300,
                       flow_max_attempts=5)
# argon2id at its smallest legal cost: real hashes, microseconds each.
TINY_ARGON2 = Argon2Parameters(memory_kib=8, time_cost=1, parallelism=1)


@dataclass
class World:
    clock: FakeClock
    db: FakeDatabase
    tenants: FakeTenantRepository
    users: FakeUserRepository
    passwords: FakePasswordAttemptRepository
    code_sets: FakeCodeSetRepository
    sessions: FakeSessionRepository
    hasher: CountingHasher
    tagger: crypto.HmacTagger
    backup_codes: BackupCodeService
    signin: SignIn
    sessions_service: Sessions
    directory: TenantDirectory
    totp_secret: str
    authenticator_store: FakeAuthenticatorRepository
    authenticators: Authenticators
    events: FakeEventPublisher
    audit: FakeAuditTrail

    def policy(self, tenant: str = TENANT) -> TenantPolicy:
        return self.directory.policy(tenant)

    def add_user(self, username: str = USERNAME, *, totp: bool = True) -> User:
        user = User(tenant=TENANT, username=username, password_hash=self.hasher.hash(PASSWORD),
                    created_at=self.clock.now(),
                    totp_secret=self.totp_secret if totp else None)
        self.users.create(user)
        return user

    def totp_now(self) -> str:
        return pyotp.TOTP(self.totp_secret).at(self.clock.now())

    def login(self, username: str = USERNAME, password: str = PASSWORD) -> LoginResult:
        return self.signin.login(TENANT, self.policy(), username, password, CONTEXT)

    def sign_in_token(self, username: str = USERNAME) -> str:
        """A session token, through the password and (when the user has one) TOTP."""
        result = self.login(username)
        if result.status == "authenticated":
            assert result.session_token is not None
            return result.session_token
        assert result.flow_token is not None
        self.clock.advance(30)  # a fresh TOTP step: a used one is refused
        return self.second_factor(result.flow_token, "totp", self.totp_now()).session_token

    def second_factor(self, flow: object, method: object, code: object) -> Authenticated:
        """The second step as the API takes it: the raw input parsed, then checked."""
        return self.signin.second_factor(TENANT, self.policy(),
                                         parse_second_factor(flow, method, code), CONTEXT)

    def signed_in(self, username: str = USERNAME) -> Session:
        return self.sessions_service.resolve(TENANT, self.sign_in_token(username))


def build_world(argon2: crypto.Argon2Hasher,
                wrap_events: Callable[[EventPublisher], EventPublisher] | None = None) -> World:
    """The core over fakes; `wrap_events` wraps the fake publisher the sign-in announces
    to (as the service wraps its own to make it best effort), if given."""
    clock = FakeClock()
    db = FakeDatabase()
    tenants, users = FakeTenantRepository(db), FakeUserRepository(db)
    code_sets, sessions = FakeCodeSetRepository(db), FakeSessionRepository(db)
    passwords = FakePasswordAttemptRepository(db)
    hasher = CountingHasher(argon2)
    keys = crypto.KeyRing.fixed(secrets.token_bytes(32))
    tagger = crypto.HmacTagger(keys)
    backup_codes = BackupCodeService(code_sets, hasher, tagger, clock, new_generation=crypto.new_id)
    tokens = Tokens(crypto.new_token, crypto.token_hash, crypto.new_id)
    sessions_service = Sessions(sessions, users, hasher, tokens, clock, LIMITS)
    published = FakeEventPublisher()
    audit = FakeAuditTrail(db.audit)  # one trail: the users' writes add to it too
    signin = SignIn(SignInParts(
        users=users, passwords=passwords, store=FakeSignInStore(db),
        flows=LoginFlows(crypto.TokenSigner(keys), crypto.new_id, clock, LIMITS),
        factors=SecondFactors(code_sets, backup_codes, crypto.Totp(), crypto.new_id),
        hasher=hasher, sessions=sessions_service, clock=clock, new_id=crypto.new_id,
        events=wrap_events(published) if wrap_events else published, audit=audit))
    tenants.create(Tenant(TENANT, "Acme", clock.now()), TenantPolicy())
    directory = TenantDirectory(tenants, clock, 30.0)
    authenticator_store = FakeAuthenticatorRepository(db)
    authenticators = Authenticators(AuthenticatorParts(
        store=authenticator_store, users=users, code_sets=code_sets, totp=crypto.Totp(),
        qr=SvgQrCodes(),
        tenants=directory, clock=clock, new_id=crypto.new_id))
    return World(clock=clock, db=db, tenants=tenants, users=users, passwords=passwords,
                 code_sets=code_sets, sessions=sessions, hasher=hasher, tagger=tagger,
                 backup_codes=backup_codes, signin=signin, sessions_service=sessions_service,
                 directory=directory, totp_secret=pyotp.random_base32(),
                 authenticator_store=authenticator_store, authenticators=authenticators,
                 events=published, audit=audit)
