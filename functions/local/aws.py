"""moto's server on loopback, its request handling serialised like DynamoDB's."""

from __future__ import annotations

import threading
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server


class SerialisedWsgi:
    """One request at a time: DynamoDB applies each request atomically and moto
    does not, so without this two concurrent conditional writes could both pass."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self._lock:
            # Materialise the body inside the lock: a lazy iterable would run the
            # request's work after the lock is released.
            return list(self._app(environ, start_response))


def keep_streams_through_cancelled_transactions() -> None:
    """A cancelled transaction writes nothing, to its tables or to their streams.

    moto rolls a cancelled TransactWriteItems back by putting deep copies of the tables
    in their place, stream shards included: the records of the cancelled writes stay in
    the shard that readers hold iterators on, and every later record goes to the copy,
    which no reader sees. The stream pumps then deliver a change that never happened
    and nothing after it (no purge, no event, no audit). Here the shard stays the one
    readers know, without the cancelled records, as in DynamoDB.
    """
    original = DynamoDBBackend.transact_write_items
    if getattr(original, "keeps_streams", False):
        return

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        shards = {name: (table.stream_shard, len(table.stream_shard.items))
                  for name, table in self.tables.items() if table.stream_shard is not None}
        try:
            original(self, transact_items)
        except Exception:
            for name, (shard, length) in shards.items():
                table = self.tables.get(name)
                if table is not None and table.stream_shard is not shard:
                    del shard.items[length:]
                    shard.table = table
                    table.stream_shard = shard
            raise

    transact_write_items.keeps_streams = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


class LocalAws(ThreadedMotoServer):
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(ip_address=host, port=port, verbose=False)
        keep_streams_through_cancelled_transactions()

    def _server_entry(self) -> None:
        app = SerialisedWsgi(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self._ip_address, self._port, app, True,
                                   request_handler=MotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        """Stop serving; bounded, as the stack's stop must be (the thread is a daemon)."""
        if self._thread is None:
            return
        # A start-up abandoned at once may stop a server that is still binding.
        self._server_ready_event.wait(timeout=1)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)

    @property
    def endpoint(self) -> str:
        host, port = self.get_host_and_port()
        return f"http://{host}:{port}"
