"""Reading the code-set table's stream records: which purge a record asks for.

Every change a user makes to the codes (add, regenerate, remove) gets a new
generation; spending a code does not. So a record purges exactly when the
generation moved, or the item appeared or vanished.
"""

from __future__ import annotations

from typing import Any

from ..core.purge import PurgeOrder


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


def purge_order(record: dict[str, Any]) -> PurgeOrder | None:
    """The purge a Lambda-shaped DynamoDB stream record asks for, if any."""
    event = record.get("eventName")
    data = record.get("dynamodb") or {}
    new, old = data.get("NewImage"), data.get("OldImage")
    if event == "REMOVE":
        # The item was deleted outright (an operator removing the user):
        # nothing says which session to keep, so none is kept.
        at = float(data.get("ApproximateCreationDateTime") or _value(old, "changed_at") or 0)
        return PurgeOrder(_value(old, "tenant"), _value(old, "username"), at, None, "deleted")
    if event not in ("INSERT", "MODIFY") or not new:
        return None
    if event == "MODIFY" and _value(old, "generation") == _value(new, "generation"):
        return None  # a code was spent: sessions stay
    return PurgeOrder(tenant=_value(new, "tenant"), username=_value(new, "username"),
                      changed_at=_value(new, "changed_at"),
                      keep_session=_value(new, "changed_by"), change=_value(new, "change"))
