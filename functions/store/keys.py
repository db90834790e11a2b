"""Every DynamoDB key is built here; the tenant id leads each one.

Tenant ids and usernames are validated to exclude '#', so keys cannot collide.
"""

from __future__ import annotations

import hashlib


def tenant_pk(tenant: str) -> str:
    return f"TENANT#{tenant}"


def user_pk(tenant: str, username: str) -> str:
    return f"TENANT#{tenant}#USER#{username}"


def code_set_pk(tenant: str, username: str) -> str:
    return user_pk(tenant, username)


def session_pk(tenant: str, token_hash: str) -> str:
    return f"TENANT#{tenant}#SESSION#{token_hash}"


def password_attempts_pk(tenant: str, username: str) -> str:
    return f"TENANT#{tenant}#LOGIN#{username}"


def client_sk(client_id: str) -> str:
    return f"CLIENT#{client_id}"


def pending_authorization_pk(tenant: str, request_id: str) -> str:
    return f"TENANT#{tenant}#AUTHZ#{request_id}"


def code_grant_pk(tenant: str, code_hash: str) -> str:
    return f"TENANT#{tenant}#CODE#{code_hash}"


def access_token_pk(tenant: str, token_hash: str) -> str:
    return f"TENANT#{tenant}#TOKEN#{token_hash}"


def session_index_pk(tenant: str, session_id: str) -> str:
    return f"TENANT#{tenant}#SID#{session_id}"


def notification_mark_pk(tenant: str, fact_id: str, recipient: str) -> str:
    # The address itself is not kept: the mark only needs to tell one from another.
    recipient_hash = hashlib.sha256(recipient.lower().encode()).hexdigest()[:32]
    return f"TENANT#{tenant}#NOTICE#{fact_id}#{recipient_hash}"


def token_hash_of_session_pk(pk: str) -> str:
    return pk.rsplit("#", 1)[1]


def audit_sk(at: float, event_id: str) -> str:
    """Time first, so a partition reads newest first; the id keeps equal times apart.
    Milliseconds, zero-padded: the order of the strings is the order of the times."""
    return f"{round(at * 1000):015d}#{event_id}"
