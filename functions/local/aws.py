"""moto's server on loopback, its request handling serialised like DynamoDB's."""

from __future__ import annotations

import threading
from typing import Any

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


class LocalAws(ThreadedMotoServer):
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(ip_address=host, port=port, verbose=False)

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
