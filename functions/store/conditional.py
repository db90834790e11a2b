"""The one place that runs DynamoDB conditional writes and reads what they say.

PynamoDB raises PutError, UpdateError or DeleteError for every failure of a single
write, TransactWriteError for a transaction; only a failed condition is an answer
("someone else got there first", "already gone"), everything else (throttling, a
network error) is raised as it is.

DynamoDB may apply a write and lose the answer; botocore then sends it again, and
the retry fails the very condition its first try satisfied. So a write says how it
recognises itself (`landed`): a marker unique to the request (a new generation, an
attempt id, a session's own key), read back from the item when the condition fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import (
    CancellationReason,
    DeleteError,
    PutError,
    TransactWriteError,
    UpdateError,
)
from pynamodb.transactions import TransactWrite

CONDITION_FAILED = "ConditionalCheckFailedException"
# Cancellation reasons that are answers; any other (ThrottlingError,
# TransactionConflict, ...) is raised.
_ANSWERS = {"None", "ConditionalCheckFailed"}


def condition_failed(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == CONDITION_FAILED


def applied(write: Callable[[], object], *, landed: Callable[[], bool] | None = None) -> bool:
    """Run one conditional write: True when it applied (or a try whose answer was
    lost had applied it: `landed()`), False when its condition did not hold."""
    try:
        write()
    except (PutError, UpdateError, DeleteError) as error:
        if not condition_failed(error):
            raise
        return landed is not None and landed()
    return True


Reasons = list[CancellationReason | None]


def transact(connection: Connection, build: Callable[[TransactWrite], None], *, token: str,
             landed: Callable[[Reasons], bool]) -> bool:
    """One TransactWriteItems, all or nothing: True when it applied, False when a
    condition of it did not hold.

    `token` is the ClientRequestToken: within ten minutes DynamoDB answers a retry
    of an applied transaction with success. `landed` recognises the transaction in
    the items a cancellation returns (ReturnValuesOnConditionCheckFailure=ALL_OLD),
    for when the token cannot help (a retry after the ten minutes, or moto).
    """
    try:
        with TransactWrite(connection=connection, client_request_token=token) as transaction:
            build(transaction)
    except TransactWriteError as error:
        reasons = error.cancellation_reasons if error.cause_response_code == (
            "TransactionCanceledException") else None
        if reasons is None or any(r is not None and r.code not in _ANSWERS for r in reasons):
            raise
        return landed(reasons)
    return True


def returned(reasons: Reasons, key: str) -> dict[str, Any] | None:
    """The stored item (DynamoDB JSON) a cancellation returned for the key `key`."""
    found = returned_all(reasons, key)
    return found[0] if found else None


def returned_all(reasons: Reasons, key: str) -> list[dict[str, Any]]:
    """Every stored item a cancellation returned for the key `key`: tables may share a
    key (a user's item and their code set), so more than one may carry it."""
    items = [reason.raw_item for reason in reasons if reason is not None and reason.raw_item]
    return [item for item in items if item.get("pk", {}).get("S") == key]


def text(item: dict[str, Any] | None, name: str) -> str | None:
    """A string attribute of a returned item."""
    value = (item or {}).get(name)
    return value.get("S") if isinstance(value, dict) else None
