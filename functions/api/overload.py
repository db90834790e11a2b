"""Telling overload (throttling, limits) from other failures, whatever wraps it.

DynamoDB, SSM and KMS answer "slow down" in their own words; botocore retries
them, and what outlasts the retries reaches the service wrapped by PynamoDB
(`.cause`) or chained (`__cause__`). Those answer 503 with Retry-After.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

RETRY_AFTER_OVERLOAD_SECONDS = 2

# botocore's own list of throttling codes (botocore/retries/standard.py), with the
# DynamoDB transaction reasons that mean the same.
THROTTLING = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException",
    # TransactWriteItems' cancellation reasons.
    "ThrottlingError", "TransactionConflict",
})


def overloaded(error: BaseException) -> bool:
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ClientError) and _throttled(current):
            return True
        todo += [getattr(current, "cause", None), current.__cause__, current.__context__]
    return False


def _throttled(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    if code in THROTTLING:
        return True
    reasons = error.response.get("CancellationReasons") or []
    return any(reason.get("Code") in THROTTLING for reason in reasons if reason)
