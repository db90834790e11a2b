"""Domain values as the contract's JSON (DESIGN.md, "HTTP contract"): names and ISO times."""

from __future__ import annotations

from typing import Any

from ..core.audit import AuditEvent
from ..core.model import (
    CodeSetStatus,
    IssuedCodes,
    Profile,
    Session,
    SessionSummary,
    TotpSetup,
    UserRow,
)
from ..core.signin import LoginResult
from ..isotime import iso


def login_result(result: LoginResult) -> dict[str, Any]:
    if result.session_token is not None:
        return {"status": result.status}
    return {"status": result.status, "flow": result.flow_token, "methods": list(result.methods)}


def authenticated(backup_codes_remaining: int | None) -> dict[str, Any]:
    return {"status": "authenticated", "backup_codes_remaining": backup_codes_remaining}


def profile(found: Profile) -> dict[str, Any]:
    return {"username": found.username, "tenant": found.tenant,
            "factors": {"totp": found.totp, "backup_codes": found.backup_codes}}


def code_set_status(status: CodeSetStatus) -> dict[str, Any]:
    return {"enabled": status.enabled, "total": status.total, "remaining": status.remaining,
            "created_at": iso(status.created_at), "last_used_at": iso(status.last_used_at),
            "generation": status.generation,
            "usage": [{"at": iso(u.at), "ip": u.ip, "user_agent": u.user_agent}
                      for u in status.usage]}


def issued_codes(issued: IssuedCodes) -> dict[str, Any]:
    return {"codes": issued.codes, "created_at": iso(issued.created_at),
            "generation": issued.generation}


def totp_setup(setup: TotpSetup) -> dict[str, Any]:
    return {"secret": setup.secret, "otpauth_uri": setup.otpauth_uri, "qr_svg": setup.qr_svg,
            "expires_at": iso(setup.expires_at)}


def sessions(found: list[SessionSummary], current: Session) -> dict[str, Any]:
    return {"sessions": [
        {"id": s.session_id, "created_at": iso(s.created_at),
         "last_seen_at": iso(s.last_seen_at), "ip": s.ip, "user_agent": s.user_agent,
         "current": s.session_id == current.session_id}
        for s in found]}


def audit_events(events: list[AuditEvent], next_cursor: str | None) -> dict[str, Any]:
    return {"events": [{"id": e.id, "at": iso(e.at), "type": e.type, "username": e.username,
                        "ip": e.ip, "user_agent": e.user_agent, "actor": e.actor,
                        "method": e.method} for e in events],
            "next": next_cursor}


def user_rows(rows: list[UserRow], next_cursor: str | None) -> dict[str, Any]:
    return {"users": [{"username": r.username, "created_at": iso(r.created_at),
                       "factors": {"totp": r.totp, "backup_codes": r.backup_codes},
                       "backup_codes_remaining": r.backup_codes_remaining,
                       "locked_until": iso(r.locked_until)} for r in rows],
            "next": next_cursor}
