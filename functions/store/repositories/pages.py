"""Cursors of paged lists: DynamoDB's start key, carried by the client as base64url JSON,
and taken back only for the same list (the same partition), never another's."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from ...core.errors import InvalidRequest


def encode_cursor(key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, sort_keys=True).encode()).decode()


def decode_cursor(cursor: str | None, partition: tuple[str, str]) -> dict[str, Any] | None:
    """The start key a cursor carries, checked to be one of this very list."""
    if cursor is None:
        return None
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidRequest("That is not a cursor of this list.") from error
    name, value = partition
    if (not isinstance(decoded, dict) or decoded.get(name) != {"S": value}
            or not all(isinstance(v, dict) and set(v) == {"S"} for v in decoded.values())):
        raise InvalidRequest("That is not a cursor of this list.")
    return decoded
