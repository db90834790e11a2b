"""What `make bench` measures. Every figure that matters is a ratio of things measured
in the same run, interleaved round by round: these machines are shared and noisy."""

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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from functions.core.model import Session

from .harness import (
    NOTIFY_FUNCTION,
    PASSWORD,
    PURGE_FUNCTION,
    ROOT,
    TENANT,
    World,
    network_latency,
    recording,
)

SAMPLE_CODE = "ABCDEFGHJKMNPQRS"


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


# On a network each request waits its latency; requests sent together wait it once.
# 30 ms makes the round trips plain in the timings without slowing the run much.
LATENCY = 0.030


@dataclass(frozen=True)
class StepCost:
    step: float  # the whole POST /auth/mfa with a backup code, ms
    argon2: float  # one bare argon2 verification, ms
    trips: float  # the step's requests as the client timed them, send to answer, ms
    served: float  # moto's own share of those, ms
    requests: int
    round_trips: int
    verifications: int
    with_latency: float  # the step with LATENCY per request, ms (median)
    waits: float  # the network waits on its path: median over interleaved pairs
    read_units: float  # on-demand RRU of one step
    write_units: float  # on-demand WRU of one step
    reads: int
    writes: int
    calls: list[str]  # other AWS calls of the step (KMS, SES, EventBridge, SSM)

    @property
    def ratio(self) -> float:
        """The step ÷ what it cannot do without: its argon2 and its round trips."""
        return self.step / (self.argon2 + self.trips)

    @property
    def overhead(self) -> float:
        """Milliseconds of the step that are neither argon2 nor its round trips."""
        return self.step - self.argon2 - self.trips


def sign_in_step(world: World, rounds: int) -> StepCost:
    """Round by round: a bare argon2, the step, and every other round the step again
    with LATENCY per request; each ratio is of medians taken in this one run, and the
    network waits are the median of (with - without) over adjacent pairs, so a burst of
    load from the machine's other users lands on both sides of a pair or on neither."""
    encoded = world.hasher.hash(SAMPLE_CODE)
    step, bare, trips, served, slow, waits = [], [], [], [], [], []
    requests: list[int] = []
    verifications: list[int] = []
    round_trips: list[int] = []
    for n in range(rounds):
        started = time.perf_counter()
        assert world.hasher.verify(encoded, SAMPLE_CODE)
        bare.append(time.perf_counter() - started)
        counting, sign_in = _CountingVerify(world), _prepared_sign_in(world)
        with recording() as recorder, counting:
            step.append(sign_in())
        trips.append(recorder.round_trip_time())
        served.append(recorder.served())
        requests.append(len(recorder.requests))
        verifications.append(counting.count)
        world.forget_sign_ins()
        if n % 2 == 0:
            sign_in = _prepared_sign_in(world)
            with network_latency(LATENCY), recording() as delayed:
                slow.append(sign_in())
            round_trips.append(delayed.round_trips())
            waits.append((slow[-1] - step[-1]) / LATENCY)
            world.forget_sign_ins()
    return StepCost(step=median_ms(step), argon2=median_ms(bare), trips=median_ms(trips),
                    served=median_ms(served),
                    requests=max(requests), round_trips=max(round_trips),
                    verifications=max(verifications), with_latency=median_ms(slow),
                    waits=statistics.median(waits), read_units=recorder.read_units(),
                    write_units=recorder.write_units(), reads=recorder.reads(),
                    writes=recorder.writes(), calls=recorder.calls)


def _prepared_sign_in(world: World) -> Callable[[], float]:
    """A backup-code sign-in step whose flow and code are ready: call it to time it."""
    code, flow = world.fresh_code(), world.flow()

    def sign_in() -> float:
        started = time.perf_counter()
        reply = world.post("/auth/mfa", {"flow": flow, "method": "backup_code", "code": code})
        elapsed = time.perf_counter() - started
        assert reply.status_code == 200, reply.body
        return elapsed

    return sign_in


