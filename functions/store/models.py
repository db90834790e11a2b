"""PynamoDB models of the service's tables.

The tables themselves are defined once, in infra/template.yaml; the test
tests/integration/test_tables.py proves these models agree with it.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from ..settings import Settings


class TenantModel(Model):
    class Meta:
        table_name = "tenants"

    pk = UnicodeAttribute(hash_key=True)
    display_name = UnicodeAttribute()
    created_at = NumberAttribute()
    policy = MapAttribute[str, object]()


class UsersByTenant(GlobalSecondaryIndex["UserModel"]):
    class Meta:
        index_name = "by_tenant"
        projection = IncludeProjection(["created_at", "totp_enabled"])

    tenant = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute(range_key=True)


class UserModel(Model):
    class Meta:
        table_name = "users"

    pk = UnicodeAttribute(hash_key=True)
    tenant = UnicodeAttribute()
    username = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    totp_secret = UnicodeAttribute(null=True)
    totp_enabled = BooleanAttribute(default=False)
    totp_last_step = NumberAttribute(null=True)
    # Second-factor failures, counted before each check; `attempt` is the id of
    # the last counted attempt, so a retried count recognises itself.
    failed_attempts = NumberAttribute(default=0)
    locked_until = NumberAttribute(null=True)
    attempt = UnicodeAttribute(null=True)
    # Login flow id -> second-factor attempts made on it (FLOW_USED once it signed in).
    flows = MapAttribute[str, object](null=True)
    # An authenticator being set up (functions/core/authenticator.py): its secret, until
    # when a code may confirm it, and the confirmations counted before each check
    # (`totp_pending_attempt`: the id of the last one, so a retried count knows itself).
    totp_pending_secret = UnicodeAttribute(null=True)
    totp_pending_expires_at = NumberAttribute(null=True)
    totp_pending_attempts = NumberAttribute(null=True)
    totp_pending_attempt = UnicodeAttribute(null=True)
    created_at = NumberAttribute()
    # The user's OpenID subject: random, stable, unique per tenant (set at first use).
    subject = UnicodeAttribute(null=True)
    # Where the user's security notifications go (optional, set by the operator).
    email = UnicodeAttribute(null=True)
    by_tenant = UsersByTenant()


class UsageMap(MapAttribute[str, object]):
    at = NumberAttribute()
    ip = UnicodeAttribute()
    user_agent = UnicodeAttribute()
    # Unique per spend: a retried spend finds its own use in the list.
    use_id = UnicodeAttribute(null=True)


class CodeSetModel(Model):
    """One item per user; its stream drives the session purge."""

    class Meta:
        table_name = "code-sets"

    pk = UnicodeAttribute(hash_key=True)
    tenant = UnicodeAttribute()
    username = UnicodeAttribute()
    enabled = BooleanAttribute()
    generation = UnicodeAttribute()
    # lookup tag -> argon2id hash of one unused code (a raw map: tags are keys)
    codes = MapAttribute[str, str](null=True)
    total = NumberAttribute(default=0)
    created_at = NumberAttribute()
    last_used_at = NumberAttribute(null=True)
    usage = ListAttribute[UsageMap](of=UsageMap, null=True)
    # Which key version computed the lookup tags (functions/crypto.py).
    key_version = NumberAttribute(null=True)
    # Moves with every change to the user's second factor: a session authenticated
    # under another value is refused (functions/core/sessions.py).
    credential_generation = UnicodeAttribute(null=True)
    # The last change and the session that made it, for the stream purge.
    change = UnicodeAttribute()
    changed_by = UnicodeAttribute()
    changed_at = NumberAttribute()
    # Where the last change came from, for its security event (functions/core/
    # security_events.py): never the session, only the request's address and browser.
    changed_ip = UnicodeAttribute(null=True)
    changed_user_agent = UnicodeAttribute(null=True)
    # The language of the request behind the last spend or change: the user's email
    # about it is written in it (written in the same request, so no extra one).
    language = UnicodeAttribute(null=True)


class SessionsByUser(GlobalSecondaryIndex["SessionModel"]):
    class Meta:
        index_name = "by_user"
        projection = IncludeProjection(
            ["session_id", "last_seen_at", "ip", "user_agent", "expires_at",
             "credential_generation"]
        )

    user_pk = UnicodeAttribute(hash_key=True)
    created_at = NumberAttribute(range_key=True)


class SessionModel(Model):
    """Keyed by the hash of the session token; the token itself is never stored."""

    class Meta:
        table_name = "sessions"

    pk = UnicodeAttribute(hash_key=True)
    user_pk = UnicodeAttribute()
    session_id = UnicodeAttribute()
    tenant = UnicodeAttribute()
    username = UnicodeAttribute()
    created_at = NumberAttribute()
    last_seen_at = NumberAttribute()
    authenticated_at = NumberAttribute()
    # The user's credential generation when this session authenticated.
    credential_generation = UnicodeAttribute(null=True)
    # How the session authenticated (RFC 8176 method references: pwd, otp, ...).
    methods = ListAttribute[str](null=True)
    # Good only for setting up a second factor (a tenant's require_mfa), until it is.
    mfa_setup_required = BooleanAttribute(null=True)
    reauth_failures = NumberAttribute(null=True)
    reauth_attempt = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()
    ip = UnicodeAttribute()
    user_agent = UnicodeAttribute()
    # The applications this session signed in to, and the user's subject for them:
    # when the session ends (its REMOVE on the stream), each is sent a logout token.
    clients = UnicodeSetAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    by_user = SessionsByUser()


class TransientModel(Model):
    """Short-lived items of several kinds, each key typed by its prefix; TTL-deleted."""

    class Meta:
        table_name = "transient"

    pk = UnicodeAttribute(hash_key=True)
    expires_at = TTLAttribute()


class PasswordAttemptsModel(TransientModel):
    """Password failures of one username (existing or not), counted before each check."""

    failures = NumberAttribute(default=0)
    locked_until = NumberAttribute(null=True)
    attempt = UnicodeAttribute(null=True)


class SignedInUserMap(MapAttribute[str, object]):
    username = UnicodeAttribute()
    subject = UnicodeAttribute()
    session_id = UnicodeAttribute()
    auth_time = NumberAttribute()
    methods = ListAttribute[str]()


class PendingAuthorizationModel(TransientModel):
    """An authorization request waiting for the user to sign in on the page."""

    tenant = UnicodeAttribute()
    client_id = UnicodeAttribute()
    redirect_uri = UnicodeAttribute()
    scopes = ListAttribute[str]()
    state = UnicodeAttribute(null=True)
    nonce = UnicodeAttribute(null=True)
    code_challenge = UnicodeAttribute(null=True)
    prompt = UnicodeAttribute(null=True)
    max_age = NumberAttribute(null=True)
    created_at = NumberAttribute()
    valid_until = NumberAttribute()


class CodeGrantModel(TransientModel):
    """An authorization code, keyed by its hash; `redeemed` holds the hash of the
    access token its exchange issued (a replay revokes that token)."""

    tenant = UnicodeAttribute()
    client_id = UnicodeAttribute()
    redirect_uri = UnicodeAttribute()
    scopes = ListAttribute[str]()
    user = SignedInUserMap()
    valid_until = NumberAttribute()
    nonce = UnicodeAttribute(null=True)
    code_challenge = UnicodeAttribute(null=True)
    redeemed = UnicodeAttribute(null=True)


class AccessTokenModel(TransientModel):
    """An opaque access token, keyed by its hash."""

    tenant = UnicodeAttribute()
    client_id = UnicodeAttribute()
    scopes = ListAttribute[str]()
    issued_at = NumberAttribute()
    valid_until = NumberAttribute()
    user = SignedInUserMap(null=True)


class SessionIndexModel(TransientModel):
    """Session id (an ID token's `sid`) -> the session, for RP-initiated logout."""

    username = UnicodeAttribute()
    token_hash = UnicodeAttribute()


class ClientModel(Model):
    """A tenant's application; the secret only as its hash."""

    class Meta:
        table_name = "clients"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    client_id = UnicodeAttribute()
    name = UnicodeAttribute()
    redirect_uris = ListAttribute[str]()
    post_logout_redirect_uris = ListAttribute[str](null=True)
    secret_hash = UnicodeAttribute(null=True)
    backchannel_logout_uri = UnicodeAttribute(null=True)
    scopes = ListAttribute[str]()
    created_at = NumberAttribute()


class NotificationMarkModel(TransientModel):
    """One email sent: for a fact, to a recipient (its key holds a hash of the address).
    Its key and its expiry are all it has."""


class AuditByUser(GlobalSecondaryIndex["AuditModel"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    user_pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class AuditModel(Model):
    """One audit event: the tenant's partition, time-ordered (`sk` leads with the time)."""

    class Meta:
        table_name = "audit"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    user_pk = UnicodeAttribute()
    event_id = UnicodeAttribute()
    username = UnicodeAttribute()
    at = NumberAttribute()
    type = UnicodeAttribute()
    actor = UnicodeAttribute()
    ip = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    method = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)
    by_user = AuditByUser()


ALL_MODELS: tuple[type[Model], ...] = (
    TenantModel, UserModel, CodeSetModel, SessionModel, TransientModel, PasswordAttemptsModel,
    PendingAuthorizationModel, CodeGrantModel, AccessTokenModel, SessionIndexModel, ClientModel,
    NotificationMarkModel, AuditModel,
)

# Template logical id -> the model that defines the table's keys, the link between
# infra/template.yaml and code. Item kinds of a shared table subclass that model.
MODELS_BY_RESOURCE: dict[str, type[Model]] = {
    "TenantsTable": TenantModel,
    "UsersTable": UserModel,
    "CodeSetsTable": CodeSetModel,
    "SessionsTable": SessionModel,
    "TransientTable": TransientModel,
    "ClientsTable": ClientModel,
    "AuditTable": AuditModel,
}


def table_names(settings: Settings) -> dict[str, str]:
    return {
        "TenantsTable": settings.tenants_table,
        "UsersTable": settings.users_table,
        "CodeSetsTable": settings.code_sets_table,
        "SessionsTable": settings.sessions_table,
        "TransientTable": settings.transient_table,
        "ClientsTable": settings.clients_table,
        "AuditTable": settings.audit_table,
    }


def bind_models(settings: Settings) -> None:
    """Point every model at its table, region and endpoint (the composition root calls this)."""
    names = table_names(settings)
    for model in ALL_MODELS:
        resource = next(r for r, base in MODELS_BY_RESOURCE.items() if issubclass(model, base))
        model.Meta.table_name = names[resource]
        model.Meta.region = settings.region
        model.Meta.host = settings.dynamodb_endpoint
        # A connection made under an earlier binding must not be reused.
        model._connection = None
