"""`make bench`: the performance targets of DESIGN.md, measured as ratios in one run.

These machines are shared and noisy, so every figure that matters is a ratio of
two things measured in the same run, interleaved round by round; the absolute
times are printed only as context.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for name in ("ARGON2_MEMORY_KIB", "ARGON2_TIME_COST", "ARGON2_PARALLELISM"):
    os.environ.pop(name, None)  # the real, OWASP parameters
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                   "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
                   "SECURE_COOKIES": "false"})

import botocore.session  # noqa: E402
import pyotp  # noqa: E402
from chalice.test import Client  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.core.botocore_stubber import BotocoreStubber  # noqa: E402

from functions.api.application import PURGE_FUNCTION, create_app  # noqa: E402
from functions.bootstrap import (  # noqa: E402
    LazyServices,
    build_operator,
    build_repositories,
    build_services,
)
from functions.core.model import RequestContext, Session, Usage  # noqa: E402
from functions.crypto import Argon2Hasher  # noqa: E402
from functions.local.pump import StreamPump  # noqa: E402
from functions.settings import Settings  # noqa: E402
from functions.store.models import ALL_MODELS  # noqa: E402
from functions.store.secrets import store_lookup_key  # noqa: E402
from functions.store.tables import create_tables  # noqa: E402

PASSWORD = "correct-horse-battery-staple"  # noqa: S105
XHR = {"X-Requested-With": "XMLHttpRequest", "Content-Type": "application/json"}
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))

_lock = threading.Lock()
_process = BotocoreStubber.process_request


def _serialised(self, request):  # type: ignore[no-untyped-def]
    with _lock:  # DynamoDB's per-request atomicity, which moto lacks
        return _process(self, request)


BotocoreStubber.process_request = _serialised  # type: ignore[method-assign]


@contextmanager
def counting_calls() -> Iterator[Counter[tuple[str, str]]]:
    """Every DynamoDB request the models send, by (table, operation)."""
    calls: Counter[tuple[str, str]] = Counter()

    def count(model, params, **kwargs):  # type: ignore[no-untyped-def]
        table = params.get("TableName") or ",".join(params.get("RequestItems", {}))
        calls[(table.rsplit("-", 1)[-1] if table else "?", model.name)] += 1

    # Each model has its own connection, and so its own botocore client.
    clients = {id(c): c for c in (m._get_connection().connection.client for m in ALL_MODELS)}
    for client in clients.values():
        client.meta.events.register("provide-client-params.dynamodb.*", count)
    try:
        yield calls
    finally:
        for client in clients.values():
            client.meta.events.unregister("provide-client-params.dynamodb.*", count)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


class Bench:
    def __init__(self) -> None:
        self.settings = Settings.from_env()
        create_tables(self.settings)
        self.key = secrets.token_bytes(32)
        store_lookup_key(self.settings.lookup_key_parameter, self.settings.region, None,
                         self.key)
        operator = build_operator(self.settings)
        operator.create_tenant("bench", "Bench", code_count=20, lockout_threshold=100)
        uri = operator.create_user("bench", "alice", PASSWORD, totp=True)
        self.totp = pyotp.TOTP(pyotp.parse_uri(uri).secret)
        self.hasher = Argon2Hasher(self.settings.argon2)
        self.services = build_services(self.settings, lookup_key=self.key, hasher=self.hasher)
        self.repos = build_repositories(self.settings)
        self.app = create_app(LazyServices(lambda: self.services), self.settings)
        self.client = Client(self.app)
        self.cookie = self._first_session()
        self.codes: list[str] = []

    def _first_session(self) -> dict[str, str]:
        flow = self._flow()
        reply = self.client.http.post("/t/bench/api/auth/mfa", headers=XHR, body=json.dumps(
            {"flow": flow, "method": "totp", "code": self.totp.now()}))
        return {**XHR, "Cookie": reply.headers["Set-Cookie"].split(";")[0]}

    def _flow(self) -> str:
        reply = self.client.http.post("/t/bench/api/auth/login", headers=XHR, body=json.dumps(
            {"username": "alice", "password": PASSWORD}))
        return json.loads(reply.body)["flow"]

    def fresh_code(self) -> str:
        if not self.codes:
            path = "/t/bench/api/me/backup-codes"
            status = json.loads(self.client.http.get(path, headers=self.cookie).body)
            verb = "/regenerate" if status["enabled"] else ""
            reply = self.client.http.post(path + verb, headers=self.cookie, body="{}")
            self.codes = json.loads(reply.body)["codes"]
        return self.codes.pop()

    def argon2_vs_spend(self) -> dict[str, float]:
        hasher = self.hasher
        sample_code = "ABCDEFGHJKMNPQRS"
        encoded = hasher.hash(sample_code)
        bare, spend, step, store = [], [], [], []
        for _ in range(ROUNDS):
            # The two round trips a spend makes, to moto, without the service
            # around them: what moto itself costs, to set against DynamoDB's.
            started = time.perf_counter()
            self.repos.code_sets.get("bench", "alice")
            self.repos.code_sets.consume("bench", "nobody", "tag", "gen", _usage())
            store.append(time.perf_counter() - started)

            started = time.perf_counter()
            assert hasher.verify(encoded, sample_code)
            bare.append(time.perf_counter() - started)

            code = self.fresh_code().replace("-", "")
            started = time.perf_counter()
            self.services.backup_codes.spend("bench", "alice", code, _context())
            spend.append(time.perf_counter() - started)

            code = self.fresh_code()
            flow = self._flow()
            body = json.dumps({"flow": flow, "method": "backup_code", "code": code})
            started = time.perf_counter()
            reply = self.client.http.post("/t/bench/api/auth/mfa", headers=XHR, body=body)
            step.append(time.perf_counter() - started)
            assert reply.status_code == 200, reply.body
        return {"bare": median_ms(bare), "spend": median_ms(spend), "step": median_ms(step),
                "store": median_ms(store)}

    def hashing_a_set(self) -> dict[str, float]:
        hasher = self.hasher
        codes = [f"CODE{i:012d}" for i in range(10)]
        parallel, serial = [], []
        for _ in range(max(3, ROUNDS // 8)):
            started = time.perf_counter()
            hasher.hash_many(codes)
            parallel.append(time.perf_counter() - started)
            started = time.perf_counter()
            for code in codes:
                hasher.hash(code)
            serial.append(time.perf_counter() - started)
        return {"parallel": median_ms(parallel), "serial": median_ms(serial)}

    def round_trips(self) -> dict[str, Counter[tuple[str, str]]]:
        out = {}
        code = self.fresh_code()
        flow = self._flow()
        with counting_calls() as calls:
            self.client.http.post("/t/bench/api/auth/mfa", headers=XHR, body=json.dumps(
                {"flow": flow, "method": "backup_code", "code": code}))
        out["backup-code login step"] = calls
        with counting_calls() as calls:
            self.client.http.get("/t/bench/api/me/backup-codes", headers=self.cookie)
        out["status (GET /me/backup-codes)"] = calls
        return out

    def purge(self, sessions: int) -> tuple[Counter[tuple[str, str]], float]:
        pump = self._pump()
        pump.drain()  # earlier changes first: they would purge the sessions made below
        now = time.time()
        for i in range(sessions):
            self.repos.sessions.create(Session(
                tenant="bench", username="alice", token_hash=secrets.token_hex(32),
                session_id=f"b{i}", created_at=now - 5, last_seen_at=now - 5,
                authenticated_at=now - 5, expires_at=now + 3600, ip="192.0.2.1",
                user_agent="bench"))
        self.client.http.post("/t/bench/api/me/backup-codes/regenerate", headers=self.cookie,
                              body="{}")
        self.codes = []
        with counting_calls() as calls:
            started = time.perf_counter()
            pump.drain()
            elapsed = time.perf_counter() - started
        return calls, elapsed

    def pump_throughput(self, changes: int) -> tuple[int, float]:
        pump = self._pump()
        pump.drain()
        for _ in range(changes):
            self.client.http.post("/t/bench/api/me/backup-codes/regenerate",
                                  headers=self.cookie, body="{}")
        self.codes = []
        before = pump.stats.records
        started = time.perf_counter()
        pump.drain(timeout=120)
        return pump.stats.records - before, time.perf_counter() - started

    def _pump(self) -> StreamPump:
        session = botocore.session.get_session()
        pump = StreamPump(session.create_client("dynamodb", region_name="us-east-1"),
                          session.create_client("dynamodbstreams", region_name="us-east-1"),
                          self.settings.code_sets_table, self.app.handler_map[PURGE_FUNCTION])
        pump.open()
        return pump


def _context() -> RequestContext:
    return RequestContext.of("192.0.2.1", "bench")


def _usage() -> Usage:
    return Usage(at=time.time(), ip="192.0.2.1", user_agent="bench")


_IMPORTS = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
started = time.perf_counter()
import chalice.app, pynamodb.models, argon2, pyotp, botocore.session
import aws_lambda_powertools.logging
deps = time.perf_counter() - started
started = time.perf_counter()
import app
entry = time.perf_counter() - started
print(deps, entry, 'boto3' in sys.modules)
"""


