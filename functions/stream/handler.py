"""The session-purge Lambda: Powertools' batch processing over one record at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.purge import PurgeService
from ..logs import count, logger
from .records import purge_order


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
