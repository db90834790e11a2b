"""Reading the code-set table's stream records: which purge a record asks for.

Every change to a user's second factor (codes added, regenerated or removed, the
authenticator set up or removed) moves the item's credential generation; spending a
code does not. So a record purges exactly when the credential generation moved, or
the item appeared or vanished. A record that cannot be read raises: it is
reported as a batch item failure, retried, and at last sent to the failure queue,
never skipped.
"""

from __future__ import annotations

from typing import Any

from ..core.grants import EndedSession
from ..core.purge import PurgeOrder


class UnreadableRecord(ValueError):
    """A stream record without what a purge needs; never a secret in the message."""


def _value(image: dict[str, Any] | None, name: str) -> Any:
    if not image or name not in image:
        return None
    typed = image[name]
    if "S" in typed:
        return typed["S"]
    if "N" in typed:
        return float(typed["N"])
    if "BOOL" in typed:
        return bool(typed["BOOL"])
    return None


def _generation(image: dict[str, Any] | None) -> str | None:
    # Items written before credential generations existed: the set's generation
    # moved with every change then.
    return _value(image, "credential_generation") or _value(image, "generation")


def purge_order(record: dict[str, Any]) -> PurgeOrder | None:
    """The purge a Lambda-shaped DynamoDB stream record asks for, if any."""
    event = record.get("eventName")
    data = record.get("dynamodb") or {}
    new, old = data.get("NewImage"), data.get("OldImage")
    if event == "REMOVE":
        # The item was deleted outright (an operator removing the user):
        # nothing says which session to keep, so none is kept.
        at = data.get("ApproximateCreationDateTime") or _value(old, "changed_at")
        return _order(old, at, _generation(old), None, "deleted")
    if event not in ("INSERT", "MODIFY") or not new:
        raise UnreadableRecord(f"Unexpected stream event {event!r} without a new image.")
    if event == "MODIFY" and _generation(old) == _generation(new):
        return None  # a code was spent: sessions stay
    return _order(new, _value(new, "changed_at"), _generation(old),
                  _value(new, "changed_by"), _value(new, "change"))


def _order(image: dict[str, Any] | None, at: Any, old_generation: str | None,
           keep: str | None, change: str | None) -> PurgeOrder:
    tenant, username = _value(image, "tenant"), _value(image, "username")
    if not isinstance(tenant, str) or not isinstance(username, str) or at is None:
        raise UnreadableRecord("A code-set record without tenant, username or time.")
    return PurgeOrder(tenant=tenant, username=username, changed_at=float(at),
                      old_generation=old_generation, keep_session=keep,
                      change=change or "changed")


def ended_session(record: dict[str, Any]) -> EndedSession | None:
    """From the sessions table's stream: a session that ended and had signed in to
    applications (its deletion: a sign-out, an end, a purge or its expiry by TTL)."""
    if record.get("eventName") != "REMOVE":
        return None
    old = (record.get("dynamodb") or {}).get("OldImage")
    clients = ((old or {}).get("clients") or {}).get("SS") or []
    if not clients:
        return None
    tenant, username = _value(old, "tenant"), _value(old, "username")
    session_id = _value(old, "session_id")
    if not (isinstance(tenant, str) and isinstance(username, str)
            and isinstance(session_id, str)):
        raise UnreadableRecord("A session record without tenant, username or session id.")
    return EndedSession(tenant=tenant, username=username, session_id=session_id,
                        subject=_value(old, "subject"), client_ids=tuple(sorted(clients)))
