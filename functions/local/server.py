"""The local front door: the API (Chalice's local gateway) and the built SPA on one origin."""

from __future__ import annotations

import json
import logging
import mimetypes
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from chalice.app import Chalice
from chalice.config import Config
from chalice.local import LocalGateway, LocalGatewayException

from .outbox import LocalOutbox, outbox_page

log = logging.getLogger("backup_codes.local")

# The same headers CloudFront adds in AWS (infra/template.yaml), so the page is
# tried locally under the policy it meets in production.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# The API, and OpenID Connect discovery beside it (as CloudFront routes them).
API_PATH = re.compile(r"^/t/[^/]+/(api|\.well-known)(/|$)")
SPA_PATH = re.compile(r"^/t/[a-z0-9-]+(/.*)?$")
LOCAL_PATH = "/_local/"
MAX_BODY = 1024 * 1024


class FrontDoor(ThreadingHTTPServer):
    # Request threads never hold up the exit, and closing the server does not
    # wait for them: a browser's idle keep-alive connection would hold it open.
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], app: Chalice, spa: Path,
                 outbox: LocalOutbox | None = None) -> None:
        super().__init__(address, _Handler)
        self.gateway = LocalGateway(app, Config(chalice_stage="local"))
        self.spa = spa
        self.outbox = outbox
        self.app_lock = threading.Lock()
        self._in_flight = 0
        self._count_lock = threading.Lock()
        self.stopping = False

    def shutdown(self) -> None:
        # Keep-alive connections outlive the accept loop: their next request is
        # refused rather than run against a stack that is going away.
        self.stopping = True
        super().shutdown()

    @contextmanager
    def in_flight(self) -> Iterator[None]:
        with self._count_lock:
            self._in_flight += 1
        try:
            yield
        finally:
            with self._count_lock:
                self._in_flight -= 1

    def drain(self, seconds: float) -> None:
        """Give requests under way up to `seconds` to finish (after shutdown())."""
        deadline = time.monotonic() + seconds
        while self._in_flight and time.monotonic() < deadline:
            time.sleep(0.02)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that closes a tab mid-answer is not an error of the service.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: FrontDoor
    protocol_version = "HTTP/1.1"
    # An idle keep-alive connection is closed after this long.
    timeout = 30

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    # The methods API Gateway and CloudFront would refuse too; any other method name
    # is refused by send_error() below, in the same JSON.
    def do_PATCH(self) -> None:
        self._refuse_method()

    def do_OPTIONS(self) -> None:
        self._refuse_method()

    def do_TRACE(self) -> None:
        self._refuse_method()

    def _refuse_method(self) -> None:
        self.close_connection = True
        self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """Every refusal of the front door itself in the API's JSON, never an HTML page.
        An unknown method is "not allowed" (405), as API Gateway says it."""
        status = HTTPStatus.METHOD_NOT_ALLOWED if code == HTTPStatus.NOT_IMPLEMENTED else code
        status = HTTPStatus(status)
        error = {HTTPStatus.METHOD_NOT_ALLOWED: "method_not_allowed",
                 HTTPStatus.BAD_REQUEST: "invalid_request",
                 HTTPStatus.REQUEST_ENTITY_TOO_LARGE: "payload_too_large"}.get(status, "error")
        body = json.dumps({"error": error, "message": message or status.phrase}).encode()
        self.send_response(status)
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            self.send_header("Allow", "GET, POST, DELETE, PUT")
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= HTTPStatus.OK:
            self.wfile.write(body)

    def _dispatch(self) -> None:
        started = time.perf_counter()
        path = self.path.split("?", 1)[0]
        with self.server.in_flight():
            if self.server.stopping:
                self.close_connection = True
                status = self._send_json(503, {"error": "unavailable",
                                               "message": "The local stack is stopping."})
            elif path.startswith(LOCAL_PATH):
                status = self._local(path)
            else:
                status = self._api(path) if API_PATH.match(path) else self._static(path)
        # One readable line; the path never carries a code, token or password.
        log.info("%s %s %d %.0fms", self.command, path, status,
                 (time.perf_counter() - started) * 1000)

    def _api(self, path: str) -> int:
        declared = self.headers.get("Content-Length", "0")
        if not (declared.strip().isascii() and declared.strip().isdigit()):
            self.close_connection = True  # the body's end is unknown: no next request
            return self._send_json(400, {"error": "invalid_request",
                                         "message": "Content-Length is not a number."})
        length = int(declared.strip())
        if length > MAX_BODY:
            self.close_connection = True  # the body is left unread
            return self._send_json(413, {"error": "payload_too_large",
                                         "message": "The request body is too large."})
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        # Like CloudFront's viewer address: set here, never taken from the client.
        headers["x-forwarded-for"] = self.client_address[0]
        try:
            # Chalice keeps the current request on the app, not per thread (in
            # Lambda a container serves one request at a time): one at a time here.
            with self.server.app_lock:
                response = self.server.gateway.handle_request(self.command, self.path,
                                                              headers, body)
        except LocalGatewayException:
            return self._send_json(404, {"error": "not_found",
                                         "message": "There is no such API route."})
        out_headers: dict[str, Any] = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            out_headers[name] = values
        payload = response.get("body") or b""
        if isinstance(payload, str):
            payload = payload.encode()
        self._send(response["statusCode"], out_headers, payload)
        return int(response["statusCode"])

    def _local(self, path: str) -> int:
        """What the stack sent (emails, events): local only, never deployed."""
        outbox = self.server.outbox
        if outbox is None or self.command not in ("GET", "HEAD"):
            self.close_connection = True  # a body, if any, is left unread
            return self._not_found()
        if path == "/_local/outbox.json":
            return self._send_json(200, {"messages": outbox.messages()})
        if path == "/_local/events.json":
            return self._send_json(200, {"events": outbox.events()})
        if path == "/_local/outbox":
            self._send(200, {"Content-Type": "text/html; charset=utf-8",
                             "Cache-Control": "no-store"},
                       outbox_page(outbox.events(), outbox.messages()))
            return 200
        return self._not_found()

    def _static(self, path: str) -> int:
        spa = self.server.spa
        if path == "/":
            self._send(302, {"Location": "/t/demo/"}, b"")
            return 302
        if path.startswith("/static/"):
            target = (spa / path.lstrip("/")).resolve()
            if spa.resolve() not in target.parents or not target.is_file():
                return self._not_found()
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            self._send(200, {"Content-Type": kind, "Cache-Control": "no-cache"},
                       target.read_bytes())
            return 200
        if SPA_PATH.match(path):
            if path.count("/") == 2 and not path.endswith("/"):
                self._send(301, {"Location": path + "/"}, b"")
                return 301
            index = spa / "index.html"
            self._send(200, {"Content-Type": "text/html; charset=utf-8",
                             "Cache-Control": "no-cache"}, index.read_bytes())
            return 200
        return self._not_found()

    def _not_found(self) -> int:
        self._send(404, {"Content-Type": "text/plain; charset=utf-8"}, b"Not found\n")
        return 404

    def _send_json(self, status: int, body: dict[str, Any]) -> int:
        self._send(status, {"Content-Type": "application/json", "Cache-Control": "no-store"},
                   json.dumps(body).encode())
        return status

    def _send(self, status: int, headers: dict[str, Any], body: bytes) -> None:
        self.send_response(status)
        for name, value in {**SECURITY_HEADERS, **headers}.items():
            for single in value if isinstance(value, list) else [value]:
                self.send_header(name, str(single))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silenced: _dispatch writes the one line per request."""
