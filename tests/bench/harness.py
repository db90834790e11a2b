"""The benchmark's world: moto in process (atomic per request, as DynamoDB), the real
app and the real argon2 parameters, a tenant with one user, and quiet logs."""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
for _name in ("ARGON2_MEMORY_KIB", "ARGON2_TIME_COST", "ARGON2_PARALLELISM"):
    os.environ.pop(_name, None)  # the real, OWASP parameters
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                   "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
                   "SECURE_COOKIES": "false",
                   # One clean table: Powertools writes each metric as a JSON line on
                   # stdout (Embedded Metric Format), which would fall between the results.
                   "POWERTOOLS_METRICS_DISABLED": "true"})

import botocore.session  # noqa: E402
import pyotp  # noqa: E402
from chalice.test import Client  # noqa: E402
from moto.core.botocore_stubber import BotocoreStubber  # noqa: E402
from pynamodb.connection.base import Connection  # noqa: E402

from functions.api.application import (  # noqa: E402
    NOTIFY_FUNCTION,
    PURGE_FUNCTION,
    create_app,
)
from functions.bootstrap import (  # noqa: E402
    LazyServices,
    Repositories,
    build_operator,
    build_repositories,
    build_services,
)
from functions.crypto import Argon2Hasher  # noqa: E402
from functions.local.keys import create_signing_key  # noqa: E402
from functions.local.outbox import LocalOutbox  # noqa: E402
from functions.local.pump import StreamPump  # noqa: E402
from functions.local.tables import create_tables  # noqa: E402
from functions.logs import logger  # noqa: E402
from functions.settings import Settings  # noqa: E402
from functions.store.keys import user_pk  # noqa: E402
from functions.store.models import AuditModel, SessionModel, UserModel  # noqa: E402
from functions.store.secrets import store_lookup_key  # noqa: E402
from tests.bench.capacity import READS, WRITES, Meter, Units  # noqa: E402

__all__ = ["NOTIFY_FUNCTION", "PURGE_FUNCTION"]  # for measures.py

PASSWORD = "correct-horse-battery-staple"  # noqa: S105
XHR = {"X-Requested-With": "XMLHttpRequest", "Content-Type": "application/json"}
TENANT = "bench"
REDIRECT_URI = "https://shop.example/cb"

@dataclass
class Request:
    operation: str
    tables: str
    started: float
    ended: float
    served: float  # seconds moto spent on it (its lock held)
    units: Units = field(default_factory=Units)  # on-demand RRU and WRU, by item sizes


@dataclass
class Recorder:
    """Every DynamoDB request sent, whatever client sent it: which, and when; and every
    call to another AWS service (KMS, SES, EventBridge, SSM), by service and action."""

    requests: list[Request] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    # When the client sent each request and had its answer: a round trip as the
    # service sees it (build, sign, send, wait, parse), around moto's serving.
    client_spans: list[tuple[float, float]] = field(default_factory=list)

    def round_trip_time(self) -> float:
        """Seconds with a request in flight: requests sent together count once."""
        total, covered_to = 0.0, 0.0
        for started, ended in sorted(self.client_spans):
            if ended > covered_to:
                total += ended - max(started, covered_to)
                covered_to = ended
        return total

    def reads(self) -> int:
        return sum(1 for r in self.requests if r.operation in READS)

    def writes(self) -> int:
        return sum(1 for r in self.requests if r.operation in WRITES)

    def read_units(self) -> float:
        return sum(r.units.read for r in self.requests)

    def write_units(self) -> float:
        return sum(r.units.write for r in self.requests)

    def units_by_table(self) -> dict[str, dict[str, float]]:
        found: dict[str, dict[str, float]] = {}
        for request in self.requests:
            for table, read, write in request.units.tables:
                entry = found.setdefault(table, {"read_units": 0.0, "write_units": 0.0})
                entry["read_units"] += read
                entry["write_units"] += write
        return found

    def served(self) -> float:
        """Seconds moto spent serving the requests."""
        return sum(request.served for request in self.requests)

    def round_trips(self) -> int:
        """Requests sent together (each starting before the others ended) count once."""
        trips, ends = 0, 0.0
        for request in sorted(self.requests, key=lambda r: r.started):
            if request.started >= ends:
                trips += 1
                ends = request.ended
            else:
                ends = max(ends, request.ended)
        return trips


_lock = threading.Lock()
_process = BotocoreStubber.process_request
_recorders: list[Recorder] = []
_latency = [0.0]


