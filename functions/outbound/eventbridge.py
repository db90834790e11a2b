"""Security facts as Amazon EventBridge events (DESIGN.md, "Events and notifications").

source `backup-codes`, detail-type the fact's type, detail `{id, tenant, username, at,
remaining?, ip?, user_agent?}` (`at` an ISO 8601 UTC string). `id` is the fact's own,
the same on every delivery: EventBridge's event id is not (each PutEvents makes a new
one), so consumers tell a repeat by `detail.id`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from ..core.security_events import SecurityFact
from ..isotime import iso
from ..logs import count, logger

SOURCE = "backup-codes"
MAX_ENTRIES = 10  # PutEvents takes ten entries a call at most
DROPPED_METRIC = "EventsDropped"


class EventsNotPublished(RuntimeError):
    """Some entries were refused on every try; the message names counts and codes only."""


def detail(fact: SecurityFact) -> dict[str, Any]:
    """The event's detail: the fact's public fields, those it has."""
    found: dict[str, Any] = {"id": fact.id, "tenant": fact.tenant, "username": fact.username,
                             "at": iso(fact.at)}
    optional = {"remaining": fact.remaining, "ip": fact.ip, "user_agent": fact.user_agent}
    return {**found, **{name: value for name, value in optional.items() if value is not None}}


def entry(fact: SecurityFact, bus: str) -> dict[str, Any]:
    return {"Source": SOURCE, "DetailType": fact.type, "Detail": json.dumps(detail(fact)),
            "EventBusName": bus, "Time": datetime.fromtimestamp(fact.at, UTC)}


class EventBridgePublisher:
    """PutEvents in calls of ten at most; entries refused (throttled, an internal
    failure) are sent again, `attempts` times in all, with a short pause between."""

    def __init__(self, client: Callable[[], Any], bus: str, attempts: int = 3,
                 pause_seconds: float = 0.1) -> None:
        self._client = client
        self._bus = bus
        self._attempts = attempts
        self._pause = pause_seconds

    def publish(self, facts: Sequence[SecurityFact]) -> None:
        entries = [entry(fact, self._bus) for fact in facts]
        for start in range(0, len(entries), MAX_ENTRIES):
            self._put(entries[start:start + MAX_ENTRIES])

    def _put(self, entries: list[dict[str, Any]]) -> None:
        pending, codes = entries, []
        for attempt in range(self._attempts):
            if attempt:
                time.sleep(self._pause * 2 ** (attempt - 1))
            answers = self._client().put_events(Entries=pending)["Entries"]
            refused = [(sent, answer) for sent, answer in zip(pending, answers, strict=True)
                       if answer.get("ErrorCode")]
            if not refused:
                return
            pending, codes = [sent for sent, _ in refused], [a["ErrorCode"] for _, a in refused]
        raise EventsNotPublished(f"{len(pending)} of {len(entries)} events refused: "
                                 f"{', '.join(sorted(set(codes)))}")


class BestEffort:
    """Publishing that never fails its caller: a failure is logged and counted (the
    EventsDropped metric and its alarm), and the caller goes on. For events published
    inline, where the answer to a request matters more (the lock at sign-in)."""

    def __init__(self, publisher: EventBridgePublisher) -> None:
        self._publisher = publisher

    def publish(self, facts: Sequence[SecurityFact]) -> None:
        try:
            self._publisher.publish(facts)
        except Exception:  # any failure: the answer to the request comes first
            logger.warning("security events not published", exc_info=True,
                           extra={"events": [{"type": f.type, "id": f.id, "tenant": f.tenant,
                                              "username": f.username} for f in facts]})
            count(DROPPED_METRIC, value=len(facts))