class _CountingVerify:
    """Counts argon2 verifications of the real hasher while it is entered."""

    def __init__(self, world: World) -> None:
        self._hasher = world.hasher
        self.count = 0

    def __enter__(self) -> _CountingVerify:
        inner = type(self._hasher).verify

        def verify(hasher: Any, encoded: str, secret: str) -> bool:
            self.count += 1
            return inner(hasher, encoded, secret)

        self._hasher.verify = verify.__get__(self._hasher)  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        del self._hasher.verify


def malformed_step_verifications(world: World) -> int:
    counting = _CountingVerify(world)
    flow = world.flow()
    with counting:
        reply = world.post("/auth/mfa", {"flow": flow, "method": "backup_code",
                                         "code": "not a code"})
    assert reply.status_code == 401
    return counting.count


def cost_by_codes_left(world: World, passes: int,
                       units: dict[int, dict[str, dict[str, float]]] | None = None,
                       ) -> dict[int, float]:
    """The step's cost ÷ a bare argon2 verification, by the codes left before it; and
    into `units`, the step's on-demand RRU and WRU by table, by the codes left (the set's item
    shrinks by a hash and grows by a use record with each spend)."""
    encoded = world.hasher.hash(SAMPLE_CODE)
    by_left: dict[int, list[float]] = {}
    for _ in range(passes):
        codes = world.new_set()
        world.codes = []
        while codes:
            left = len(codes)
            code, flow = codes.pop(), world.flow()
            started = time.perf_counter()
            world.hasher.verify(encoded, SAMPLE_CODE)
            bare = time.perf_counter() - started
            with recording() as recorder:
                started = time.perf_counter()
                reply = world.post("/auth/mfa", {"flow": flow, "method": "backup_code",
                                                 "code": code})
                spent = time.perf_counter() - started
            assert reply.status_code == 200, reply.body
            by_left.setdefault(left, []).append(spent / bare)
            if units is not None:
                units[left] = recorder.units_by_table()
            world.forget_sign_ins()
    return {left: statistics.median(ratios) for left, ratios in sorted(by_left.items())}


def requests_per_operation(world: World, repeats: int = 5) -> dict[str, dict[str, Any]]:
    """Each operation of the contract, and of an application's sign-in (authorize,
    token): its DynamoDB requests (reads, writes, on-demand units), round trips and
    other AWS calls, for docs/SCALE.md. Its compute time, repeated and the median taken:
    the operation's time here less the time it had a request in flight (what a Lambda
    spends besides waiting on DynamoDB)."""
    operations: dict[str, Callable[[], Callable[[], Any]]] = {
        "POST /auth/login (second factor follows)": lambda: lambda: world.post(
            "/auth/login", {"username": "alice", "password": PASSWORD}),
        "POST /auth/mfa (backup code)": _mfa(world, "backup_code"),
        "POST /auth/mfa (TOTP)": _mfa(world, "totp"),
        "GET /oidc/authorize (signed in)": lambda: world.authorize,
        "POST /oidc/token (authorization code)": _token(world),
        "GET /me": lambda: lambda: world.get("/me"),
        "GET /me/backup-codes": lambda: lambda: world.get("/me/backup-codes"),
        "POST /me/backup-codes/regenerate": lambda: lambda: world.post(
            "/me/backup-codes/regenerate", headers=world.cookie),
        "GET /me/sessions": lambda: lambda: world.get("/me/sessions"),
    }
    found = {}
    for name, prepare in operations.items():
        compute = []
        for _ in range(repeats):
            run = prepare()
            with recording() as recorder:
                started = time.perf_counter()
                reply = run()
                elapsed = time.perf_counter() - started
            assert reply.status_code < 400, (name, reply.body)  # noqa: PLR2004
            compute.append(elapsed - recorder.round_trip_time())
            if "regenerate" in name:
                world.codes = []  # the codes in hand are void
            world.forget_sign_ins()
        run = prepare()
        with network_latency(LATENCY), recording() as delayed:
            started = time.perf_counter()
            run()
            elapsed = time.perf_counter() - started
        if "regenerate" in name:
            world.codes = []
        world.forget_sign_ins()
        found[name] = {"requests": len(recorder.requests),
                       "round_trips": delayed.round_trips(),
                       "sent": [f"{r.tables} {r.operation}" for r in recorder.requests],
                       "reads": recorder.reads(), "writes": recorder.writes(),
                       "read_units": recorder.read_units(),
                       "write_units": recorder.write_units(),
                       "by_table": recorder.units_by_table(),
                       "calls": recorder.calls,
                       "compute_ms": round(median_ms(compute), 2),
                       "ms_with_latency": round(elapsed * 1000, 1)}
    return found


