"""What the sign-in routes count: each attempt by method and outcome, and each lock
that an attempt began (functions/logs.py writes them as CloudWatch metrics)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..core.errors import DomainError, Locked
from ..logs import count

SIGN_IN = "SignIn"
LOCK = "Lock"


@contextmanager
def counted_sign_in(method: str) -> Iterator[None]:
    """Count the attempt the block makes: `ok`, or the domain error's code."""
    try:
        yield
    except DomainError as refused:
        count(SIGN_IN, method=method, outcome=refused.code)
        if isinstance(refused, Locked) and refused.started:
            count(LOCK, factor=refused.factor)
        raise
    count(SIGN_IN, method=method, outcome="ok")