def _serialised(self, request):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    if _latency[0]:
        # The network's share of a round trip: a sleep releases the GIL, so requests
        # sent together overlap here as they would on the wire.
        time.sleep(_latency[0])
    target = dict(request.headers).get("X-Amz-Target", b"")
    target = target.decode() if isinstance(target, bytes) else str(target)
    dynamodb = target.startswith("DynamoDB_") and bool(_recorders)
    with _lock:  # DynamoDB's per-request atomicity, which moto lacks
        meter = Meter(target.rsplit(".", 1)[-1], json.loads(request.body or b"{}")) \
            if dynamodb else None
        served = time.perf_counter()
        answer = _process(self, request)
        served = time.perf_counter() - served
        units = meter.after(_answer(answer)) if meter else Units()
    if dynamodb:
        seen = Request(target.rsplit(".", 1)[-1], _tables(request.body), started,
                       time.perf_counter(), served, units)
        for recorder in _recorders:
            recorder.requests.append(seen)
    elif _recorders:
        call = _call_name(request.url, target)
        for recorder in _recorders:
            recorder.calls.append(call)
    return answer


def _answer(answer: Any) -> dict[str, Any]:
    if not answer or answer[0] >= 300:  # noqa: PLR2004 - a refusal reads and writes nothing
        return {}
    body = answer[2]
    return dict(json.loads(body or "{}"))


def _call_name(url: str, target: str) -> str:
    """`kms Sign`, `events PutEvents`, `sesv2 POST /v2/email/outbound-emails`."""
    host, _, path = url.split("://", 1)[-1].partition("/")
    service = host.split(".", 1)[0]
    if service == "email":
        service = "sesv2" if path.startswith("v2/") else "ses"
    if target:
        return f"{service} {target.rsplit('.', 1)[-1]}"
    return f"{service} /{path.split('?', 1)[0]}"


@contextmanager
def network_latency(seconds: float) -> Iterator[None]:
    """Each request waits `seconds` before moto serves it, as on a network."""
    _latency[0] = seconds
    try:
        yield
    finally:
        _latency[0] = 0.0


def _tables(body: bytes | None) -> str:
    params = json.loads(body or b"{}")
    if "TableName" in params:
        tables = [params["TableName"]]
    elif "TransactItems" in params:
        tables = [next(iter(i.values()))["TableName"] for i in params["TransactItems"]]
    else:
        tables = list(params.get("RequestItems", {}))
    return "+".join(sorted({table.rsplit("-", 1)[-1] for table in tables}))


BotocoreStubber.process_request = _serialised  # type: ignore[method-assign]
_make_api_call = Connection._make_api_call


