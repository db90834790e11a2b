"""The composition root: the one place that builds stores, hashers, clock and services."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from . import crypto
from .core.account import Account
from .core.authenticator import AuthenticatorParts, Authenticators
from .core.authorization import Authorization, ProviderParts
from .core.backup_codes import BackupCodeService
from .core.clients import ClientRegistry
from .core.logout import Logout
from .core.ports import Clock, Hasher, JwtSigner
from .core.purge import PurgeService
from .core.sessions import SessionLimits, Sessions, Tokens
from .core.signin import LoginFlows, SecondFactors, SignIn, SignInParts
from .core.tenants import TenantDirectory
from .core.tokens import TokenEndpoint
from .delivery import HttpLogoutDelivery
from .operator import Operator
from .qr import SvgQrCodes
from .settings import Settings
from .signing import KmsJwtSigner, kms_client
from .store.models import UserModel, bind_models
from .store.repositories import (
    DynamoAuthenticatorRepository,
    DynamoClientRepository,
    DynamoCodeSetRepository,
    DynamoGrantStore,
    DynamoPasswordAttemptRepository,
    DynamoSessionRepository,
    DynamoSignInStore,
    DynamoTenantRepository,
    DynamoUserRepository,
)
from .store.secrets import read_lookup_key

TOKENS = Tokens(crypto.new_token, crypto.token_hash, crypto.new_id)


class SystemClock:
    def now(self) -> float:
        return time.time()


@dataclass(frozen=True)
class Repositories:
    """The storage side, bound to the settings' tables."""

    tenants: DynamoTenantRepository
    users: DynamoUserRepository
    password_attempts: DynamoPasswordAttemptRepository
    code_sets: DynamoCodeSetRepository
    sessions: DynamoSessionRepository
    signin: DynamoSignInStore
    clients: DynamoClientRepository
    grants: DynamoGrantStore
    authenticators: DynamoAuthenticatorRepository


# The sign-in step reads the user and the code set at once: two requests in flight
# per request at most, so a small pool per container does.
_PARALLEL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="dynamodb")


def build_repositories(settings: Settings) -> Repositories:
    bind_models(settings)
    # Transactions go through the connection (and so the botocore client) the users'
    # model already has; one per container.
    connection = UserModel._get_connection().connection
    code_sets = DynamoCodeSetRepository(connection)
    return Repositories(DynamoTenantRepository(), DynamoUserRepository(),
                        DynamoPasswordAttemptRepository(), code_sets,
                        DynamoSessionRepository(connection),
                        DynamoSignInStore(connection, code_sets, _PARALLEL),
                        DynamoClientRepository(), DynamoGrantStore(connection),
                        DynamoAuthenticatorRepository(connection))


def lookup_keys(settings: Settings, key: bytes | None = None) -> crypto.KeyRing:
    """The lookup-tag key ring: SSM's versions of the parameter, or a given key."""
    if key is not None:
        return crypto.KeyRing.fixed(key)
    return crypto.KeyRing(lambda version: read_lookup_key(
        settings.lookup_key_parameter, settings.region, settings.ssm_endpoint, version))


@dataclass(frozen=True)
class Services:
    """What the routes and the stream handler call: domain services only."""

    settings: Settings
    tenants: TenantDirectory
    signin: SignIn
    sessions: Sessions
    account: Account
    backup_codes: BackupCodeService
    authenticators: Authenticators
    purges: PurgeService
    authorization: Authorization
    tokens: TokenEndpoint
    logout: Logout


def build_services(settings: Settings, lookup_key: bytes | None = None,
                   hasher: Hasher | None = None, clock: Clock | None = None) -> Services:
    """Wire the service; the lookup key is read from SSM (on first use) unless given."""
    stores = build_repositories(settings)
    keys = lookup_keys(settings, lookup_key)
    clock = clock or SystemClock()
    hasher = hasher or crypto.Argon2Hasher(settings.argon2)
    tokens = TOKENS
    limits = SessionLimits(lifetime_seconds=settings.session_lifetime_seconds,
                           idle_seconds=settings.session_idle_seconds,
                           flow_seconds=settings.login_flow_seconds,
                           flow_max_attempts=settings.login_flow_max_attempts)
    tenants = TenantDirectory(stores.tenants, clock, settings.tenant_cache_seconds)
    backup_codes = BackupCodeService(stores.code_sets, hasher, crypto.HmacTagger(keys), clock,
                                     new_generation=crypto.new_id)
    sessions = Sessions(stores.sessions, stores.users, hasher, tokens, clock, limits)
    signin = SignIn(SignInParts(
        users=stores.users, passwords=stores.password_attempts, store=stores.signin,
        flows=LoginFlows(crypto.TokenSigner(keys), crypto.new_id, clock, limits),
        factors=SecondFactors(stores.code_sets, backup_codes, crypto.Totp(), crypto.new_id),
        hasher=hasher, sessions=sessions, clock=clock, new_id=crypto.new_id))
    authenticators = Authenticators(AuthenticatorParts(
        store=stores.authenticators, users=stores.users, code_sets=stores.code_sets,
        totp=crypto.Totp(), qr=SvgQrCodes(),
        tenants=tenants, clock=clock, new_id=crypto.new_id))
    provider = ProviderParts(stores.clients, stores.grants, stores.users, tokens, clock)
    signer = _jwt_signer(settings)
    return Services(settings=settings, tenants=tenants, signin=signin, sessions=sessions,
                    account=Account(stores.users, stores.code_sets), backup_codes=backup_codes,
                    authenticators=authenticators, purges=PurgeService(tenants, stores.sessions),
                    authorization=Authorization(provider),
                    tokens=TokenEndpoint(provider, signer),
                    logout=Logout(provider, signer, stores.sessions, HttpLogoutDelivery()))


def _jwt_signer(settings: Settings) -> JwtSigner:
    return KmsJwtSigner(settings.signing_key_ids,
                        kms_client(settings.region, settings.kms_endpoint))


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
    stores = build_repositories(settings)
    clients = ClientRegistry(stores.clients, TOKENS, SystemClock(),
                             allow_http_loopback=settings.allow_http_loopback)
    return Operator(stores.tenants, stores.users,
                    hasher or crypto.Argon2Hasher(settings.argon2), clients)
