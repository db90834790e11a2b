"""The local stream pump: what Lambda's event source mapping does, for the local stack.

It reads the code-set table's DynamoDB Stream (moto's, locally) and calls one of
the stream's handlers with Lambda-shaped batches; the local stack runs one pump per
handler (the purge, the security events), as AWS runs one mapping per function.
Like the event source mapping with ReportBatchItemFailures and
BisectBatchOnFunctionError, it retries from the first failed record, halves a batch
whose invocation raised, gives up on a record after a bounded number of tries, and
logs it as the on-failure destination would receive it.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

log = logging.getLogger("backup_codes.pump")

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    """The parts of Lambda's context object a handler may read."""

    function_name: str = "purge_sessions"
    memory_limit_in_mb: int = 1024
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:local:000000000000:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


@dataclass
class PumpStats:
    records: int = 0
    invocations: int = 0
    retries: int = 0
    dropped: int = 0


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A record from GetRecords, as Lambda hands it to a function."""
    data = dict(record["dynamodb"])
    created = data.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        data["ApproximateCreationDateTime"] = created.timestamp()
    return {**{k: v for k, v in record.items() if k != "dynamodb"},
            "dynamodb": data, "eventSourceARN": stream_arn}


class StreamPump:
    # The last three are the event source mapping's own settings, keyword-only.
    def __init__(self, dynamodb: Any, streams: Any, table_name: str,  # noqa: PLR0913
                 handler: Handler, *, batch_size: int = 100, max_attempts: int = 4,
                 retry_delay_seconds: float = 0.2, function_name: str = "purge_sessions") -> None:
        self._dynamodb = dynamodb
        self._streams = streams
        self._table_name = table_name
        self._handler = handler
        self._function_name = function_name
        self._batch_size = batch_size
        self._max_attempts = max_attempts
        self._retry_delay = retry_delay_seconds
        self._iterators: dict[str, str | None] = {}
        self.stats = PumpStats()
        self.stream_arn = ""

    def open(self) -> None:
        """Start at the stream's beginning: the local data is new at each start."""
        description = self._dynamodb.describe_table(TableName=self._table_name)["Table"]
        self.stream_arn = description["LatestStreamArn"]
        self._discover_shards()

    def _discover_shards(self) -> None:
        stream = self._streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        for shard in stream["Shards"]:
            if shard["ShardId"] not in self._iterators:
                self._iterators[shard["ShardId"]] = self._streams.get_shard_iterator(
                    StreamArn=self.stream_arn, ShardId=shard["ShardId"],
                    ShardIteratorType="TRIM_HORIZON")["ShardIterator"]

    def poll_once(self) -> int:
        """Deliver what the stream holds now; the number of records read."""
        self._discover_shards()
        read = 0
        for shard_id, iterator in list(self._iterators.items()):
            if iterator is None:
                continue
            response = self._streams.get_records(ShardIterator=iterator, Limit=self._batch_size)
            self._iterators[shard_id] = response.get("NextShardIterator")
            records = [lambda_record(r, self.stream_arn) for r in response["Records"]]
            if records:
                read += len(records)
                self.stats.records += len(records)
                self._deliver(records)
        return read

    def drain(self, timeout: float = 10.0) -> None:
        """Poll until a poll reads nothing (tests use this to wait for the purge)."""
        deadline = time.monotonic() + timeout
        while self.poll_once() and time.monotonic() < deadline:
            pass

    def run(self, stop: threading.Event, interval: float = 0.25) -> None:
        while not stop.is_set():
            try:
                if not self.poll_once():
                    stop.wait(interval)
            except Exception:
                log.exception("stream poll failed; retrying")
                stop.wait(1.0)

    def _deliver(self, records: list[dict[str, Any]], attempt: int = 1) -> None:
        while records:
            self.stats.invocations += 1
            try:
                result = self._handler({"Records": records}, LambdaContext(self._function_name))
            except Exception:
                # The function failed as a whole: bisect, as the mapping does.
                log.warning("%s: a batch of %d failed; bisecting", self._function_name,
                            len(records))
                if len(records) == 1:
                    self._retry_or_drop(records, attempt)
                else:
                    middle = len(records) // 2
                    self._deliver(records[:middle], attempt + 1)
                    self._deliver(records[middle:], attempt + 1)
                return
            failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
            if not failed:
                return
            # Resume from the first failed record: the ones before it are done.
            first = next(i for i, r in enumerate(records)
                         if r["dynamodb"]["SequenceNumber"] in failed)
            records = records[first:]
            if attempt >= self._max_attempts:
                self._drop(records[:1])
                records, attempt = records[1:], 1
                continue
            attempt += 1
            self.stats.retries += 1
            time.sleep(self._retry_delay * attempt)

    def _retry_or_drop(self, records: list[dict[str, Any]], attempt: int) -> None:
        if attempt >= self._max_attempts:
            self._drop(records)
            return
        self.stats.retries += 1
        time.sleep(self._retry_delay * attempt)
        self._deliver(records, attempt + 1)

    def _drop(self, records: list[dict[str, Any]]) -> None:
        self.stats.dropped += len(records)
        for record in records:
            log.error("%s: stream record given up after %d attempts (on-failure "
                      "destination): eventID=%s sequence=%s", self._function_name,
                      self._max_attempts, record.get("eventID"),
                      record["dynamodb"].get("SequenceNumber"))