def _mfa(world: World, method: str) -> Callable[[], Callable[[], Any]]:
    def prepare() -> Callable[[], Any]:
        # Each TOTP step is claimed once per user: each TOTP sign-in is another user's.
        if method == "backup_code":
            code, flow = world.fresh_code(), world.flow()
        else:
            username, code = world.unused_totp()
            flow = world.flow(username)
        return lambda: world.post("/auth/mfa", {"flow": flow, "method": method, "code": code})
    return prepare


def _token(world: World) -> Callable[[], Callable[[], Any]]:
    def prepare() -> Callable[[], Any]:
        code = world.authorization_code()
        return lambda: world.token(code)
    return prepare


def stream_side(world: World, spends: int = 5) -> dict[str, Any]:
    """What one backup-code spend costs after the API answered: the code-set stream's
    record delivered to the notifying function (the event, the email, the audit entry)
    and to the session purge, as Lambda's event source mapping would, one record per
    invocation (the dearest case: Lambda batches records when they come faster)."""
    found: dict[str, Any] = {}
    for function in (NOTIFY_FUNCTION, PURGE_FUNCTION):
        timings: list[float] = []
        pump = world.pump(function, timings)
        pump.drain()
        compute, recorders = [], []
        for _ in range(spends):
            sign_in = _prepared_sign_in(world)
            pump.drain()
            sign_in()
            world.forget_sign_ins()
            timings.clear()
            with recording() as recorder:
                pump.drain()
            # The handler's own time, less its DynamoDB round trips (the pump's reads
            # of the stream are Lambda's, unbilled to the function).
            compute.append(sum(timings) - recorder.round_trip_time())
            recorders.append(recorder)
        last = recorders[-1]
        stream_reads = [c for c in last.calls if c.startswith("streams ")]
        found[function] = {
            "requests": len(last.requests), "sent": [f"{r.tables} {r.operation}"
                                                     for r in last.requests],
            "reads": last.reads(), "writes": last.writes(),
            "read_units": last.read_units(), "write_units": last.write_units(),
            "by_table": last.units_by_table(),
            "calls": [c for c in last.calls if c not in stream_reads],
            "compute_ms": round(median_ms(compute), 2)}
    return found


def hashing_a_set(world: World, rounds: int) -> dict[str, float]:
    """The service's pooled hashing of a set of ten against one after another, and
    beside them a control: the same ten hashes on one plain thread per core, straight
    to the library. The control is what the cores free right now allow (on a shared
    machine, another user's job takes a core and the control shows it); the pool must
    come close to it, and must run one hash per core at once."""
    codes = [f"CODE{i:012d}" for i in range(10)]
    cores = os.cpu_count() or 1
    parallel, serial, control = [], [], []
    peak = _PeakConcurrency(world)
    for _ in range(rounds):
        started = time.perf_counter()
        with peak:
            world.hasher.hash_many(codes)
        parallel.append(time.perf_counter() - started)
        started = time.perf_counter()
        for code in codes:
            world.hasher.hash(code)
        serial.append(time.perf_counter() - started)
        started = time.perf_counter()
        _threads_per_core(world, codes, cores)
        control.append(time.perf_counter() - started)
    return {"parallel": median_ms(parallel), "serial": median_ms(serial),
            "control": median_ms(control), "peak_concurrency": peak.peak}


