"""Reading the code-set table's stream records: which purge a record asks for, and the
change it states (for the security facts, functions/core/security_events.py).

Every change to a user's second factor (codes added, regenerated or removed, the
authenticator set up or removed) moves the item's credential generation; spending a
code does not. So a record purges exactly when the credential generation moved, or
the item appeared or vanished. A record that cannot be read raises: it is
reported as a batch item failure, retried, and at last sent to the failure queue,
never skipped.
"""

from __future__ import annotations

from typing import Any

from ..core.audit import ACTOR_USER, is_actor
from ..core.grants import EndedSession
from ..core.languages import supported
from ..core.purge import PurgeOrder
from ..core.security_events import CodeSetChange, CodeSetImage, UsageEntry


class UnreadableRecord(ValueError):
    """A stream record without what its reader needs; never a secret in the message."""


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


def code_set_change(record: dict[str, Any]) -> CodeSetChange:
    """The record's old and new images as domain values: counts of codes, never codes."""
    event = record.get("eventName")
    data = record.get("dynamodb") or {}
    new, old = data.get("NewImage"), data.get("OldImage")
    if event not in ("INSERT", "MODIFY", "REMOVE") or (event != "REMOVE" and not new):
        raise UnreadableRecord(f"Unexpected stream event {event!r} without a new image.")
    at = data.get("ApproximateCreationDateTime")
    return CodeSetChange(old=_image(old, at) if old else None,
                         new=_image(new, at) if new and event != "REMOVE" else None)


def _image(image: dict[str, Any], at: Any) -> CodeSetImage:
    tenant, username = _value(image, "tenant"), _value(image, "username")
    changed_at = _value(image, "changed_at") or at
    if not isinstance(tenant, str) or not isinstance(username, str) or changed_at is None:
        raise UnreadableRecord("A code-set record without tenant, username or time.")
    return CodeSetImage(
        tenant=tenant, username=username, enabled=bool(_value(image, "enabled")),
        remaining=len((image.get("codes") or {}).get("M") or {}),
        total=int(_value(image, "total") or 0), credential_generation=_generation(image),
        change=_value(image, "change"), changed_at=float(changed_at),
        usage=tuple(_usage(entry.get("M") or {})
                    for entry in (image.get("usage") or {}).get("L") or []),
        language=supported(_value(image, "language")),
        changed_ip=_value(image, "changed_ip"),
        changed_user_agent=_value(image, "changed_user_agent"),
        actor=_actor(_value(image, "changed_by")))


def _actor(changed_by: Any) -> str:
    # A user's own change names their session (its token's hash): never carried on.
    return changed_by if isinstance(changed_by, str) and is_actor(changed_by) else ACTOR_USER


def _usage(entry: dict[str, Any]) -> UsageEntry:
    at = _value(entry, "at")
    if at is None:
        raise UnreadableRecord("A code use without its time.")
    return UsageEntry(at=float(at), ip=_value(entry, "ip") or "",
                      user_agent=_value(entry, "user_agent") or "",
                      use_id=_value(entry, "use_id"))


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