def cold_start(runs: int = 7) -> dict[str, float | bool]:
    """Each run a fresh interpreter: its dependencies' import, then what app.py adds."""
    deps, entry, boto3 = [], [], False
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _IMPORTS], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.split()
        deps.append(float(out[0]))
        entry.append(float(out[1]))
        boto3 = boto3 or out[2] == "True"
    return {"dependencies": statistics.median(deps), "entry": statistics.median(entry),
            "boto3": boto3}


def _calls(calls: Counter[tuple[str, str]]) -> str:
    return ", ".join(f"{table} {op}" + (f" x{n}" if n > 1 else "")
                     for (table, op), n in sorted(calls.items()))


def table(rows: list[tuple[str, str, str]]) -> str:
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  ".join(cell.ljust(width[i]) for i, cell in enumerate(row))
                     for row in rows)


def main() -> int:
    print(f"Benchmark on {os.cpu_count()} cores, argon2id m=19456 KiB t=2 p=1, "
          f"{ROUNDS} interleaved rounds; moto in process stands in for DynamoDB.\n")
    with mock_aws():
        bench = Bench()
        cost = bench.argon2_vs_spend()
        hashing = bench.hashing_a_set()
        trips = bench.round_trips()
        purge_calls = {n: bench.purge(n) for n in (10, 60)}
        records, seconds = bench.pump_throughput(30)
    start = cold_start()
    failures = []

    def check(ok: bool, what: str) -> str:
        if not ok:
            failures.append(what)
        return "ok" if ok else "MISSED"

    spend_ratio = cost["spend"] / cost["bare"]
    own_ratio = (cost["spend"] - cost["store"]) / cost["bare"]
    step_ratio = cost["step"] / cost["bare"]
    set_ratio = hashing["parallel"] / hashing["serial"]
    code_set_calls = sum(n for (t, _), n in trips["backup-code login step"].items()
                         if t == "sets")
    status_calls = trips["status (GET /me/backup-codes)"]
    status_code_set = sum(n for (t, _), n in status_calls.items() if t == "sets")
    rows = [("measure", "result", "target"),
            ("spend a code (get + argon2 + conditional write) / bare argon2 verify",
             f"{spend_ratio:.2f}x  ({cost['spend']:.1f} / {cost['bare']:.1f} ms)",
             f"context: moto's 2 round trips alone take {cost['store']:.1f} ms"),
            ("the same, less moto's round trips (DynamoDB's are single-digit ms)",
             f"{own_ratio:.2f}x", f"<= 1.5x  {check(own_ratio <= 1.5, 'spend ratio')}"),
            ("whole POST /auth/mfa backup-code step / bare argon2 verify",
             f"{step_ratio:.2f}x  ({cost['step']:.1f} ms)", "context (7 moto calls)"),
            ("hash a set of ten, pooled / one after another",
             f"{set_ratio:.2f}x  ({hashing['parallel']:.0f} / {hashing['serial']:.0f} ms)",
             f"~1/{os.cpu_count()} = all cores  "
             f"{check(set_ratio <= 1.25 / (os.cpu_count() or 1) + 0.25, 'set hashing')}"),
            ("calls per backup-code step (code-set table; all tables)",
             f"{code_set_calls}; {sum(trips['backup-code login step'].values())} "
             f"({_calls(trips['backup-code login step'])})", f"sets <= 2  "
             f"{check(code_set_calls <= 2, 'step calls')}"),
            ("calls for status (GET /me/backup-codes)", _calls(status_calls),
             f"sets <= 1  {check(status_code_set <= 1, 'status calls')}")]
    for n, (calls, elapsed) in purge_calls.items():
        queries = sum(v for (t, op), v in calls.items() if op == "Query")
        writes = sum(v for (t, op), v in calls.items() if op == "BatchWriteItem")
        ok = queries <= 1 and writes <= math.ceil((n + 1) / 25)
        rows.append((f"purge {n} other sessions", f"{queries} query, {writes} batch writes "
                     f"({elapsed * 1000:.0f} ms)",
                     f"1 page + ceil(N/25)  {check(ok, f'purge {n}')}"))
    rows.append(("stream pump throughput on moto", f"{records / seconds:.0f} records/s "
                 f"({records} records)", "context"))
    overhead = (start["dependencies"] + start["entry"]) / start["dependencies"]
    rows += [("cold start: import deps + app.py / import deps alone",
              f"{overhead:.2f}x  (+{start['entry'] * 1000:.0f} ms on "
              f"{start['dependencies'] * 1000:.0f} ms)",
              f"little above 1x  {check(overhead <= 1.25, 'cold start')}"),
             ("boto3 imported on the Lambda path", str(start["boto3"]),
              f"False  {check(not start['boto3'], 'boto3')}")]
    print(table(rows))
    print("\nall targets met" if not failures else f"\nmissed: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
