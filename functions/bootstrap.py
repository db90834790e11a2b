"""The composition root: the one place that builds stores, hashers, clock and services."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from . import crypto
from .core.account import Account
from .core.admin import Administration, AdminParts
from .core.authenticator import AuthenticatorParts, Authenticators
from .core.authorization import Authorization, ProviderParts
from .core.backup_codes import BackupCodeService
from .core.clients import CachedClients, ClientRegistry
from .core.fanout import AuditedFacts, PublishedEvents, SecurityFanOut
from .core.logout import Logout
from .core.notifications import Notifications
from .core.ports import Clock, EventPublisher, Hasher, JwtSigner, Mailer
from .core.purge import PurgeService
from .core.sessions import SessionLimits, Sessions, Tokens
from .core.signin import LoginFlows, SecondFactors, SignIn, SignInParts
from .core.tenants import TenantDirectory
from .core.tokens import TokenEndpoint
from .delivery import HttpLogoutDelivery
from .lazy import Lazy
from .operator import Operator
from .outbound.clients import lazy_client
from .outbound.eventbridge import BestEffort, EventBridgePublisher
from .outbound.ses import SesMailer
from .qr import SvgQrCodes
from .settings import Settings
from .signing import KmsJwtSigner, kms_client
from .store.models import UserModel, bind_models
from .store.repositories import (
    DynamoAuditTrail,
    DynamoAuthenticatorRepository,
    DynamoClientRepository,
    DynamoCodeSetRepository,
    DynamoGrantStore,
    DynamoNotificationMarks,
    DynamoPasswordAttemptRepository,
    DynamoSessionRepository,
    DynamoSignInStore,
    DynamoTenantRepository,
    DynamoUserChanges,
    DynamoUserDirectory,
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
    notification_marks: DynamoNotificationMarks
    audit: DynamoAuditTrail
    user_changes: DynamoUserChanges
    user_directory: DynamoUserDirectory


# The sign-in step reads the user and the code set at once: two requests in flight
# per request at most, so a small pool per container does.
_PARALLEL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="dynamodb")


def build_repositories(settings: Settings) -> Repositories:
    bind_models(settings)
    # Transactions go through the connection (and so the botocore client) the users'
    # model already has; one per container.
    connection = UserModel._get_connection().connection
    code_sets = DynamoCodeSetRepository(connection)
    return Repositories(DynamoTenantRepository(), DynamoUserRepository(connection),
                        DynamoPasswordAttemptRepository(), code_sets,
                        DynamoSessionRepository(connection),
                        DynamoSignInStore(connection, code_sets, _PARALLEL),
                        DynamoClientRepository(), DynamoGrantStore(connection),
                        DynamoAuthenticatorRepository(connection), DynamoNotificationMarks(),
                        DynamoAuditTrail(), DynamoUserChanges(connection),
                        DynamoUserDirectory())


def lookup_keys(settings: Settings, key: bytes | None = None) -> crypto.KeyRing:
    """The lookup-tag key ring: SSM's versions of the parameter, or a given key."""
    if key is not None:
        return crypto.KeyRing.fixed(key)
    return crypto.KeyRing(lambda version: read_lookup_key(
        settings.lookup_key_parameter, settings.region, settings.ssm_endpoint, version))


@dataclass(frozen=True)
class Outbound:
    """What leaves the service: events for the stream's consumer (retried until they
    are out, or the record fails), the same events published inline from a request
    (briefly, never failing it), and emails."""

    events: EventPublisher
    inline_events: EventPublisher
    mailer: Mailer


def build_outbound(settings: Settings, clock: Clock) -> Outbound:
    config = settings.outbound

    def events_client(connect: float, read: float, attempts: int) -> Lazy[Any]:
        return lazy_client("events", settings.region, config.events_endpoint,
                           connect_timeout=connect, read_timeout=read, attempts=attempts)

    # Inline, a sign-in waits for the publish: two tries of a second or so at most.
    inline = EventBridgePublisher(events_client(0.5, 1.0, 2), config.event_bus_name,
                                  attempts=2, pause_seconds=0.05)
    ses = lazy_client("sesv2", settings.region, config.ses_endpoint, connect_timeout=2.0,
                      read_timeout=5.0, attempts=3)
    return Outbound(
        events=EventBridgePublisher(events_client(2.0, 5.0, 3), config.event_bus_name),
        inline_events=BestEffort(inline),
        mailer=SesMailer(ses, config.email_domain, config.email_sender, clock.now))


