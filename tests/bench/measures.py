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
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from functions.core.model import Session

from .harness import ROOT, TENANT, World, network_latency, recording

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
    with_latency: float  # the step with LATENCY per request, ms

    @property
    def ratio(self) -> float:
        """The step ÷ what it cannot do without: its argon2 and its round trips."""
        return self.step / (self.argon2 + self.trips)

    @property
    def overhead(self) -> float:
        """Milliseconds of the step that are neither argon2 nor its round trips."""
        return self.step - self.argon2 - self.trips


def sign_in_step(world: World, rounds: int) -> StepCost:
    encoded = world.hasher.hash(SAMPLE_CODE)
    step, bare, trips, served = [], [], [], []
    requests: list[int] = []
    verifications: list[int] = []
    for _ in range(rounds):
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
    sign_in = _prepared_sign_in(world)
    with network_latency(LATENCY), recording() as recorder:
        with_latency = sign_in()
    world.forget_sign_ins()
    return StepCost(step=median_ms(step), argon2=median_ms(bare), trips=median_ms(trips),
                    served=median_ms(served),
                    requests=max(requests), round_trips=recorder.round_trips(),
                    verifications=max(verifications), with_latency=with_latency * 1000)


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


def cost_by_codes_left(world: World, passes: int) -> dict[int, float]:
    """The step's cost ÷ a bare argon2 verification, by the codes left before it."""
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
            started = time.perf_counter()
            reply = world.post("/auth/mfa", {"flow": flow, "method": "backup_code",
                                             "code": code})
            spent = time.perf_counter() - started
            assert reply.status_code == 200, reply.body
            by_left.setdefault(left, []).append(spent / bare)
            world.forget_sign_ins()
    return {left: statistics.median(ratios) for left, ratios in sorted(by_left.items())}


def requests_per_operation(world: World) -> dict[str, dict[str, Any]]:
    """Each operation of the contract: its DynamoDB requests and round trips, and its
    duration here (moto's, for scale only)."""
    operations: dict[str, Any] = {
        "POST /auth/login (second factor follows)": lambda: world.post(
            "/auth/login", {"username": "alice", "password": "correct-horse-battery-staple"}),
        "POST /auth/mfa (backup code)": _mfa(world, "backup_code"),
        "POST /auth/mfa (TOTP)": _mfa(world, "totp"),
        "GET /me": lambda: world.get("/me"),
        "GET /me/backup-codes": lambda: world.get("/me/backup-codes"),
        "POST /me/backup-codes/regenerate": lambda: world.post(
            "/me/backup-codes/regenerate", headers=world.cookie),
        "GET /me/sessions": lambda: world.get("/me/sessions"),
    }
    found = {}
    for name, run in operations.items():
        prepared = run() if name.startswith("POST /auth/mfa") else run
        with network_latency(LATENCY), recording() as recorder:
            started = time.perf_counter()
            reply = prepared()
            elapsed = time.perf_counter() - started
        assert reply.status_code < 300, (name, reply.body)
        found[name] = {"requests": len(recorder.requests), "round_trips": recorder.round_trips(),
                       "sent": [f"{r.tables} {r.operation}" for r in recorder.requests],
                       "ms_with_latency": round(elapsed * 1000, 1),
                       "ms_served": round(recorder.served() * 1000, 1)}
        world.codes = []
        world.forget_sign_ins()
    return found


def _mfa(world: World, method: str) -> Any:
    def prepare() -> Any:
        # The next TOTP step (one step of drift is allowed): the bench's own session
        # used the current one.
        code = (world.fresh_code() if method == "backup_code"
                else world.totp.at(time.time() + 30))
        flow = world.flow()
        return lambda: world.post("/auth/mfa", {"flow": flow, "method": method, "code": code})
    return prepare


def hashing_a_set(world: World, rounds: int) -> dict[str, float]:
    codes = [f"CODE{i:012d}" for i in range(10)]
    parallel, serial = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        world.hasher.hash_many(codes)
        parallel.append(time.perf_counter() - started)
        started = time.perf_counter()
        for code in codes:
            world.hasher.hash(code)
        serial.append(time.perf_counter() - started)
    return {"parallel": median_ms(parallel), "serial": median_ms(serial)}


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


def cold_start(runs: int = 7) -> dict[str, Any]:
    """Each run a fresh interpreter: its dependencies' import, then what app.py adds."""
    deps, entry, boto3 = [], [], False
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _IMPORTS], cwd=ROOT, check=True,
                             capture_output=True, text=True,
                             env={**os.environ, "POWERTOOLS_LOG_LEVEL": "ERROR"}).stdout.split()
        deps.append(float(out[0]))
        entry.append(float(out[1]))
        boto3 = boto3 or out[2] == "True"
    return {"dependencies_ms": median_ms(deps), "entry_ms": median_ms(entry), "boto3": boto3}


def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda o: o.__dict__))
