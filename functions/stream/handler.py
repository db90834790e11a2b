"""The stream Lambdas, each Powertools' batch processing over one record at a time: on
the code sets' stream the session purge, and the security events and emails; on the
sessions' stream back-channel logout."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.fanout import SecurityFanOut
from ..core.logout import Logout
from ..core.purge import PurgeService
from ..core.security_events import KNOWN_CHANGES
from ..logs import count, logger
from .records import code_set_change, ended_session, purge_order


def make_record_handler(purges: Callable[[], PurgeService]) -> Callable[[dict[str, Any]], int]:
    def purge_for(record: dict[str, Any]) -> int:
        order = purge_order(record)
        if order is None:
            return 0
        purged = purges().apply(order)
        # The user is named: an operator replaying a failed purge by hand needs to know
        # whose sessions it ended (docs/DEPLOY.md); no session or token is.
        logger.info("sessions purged", extra={"tenant": order.tenant,
                                              "username": order.username,
                                              "change": order.change, "purged": purged})
        count("SessionsPurged", value=purged)
        return purged

    return purge_for


def make_notify_handler(fanout: Callable[[], SecurityFanOut]) -> Callable[[dict[str, Any]], int]:
    def notify_for(record: dict[str, Any]) -> int:
        change = code_set_change(record)
        facts = fanout().handle(change)
        if change.new is not None and change.new.change not in KNOWN_CHANGES:
            # Written by a newer version, or a mistake: no fact, and said once here.
            logger.warning("no security event for this kind of change",
                           extra={"change": change.new.change, "tenant": change.new.tenant})
        for fact in facts:
            # The fact's public fields only (its detail has no code, hash or token).
            logger.info("security event", extra={"type": fact.type, "id": fact.id,
                                                 "tenant": fact.tenant,
                                                 "username": fact.username})
        if facts:
            count("SecurityEvents", value=len(facts))
        return len(facts)

    return notify_for


def process_batch(event: dict[str, Any], context: Any,
                  record_handler: Callable[[dict[str, Any]], int]) -> dict[str, Any]:
    """Run every record; answer {"batchItemFailures": [...]} for the ones that failed."""
    # Imported here: only the stream function pays for the batch utility's import.
    from aws_lambda_powertools.utilities.batch import (  # noqa: PLC0415
        BatchProcessor,
        EventType,
        process_partial_response,
    )
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (  # noqa: PLC0415
        DynamoDBRecord,
    )

    def handle(record: DynamoDBRecord) -> int:
        return record_handler(record.raw_event)

    return process_partial_response(event=event, record_handler=handle,
                                    processor=BatchProcessor(EventType.DynamoDBStreams),
                                    context=context)  # type: ignore[return-value]


def make_logout_handler(logout: Callable[[], Logout],
                        origin: str | None) -> Callable[[dict[str, Any]], int]:
    """Back-channel logout for each session that ended, from the sessions' stream."""

    def logout_for(record: dict[str, Any]) -> int:
        ended = ended_session(record)
        if ended is None:
            return 0
        if origin is None:
            raise RuntimeError("PUBLIC_ORIGIN is not set: logout tokens need the issuer.")
        failed = logout().session_ended(ended, origin)
        if failed:
            # A batch item failure: the record is retried (bounded), then goes to the
            # on-failure queue; applications that took it get it again (jti differs).
            raise BackchannelUndelivered(f"{len(failed)} of {len(ended.client_ids)} "
                                         "applications did not take the logout token.")
        return len(ended.client_ids)

    return logout_for


class BackchannelUndelivered(RuntimeError):
    """Some applications could not be told that a session ended."""