@dataclass(frozen=True)
class Services:
    """What the routes and the stream handlers call: domain services only."""

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
    security: SecurityFanOut
    admin: Administration


def build_services(settings: Settings, lookup_key: bytes | None = None,  # noqa: PLR0913
                   hasher: Hasher | None = None, clock: Clock | None = None,
                   outbound: Outbound | None = None) -> Services:
    """Wire the service; the lookup key is read from SSM (on first use) unless given.

    Tests give their own hasher, clock or outbound adapters; hence the arguments."""
    stores = build_repositories(settings)
    keys = lookup_keys(settings, lookup_key)
    clock = clock or SystemClock()
    outbound = outbound or build_outbound(settings, clock)
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
        hasher=hasher, sessions=sessions, clock=clock, new_id=crypto.new_id,
        events=outbound.inline_events, audit=stores.audit))
    authenticators = Authenticators(AuthenticatorParts(
        store=stores.authenticators, users=stores.users, code_sets=stores.code_sets,
        totp=crypto.Totp(), qr=SvgQrCodes(),
        tenants=tenants, clock=clock, new_id=crypto.new_id))
    authorization, token_endpoint, logout = _openid_provider(settings, stores, clock)
    return Services(settings=settings, tenants=tenants, signin=signin, sessions=sessions,
                    account=Account(stores.users, stores.code_sets, stores.audit),
                    backup_codes=backup_codes,
                    authenticators=authenticators, purges=PurgeService(tenants, stores.sessions),
                    security=_security(settings, stores, tenants, outbound, clock),
                    authorization=authorization, tokens=token_endpoint, logout=logout,
                    admin=administration(stores, hasher, clock))


def administration(stores: Repositories, hasher: Hasher, clock: Clock) -> Administration:
    return Administration(AdminParts(
        users=stores.users, directory=stores.user_directory, changes=stores.user_changes,
        audit=stores.audit, hasher=hasher, clock=clock, new_id=crypto.new_id))


def _security(settings: Settings, stores: Repositories, tenants: TenantDirectory,
              outbound: Outbound, clock: Clock) -> SecurityFanOut:
    # The emails link users to {PUBLIC_ORIGIN}/t/{tenant}/ (the function that sends them
    # always knows it: infra/template.yaml).
    notifications = Notifications(stores.users, stores.notification_marks, outbound.mailer,
                                  clock, settings.public_origin or "")
    # The audit trail, then emails, then events: see functions/core/fanout.py.
    return SecurityFanOut(tenants, [AuditedFacts(stores.audit), notifications,
                                    PublishedEvents(outbound.events)])


def _openid_provider(settings: Settings, stores: Repositories,
                     clock: Clock) -> tuple[Authorization, TokenEndpoint, Logout]:
    clients = CachedClients(stores.clients, clock, settings.tenant_cache_seconds)
    provider = ProviderParts(clients, stores.grants, stores.users, TOKENS, clock)
    signer = _jwt_signer(settings)
    return (Authorization(provider), TokenEndpoint(provider, signer),
            Logout(provider, signer, stores.sessions, HttpLogoutDelivery()))


def _jwt_signer(settings: Settings) -> JwtSigner:
    return KmsJwtSigner(settings.signing_key_ids,
                        kms_client(settings.region, settings.kms_endpoint))


class LazyServices(Lazy[Services]):
    """Builds the services on first use, once, so importing the app costs no I/O."""


def build_operator(settings: Settings, hasher: Hasher | None = None) -> Operator:
    """What the operator CLI and the local seed need: no lookup key, no sessions."""
    stores = build_repositories(settings)
    clients = ClientRegistry(stores.clients, TOKENS, SystemClock(),
                             allow_http_loopback=settings.allow_http_loopback)
    hasher = hasher or crypto.Argon2Hasher(settings.argon2)
    return Operator(stores.tenants, stores.users, administration(stores, hasher, SystemClock()),
                    clients)
