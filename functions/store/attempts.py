"""Counting an attempt before it is checked, under conditions DynamoDB decides.

Used for second factors (on the user's item) and passwords (on a transient item
per username). Each phase is one conditional UpdateItem; the common case, well
below the threshold, is the first and only one:

1. below `lock_from - 1` failures: count;
2. the attempt that reaches `lock_from`, and each one after it: count and hold
   the lock while it is checked, so that of a burst only one gets through (a
   failure then replaces the hold with the back-off, a success clears it);
3. at the ceiling (passwords only): hold without counting further, so passwords
   alone never lock for good.

Every phase refuses a held or locked counter, and records the attempt's id, so
that a retried count whose first try landed recognises itself instead of
counting one guess twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

from ..core.model import Counted, Reservation
from ..core.policy import LOCKOUT_CEILING
from .conditional import applied

ItemT = TypeVar("ItemT", bound=Model)


@dataclass(frozen=True)
class Counter:
    """Which attributes of an item count the attempts."""

    failures: NumberAttribute
    locked_until: NumberAttribute
    attempt: UnicodeAttribute
    # The condition that the item exists; None: the first attempt creates it (a
    # username that has no counter yet).
    exists: Condition | None = None
    # At the ceiling, hold and go on (True), or stay locked for an operator (False)?
    holds_at_ceiling: bool = False


def _never(item: Any) -> bool:
    return False


@dataclass(frozen=True)
class Guard(Generic[ItemT]):
    """What a caller adds to every phase: its own condition on the attempt (a login
    flow's attempts) with the same test in Python for the item as read, to tell why
    a phase was refused; and its own actions."""

    condition: Condition | None = None
    refuses: Callable[[ItemT], bool] = _never
    actions: Sequence[Any] = ()


def reserve(new_item: Callable[[], ItemT], read: Callable[[], ItemT | None], counter: Counter,
            reservation: Reservation, guard: Guard[ItemT] | None = None) -> ItemT | None:
    """Count one attempt. The item as stored afterwards (None: there is none); the
    attempt was counted, and may be checked, exactly when `counted(...)` says allowed."""
    current: ItemT | None = None
    for phase_condition, phase_actions in _phases(counter, reservation):
        item = new_item()
        condition = _base(counter, reservation) & phase_condition
        actions = [*phase_actions, counter.attempt.set(reservation.attempt_id)]
        if guard is not None:
            if guard.condition is not None:
                condition &= guard.condition
            actions += guard.actions
        if applied(lambda: item.update(actions=actions, condition=condition)):  # noqa: B023
            return item  # update() leaves the item as stored (ALL_NEW)
        current = read()
        if (current is None
                or getattr(current, counter.attempt.attr_name) == reservation.attempt_id
                or _held(current, counter, reservation.now)
                or (guard is not None and guard.refuses(current))):
            return current
    return current


def counted(item: Model | None, counter: Counter, reservation: Reservation) -> Counted:
    if item is None:
        return Counted(allowed=False, failures=0)
    failures = int(getattr(item, counter.failures.attr_name) or 0)
    locked = getattr(item, counter.locked_until.attr_name)
    return Counted(allowed=getattr(item, counter.attempt.attr_name) == reservation.attempt_id,
                   failures=failures, locked_until=None if locked is None else float(locked))


def _base(counter: Counter, reservation: Reservation) -> Condition:
    open_now = (counter.locked_until.does_not_exist()
                | (counter.locked_until <= reservation.now))
    new_attempt = (counter.attempt.does_not_exist()
                   | (counter.attempt != reservation.attempt_id))
    condition = open_now & new_attempt
    return condition & counter.exists if counter.exists is not None else condition


def _phases(counter: Counter, reservation: Reservation) -> list[tuple[Condition, list[Any]]]:
    below = counter.failures.does_not_exist() | (counter.failures < reservation.lock_from - 1)
    phases: list[tuple[Condition, list[Any]]] = [
        (below, [counter.failures.add(1)]),
        (counter.failures < LOCKOUT_CEILING,
         [counter.failures.add(1), counter.locked_until.set(reservation.hold_until)]),
    ]
    if counter.holds_at_ceiling:
        phases.append((counter.failures >= LOCKOUT_CEILING,
                       [counter.locked_until.set(reservation.hold_until)]))
    return phases


def _held(item: Model, counter: Counter, now: float) -> bool:
    locked = getattr(item, counter.locked_until.attr_name)
    failures = int(getattr(item, counter.failures.attr_name) or 0)
    return (locked is not None and float(locked) > now) or (
        failures >= LOCKOUT_CEILING and not counter.holds_at_ceiling)