def _threads_per_core(world: World, codes: list[str], cores: int) -> None:
    library = world.hasher._hasher  # noqa: SLF001 - argon2's own PasswordHasher
    shares = [codes[i::cores] for i in range(cores)]
    threads = [threading.Thread(target=lambda share=share: [library.hash(c) for c in share])
               for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class _PeakConcurrency:
    """The most hashes the service's hasher ran at once while entered (argon2's
    PasswordHasher has slots: the service's hasher gets a stand-in for it)."""

    def __init__(self, world: World) -> None:
        self._hasher = world.hasher
        self._lock = threading.Lock()
        self._now = 0
        self.peak = 0

    def __enter__(self) -> _PeakConcurrency:
        self._library = self._hasher._hasher  # noqa: SLF001
        self._hasher._hasher = self  # type: ignore[assignment]  # noqa: SLF001
        return self

    def hash(self, secret: str, **kwargs: Any) -> str:
        with self._lock:
            self._now += 1
            self.peak = max(self.peak, self._now)
        try:
            return str(self._library.hash(secret, **kwargs))
        finally:
            with self._lock:
                self._now -= 1

    def __exit__(self, *exc: object) -> None:
        self._hasher._hasher = self._library  # noqa: SLF001


def purge(world: World, sessions: int) -> dict[str, Any]:
    pump = world.pump()
    pump.drain()  # earlier changes first: they would purge the sessions made below
    now = time.time()
    for i in range(sessions):
        world.repos.sessions.create(Session(
            tenant=TENANT, username="alice", token_hash=secrets.token_hex(32),
            session_id=f"b{i}", created_at=now - 5, last_seen_at=now - 5,
            authenticated_at=now - 5, expires_at=now + 3600, ip="192.0.2.1",
            user_agent="bench"))
    world.post("/me/backup-codes/regenerate", headers=world.cookie)
    world.codes = []
    with recording() as recorder:
        started = time.perf_counter()
        pump.drain()
        elapsed = time.perf_counter() - started
    operations = [r.operation for r in recorder.requests]
    return {"queries": operations.count("Query"),
            "batch_writes": operations.count("BatchWriteItem"),
            "allowed_batch_writes": math.ceil((sessions + 1) / 25),
            "ms": round(elapsed * 1000, 1)}


def pump_throughput(world: World, changes: int) -> dict[str, float]:
    pump = world.pump()
    pump.drain()
    for _ in range(changes):
        world.post("/me/backup-codes/regenerate", headers=world.cookie)
    world.codes = []
    before = pump.stats.records
    started = time.perf_counter()
    pump.drain(timeout=120)
    seconds = time.perf_counter() - started
    return {"records": pump.stats.records - before, "per_second": (
        pump.stats.records - before) / seconds}


# As in Lambda: the zip carries no `cryptography` (moto brings it here; PyJWT would
# load its algorithms with it), so it is hidden; PyJWT is one of the dependencies.
_IMPORTS = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
sys.modules["cryptography"] = None
started = time.perf_counter()
import chalice.app, pynamodb.models, argon2, pyotp, botocore.session, jwt.api_jws
import aws_lambda_powertools.logging, aws_lambda_powertools.metrics
deps = time.perf_counter() - started
started = time.perf_counter()
import app
entry = time.perf_counter() - started
print(deps, entry, 'boto3' in sys.modules)
"""


def cold_start(runs: int = 11) -> dict[str, Any]:
    """Each run a fresh interpreter: its dependencies' import, then what app.py adds.

    As in Lambda, whose zip carries compiled bytecode (infra/package.sh): a first run,
    not counted, writes it for everything imported, even where the environment says
    not to (PYTHONDONTWRITEBYTECODE), so no run compiles the app or its dependencies.
    The ratio is the median of each run's own ratio: a burst of load from the
    machine's other users then moves one run, not the result."""
    env = {**os.environ, "POWERTOOLS_LOG_LEVEL": "ERROR"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    deps, entry, ratios, boto3 = [], [], [], False
    for n in range(runs + 1):
        out = subprocess.run([sys.executable, "-c", _IMPORTS], cwd=ROOT, check=True,
                             capture_output=True, text=True, env=env).stdout.split()
        if n == 0:
            continue
        deps.append(float(out[0]))
        entry.append(float(out[1]))
        ratios.append((deps[-1] + entry[-1]) / deps[-1])
        boto3 = boto3 or out[2] == "True"
    return {"dependencies_ms": median_ms(deps), "entry_ms": median_ms(entry),
            "ratio": statistics.median(ratios), "boto3": boto3}


def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda o: o.__dict__))
