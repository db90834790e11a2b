"""Every environment variable the service reads, read once into one object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Argon2Parameters:
    """argon2id cost; the defaults are OWASP's first recommended setting."""

    memory_kib: int = 19456
    time_cost: int = 2
    parallelism: int = 1


@dataclass(frozen=True)
class OutboundSettings:
    """Security events and emails (functions/outbound/)."""

    event_bus_name: str
    events_endpoint: str | None
    ses_endpoint: str | None
    # The SES identity (a verified domain) every email is sent from, and the stack's
    # own sender in it; a tenant may name another sender in the same domain.
    email_domain: str
    email_sender: str

    @classmethod
    def from_env(cls, env: Mapping[str, str], prefix: str) -> OutboundSettings:
        email_domain = (env.get("EMAIL_DOMAIN") or "example.com").lower()
        return cls(
            event_bus_name=env.get("EVENT_BUS_NAME", f"{prefix}-security"),
            events_endpoint=env.get("EVENTS_ENDPOINT") or None,
            ses_endpoint=env.get("SES_ENDPOINT") or None,
            email_domain=email_domain,
            email_sender=env.get("EMAIL_SENDER") or f"no-reply@{email_domain}")


@dataclass(frozen=True)
class Settings:
    tenants_table: str
    users_table: str
    code_sets_table: str
    sessions_table: str
    transient_table: str
    clients_table: str
    audit_table: str
    lookup_key_parameter: str
    region: str
    dynamodb_endpoint: str | None
    ssm_endpoint: str | None
    argon2: Argon2Parameters
    secure_cookies: bool
    session_lifetime_seconds: int
    session_idle_seconds: int
    login_flow_seconds: int
    login_flow_max_attempts: int
    tenant_cache_seconds: float
    client_ip_header: str | None
    code_sets_stream_arn: str
    sessions_stream_arn: str
    # The OpenID Provider's signing keys (KMS key ARNs): the first signs, all verify
    # and are published; the previous key stays listed through a rotation.
    signing_key_ids: tuple[str, ...]
    kms_endpoint: str | None
    # The service's public origin (https://id.example.com): issuers are {origin}/t/{tenant}.
    # Unset in the API behind CloudFront's own domain: the viewer's host, which the
    # edge function forwards, is the origin then (infra/template.yaml).
    public_origin: str | None
    # Local runs only: back-channel logout to http://localhost (demo application).
    allow_http_loopback: bool
    # During a rotation CloudFront may send either: both are accepted.
    origin_secrets: tuple[str, ...]
    outbound: OutboundSettings

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        argon2 = Argon2Parameters()
        prefix = env.get("TABLE_PREFIX", "backup-codes")
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
        return cls(
            **_tables(env, prefix),
            lookup_key_parameter=env.get("LOOKUP_KEY_PARAMETER", "/backup-codes/lookup-key"),
            region=region,
            dynamodb_endpoint=env.get("DYNAMODB_ENDPOINT") or None,
            ssm_endpoint=env.get("SSM_ENDPOINT") or None,
            argon2=Argon2Parameters(
                memory_kib=int(env.get("ARGON2_MEMORY_KIB", argon2.memory_kib)),
                time_cost=int(env.get("ARGON2_TIME_COST", argon2.time_cost)),
                parallelism=int(env.get("ARGON2_PARALLELISM", argon2.parallelism)),
            ),
            # Cookies are Secure with the __Host- prefix everywhere but local http.
            secure_cookies=env.get("SECURE_COOKIES", "true").lower() != "false",
            session_lifetime_seconds=int(env.get("SESSION_LIFETIME_SECONDS", str(12 * 3600))),
            session_idle_seconds=int(env.get("SESSION_IDLE_SECONDS", str(2 * 3600))),
            login_flow_seconds=int(env.get("LOGIN_FLOW_SECONDS", "300")),
            login_flow_max_attempts=int(env.get("LOGIN_FLOW_MAX_ATTEMPTS", "5")),
            tenant_cache_seconds=float(env.get("TENANT_CACHE_SECONDS", "30")),
            # Behind CloudFront: CloudFront-Viewer-Address. Unset: API Gateway's sourceIp.
            client_ip_header=env.get("CLIENT_IP_HEADER") or None,
            # Set in AWS: CloudFront sends it with every API request, so a caller of
            # API Gateway's own address (past CloudFront, its WAF and its viewer
            # address header) is refused.
            origin_secrets=tuple(secret for secret in (env.get("ORIGIN_SECRET"),
                                                       env.get("ORIGIN_SECRET_PREVIOUS"))
                                 if secret),
            code_sets_stream_arn=env.get("CODE_SETS_STREAM_ARN")
            or _stream_arn_for_chalice(region, f"{prefix}-code-sets"),
            sessions_stream_arn=env.get("SESSIONS_STREAM_ARN")
            or _stream_arn_for_chalice(region, f"{prefix}-sessions"),
            outbound=OutboundSettings.from_env(env, prefix),
            **_provider(env),
        )


def _tables(env: Mapping[str, str], prefix: str) -> dict[str, Any]:
    return {f"{name}_table": env.get(f"{name.upper()}_TABLE", f"{prefix}-{table}")
            for name, table in (("tenants", "tenants"), ("users", "users"),
                                ("code_sets", "code-sets"), ("sessions", "sessions"),
                                ("transient", "transient"), ("clients", "clients"),
                                ("audit", "audit"))}


def _provider(env: Mapping[str, str]) -> dict[str, Any]:
    """The OpenID Provider's settings."""
    keys = env.get("SIGNING_KEY_IDS", "").split(",")
    return {
        "signing_key_ids": tuple(key.strip() for key in keys if key.strip()),
        "kms_endpoint": env.get("KMS_ENDPOINT") or None,
        "public_origin": (env.get("PUBLIC_ORIGIN") or "").rstrip("/") or None,
        "allow_http_loopback": env.get("ALLOW_HTTP_LOOPBACK", "false").lower() == "true",
    }


def _stream_arn_for_chalice(region: str, table: str) -> str:
    # Chalice wants a stream ARN when the app is defined, and a table's stream ARN is
    # known only once the table exists: in AWS the event source mappings are
    # CloudFormation's (infra/template.yaml, `!GetAtt ….StreamArn`), and locally the
    # pump reads moto's stream itself. This well-formed ARN is never read.
    return f"arn:aws:dynamodb:{region}:000000000000:table/{table}/stream/1970-01-01T00:00:00.000"
