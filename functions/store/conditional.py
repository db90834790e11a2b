"""The one place that runs a DynamoDB conditional write and reads what it says.

PynamoDB raises PutError, UpdateError or DeleteError for every failure; only a
failed condition is an answer ("someone else got there first", "already gone"),
everything else (throttling, a network error) is raised as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from pynamodb.exceptions import DeleteError, PutError, UpdateError

CONDITION_FAILED = "ConditionalCheckFailedException"


def condition_failed(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == CONDITION_FAILED


def applied(write: Callable[[], object]) -> bool:
    """Run one conditional write: True when it applied, False when its condition did not hold."""
    try:
        write()
    except (PutError, UpdateError, DeleteError) as error:
        if condition_failed(error):
            return False
        raise
    return True