def _timed_call(self, operation_name, operation_kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    try:
        return _make_api_call(self, operation_name, operation_kwargs)
    finally:
        span = (started, time.perf_counter())
        for recorder in _recorders:
            recorder.client_spans.append(span)


Connection._make_api_call = _timed_call  # type: ignore[method-assign]


def quiet() -> None:
    """One clean table: no request log lines between the results."""
    logger.setLevel("ERROR")
    for name in ("botocore", "moto", "backup_codes"):
        logging.getLogger(name).setLevel(logging.ERROR)


@contextmanager
def recording() -> Iterator[Recorder]:
    recorder = Recorder()
    _recorders.append(recorder)
    try:
        yield recorder
    finally:
        _recorders.remove(recorder)


class World:
    """One tenant, one user with an authenticator, the app over moto."""

    def __init__(self, code_count: int = 20) -> None:
        self.code_count = code_count  # the policy's most: the dearest code-set item
        found = Settings.from_env()
        create_tables(found)
        # The ID tokens' KMS key, and the outbox (an event bus, SES's verified domain)
        # that the notifying function sends to: what a sign-in costs beyond DynamoDB.
        self.settings = replace(found, signing_key_ids=(create_signing_key(found.region),),
                                public_origin="https://id.example", allow_http_loopback=True)
        LocalOutbox(self.settings).open()
        self.key = secrets.token_bytes(32)
        store_lookup_key(self.settings.lookup_key_parameter, self.settings.region, None,
                         self.key)
        self.operator = operator = build_operator(self.settings)
        self._totp_users = 0
        operator.create_tenant(TENANT, "Bench", code_count=code_count, lockout_threshold=100)
        uri = operator.create_user(TENANT, "alice", PASSWORD, totp=True,
                                   email="alice@example.org")
        shop, self.client_secret = operator.create_client(TENANT, "Shop", (REDIRECT_URI,))
        self.client_id = shop.client_id
        assert uri is not None
        self.totp = pyotp.TOTP(pyotp.parse_uri(uri).secret)
        self.hasher = Argon2Hasher(self.settings.argon2)
        self.services = build_services(self.settings, lookup_key=self.key, hasher=self.hasher)
        self.repos: Repositories = build_repositories(self.settings)
        self.app = create_app(LazyServices(lambda: self.services), self.settings)
        self.client = Client(self.app)
        self.cookie = self._first_session()
        self.codes: list[str] = []

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.client.http.post(f"/t/{TENANT}/api{path}", headers=headers or XHR,
                                     body=json.dumps(body if body is not None else {}))

    def get(self, path: str) -> Any:
        return self.client.http.get(f"/t/{TENANT}/api{path}", headers=self.cookie)

    def _first_session(self) -> dict[str, str]:
        reply = self.post("/auth/mfa", {"flow": self.flow(), "method": "totp",
                                        "code": self.totp.now()})
        return {**XHR, "Cookie": reply.headers["Set-Cookie"].split(";")[0]}

    def flow(self, username: str = "alice") -> str:
        reply = self.post("/auth/login", {"username": username, "password": PASSWORD})
        return str(json.loads(reply.body)["flow"])

    def unused_totp(self) -> tuple[str, str]:
        """A user of its own and their current TOTP code: a step is claimed once."""
        self._totp_users += 1
        username = f"totp{self._totp_users}"
        uri = self.operator.create_user(TENANT, username, PASSWORD, totp=True)
        assert uri is not None
        return username, pyotp.TOTP(pyotp.parse_uri(uri).secret).now()

    def authorize(self) -> Any:
        """The signed-in browser at the authorization endpoint of the tenant's OpenID
        Provider, for the application: a redirect that carries a code."""
        query = urlencode({"client_id": self.client_id, "redirect_uri": REDIRECT_URI,
                           "response_type": "code", "scope": "openid", "state": "s"})
        return self.client.http.get(f"/t/{TENANT}/api/oidc/authorize?{query}",
                                    headers=self.cookie)

    def authorization_code(self) -> str:
        location = self.authorize().headers["Location"]
        return parse_qs(urlsplit(location).query)["code"][0]

    def token(self, code: str) -> Any:
        """The application redeems the code: an access token and an ID token (KMS)."""
        pair = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        return self.client.http.post(
            f"/t/{TENANT}/api/oidc/token",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Authorization": f"Basic {pair}"},
            body=urlencode({"grant_type": "authorization_code", "code": code,
                            "redirect_uri": REDIRECT_URI}))

    def new_set(self) -> list[str]:
        status = json.loads(self.get("/me/backup-codes").body)
        path = "/me/backup-codes/regenerate" if status["enabled"] else "/me/backup-codes"
        codes: list[str] = json.loads(self.post(path, headers=self.cookie).body)["codes"]
        return codes

    def fresh_code(self) -> str:
        if not self.codes:
            self.codes = self.new_set()
        return self.codes.pop()

    def forget_sign_ins(self) -> None:
        """Delete the sessions the measured sign-ins opened, the audit entries and the
        flows they wrote, outside any timing: moto copies each table a transaction writes, so its
        cost would grow with every measured step, which DynamoDB's does not."""
        mine = self.cookie["Cookie"].split("=", 1)[1]
        own = self.services.sessions.resolve(TENANT, mine).token_hash
        with SessionModel.batch_write() as batch:
            for item in SessionModel.scan():
                if not item.pk.endswith(own):
                    batch.delete(item)
        with AuditModel.batch_write() as audit:
            for entry in AuditModel.scan():
                audit.delete(entry)
        # The user's item keeps each sign-in flow until it expires (five minutes): the
        # bench's hundreds of sign-ins a minute would grow it to kilobytes, and every
        # write of it with them, where a person has one or two. Cleared between steps,
        # no flow being open then.
        UserModel(user_pk(TENANT, "alice")).update(actions=[UserModel.flows.set({})])

    def pump(self, function: str = PURGE_FUNCTION,
             timings: list[float] | None = None) -> StreamPump:
        """The code-set stream to one of its functions (the session purge, or the
        notifying function: events and emails), as Lambda's event source mapping; each
        invocation's duration into `timings`."""
        handler = self.app.handler_map[function]

        def timed(event: Any, context: Any) -> Any:
            started = time.perf_counter()
            try:
                return handler(event, context)
            finally:
                if timings is not None:
                    timings.append(time.perf_counter() - started)

        session = botocore.session.get_session()
        pump = StreamPump(session.create_client("dynamodb", region_name="us-east-1"),
                          session.create_client("dynamodbstreams", region_name="us-east-1"),
                          self.settings.code_sets_table, timed,
                          retry_delay_seconds=0, function_name=function)
        pump.open()
        return pump
