"""The local stack stops within seconds of SIGTERM or Ctrl-C, whatever it is doing.

A signal handler that touched a threading primitive once deadlocked the stack
(the handler waited for a lock its own thread held inside `Event.wait()`). Each
case here starts the real `python -m functions.local`, signals it at one moment
(during start-up, idle, during requests, during a stream-pump batch; one signal
or two in a row) and requires the whole process group gone within five seconds,
after an orderly stop. STOP_TEST_REPEAT=N runs every case N times (a soak).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
import pytest
from browser import ROOT, free_port

pytestmark = pytest.mark.e2e

STOP_LIMIT_SECONDS = 5.0
PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - public demo data
TOTP = pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
REPEAT = int(os.environ.get("STOP_TEST_REPEAT", "1"))
TERM, INT = signal.SIGTERM, signal.SIGINT


@dataclass
class Stack:
    process: subprocess.Popen[str]
    url: str
    lines: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    reader: threading.Thread | None = None

    @classmethod
    def spawn(cls, state_dir: Path) -> Stack:
        port = free_port()
        env = {**os.environ, "PORT": str(port), "DEMO_PORT": str(free_port()),
               "BACKUP_CODES_STATE_DIR": str(state_dir)}
        process = subprocess.Popen([sys.executable, "-m", "functions.local"], cwd=ROOT,
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, start_new_session=True)
        stack = cls(process, f"http://127.0.0.1:{port}")
        stack.reader = threading.Thread(target=stack._read, daemon=True)
        stack.reader.start()
        return stack

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            if line.startswith("Ready:"):
                self.ready.set()

    def wait_ready(self, seconds: float = 120) -> None:
        assert self.ready.wait(seconds), "".join(self.lines)

    def call(self, method: str, path: str, body: dict | None = None,
             cookie: str | None = None) -> tuple[int, dict, str | None]:
        headers = {"Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest"}
        if cookie:
            headers["Cookie"] = cookie
        request = urllib.request.Request(
            f"{self.url}/t/demo/api{path}", method=method, headers=headers,
            data=json.dumps(body).encode() if body is not None else None)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                raw = response.read()
                set_cookie = response.headers.get("Set-Cookie")
                return response.status, json.loads(raw) if raw else {}, set_cookie
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}"), None

    def signal_and_time_the_stop(self, signums: tuple[int, ...]) -> float:
        """Send the signals to the group; seconds until the group is gone."""
        sent = time.monotonic()
        for signum in signums:
            os.killpg(self.process.pid, signum)
        try:
            self.process.wait(timeout=STOP_LIMIT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            pytest.fail(f"still running {STOP_LIMIT_SECONDS} s after {signums}:\n"
                        + "".join(self.lines))
        elapsed = time.monotonic() - sent
        with pytest.raises(ProcessLookupError):
            os.killpg(self.process.pid, 0)
        assert self.reader is not None
        self.reader.join(timeout=5)  # the output's last lines, read to its end
        return elapsed


def _sign_in_and_keep_changing_codes(stack: Stack, stop: threading.Event) -> None:
    """Code-set changes, one after the other: each gives the stream pump a batch."""
    try:
        _change_codes_until(stack, stop)
    except (OSError, ValueError):
        return  # the stack went away under a request: what the case is about


def _change_codes_until(stack: Stack, stop: threading.Event) -> None:
    status, login, _ = stack.call("POST", "/auth/login", {"username": "bob",
                                                          "password": PASSWORD})
    assert status == 200, login
    status, done, cookie = stack.call("POST", "/auth/mfa", {"flow": login["flow"],
                                                           "method": "totp",
                                                           "code": TOTP.now()})
    assert status == 200 and cookie, done
    session = cookie.split(";", 1)[0]
    stack.call("POST", "/me/backup-codes", cookie=session)
    while not stop.is_set():
        stack.call("POST", "/me/backup-codes/regenerate", {}, cookie=session)


def _keep_signing_in(stack: Stack, stop: threading.Event) -> None:
    """Password steps back to back: argon2 work under way when the signal lands."""
    while not stop.is_set():
        try:
            stack.call("POST", "/auth/login", {"username": "alice", "password": PASSWORD})
        except (OSError, ValueError):
            return


Load = Callable[[Stack, threading.Event], None]


@dataclass(frozen=True)
class Case:
    name: str
    signals: tuple[int, ...]
    # Seconds after the spawn; None: once the stack is ready.
    during_startup_after: float | None = None
    load: Load | None = None


CASES = [
    Case("startup-at-once", (TERM,), during_startup_after=0.0),
    Case("startup-importing", (INT,), during_startup_after=0.4),
    Case("startup-early", (TERM,), during_startup_after=1.2),
    Case("startup-late-twice", (TERM, INT), during_startup_after=2.5),
    Case("idle-term", (TERM,)),
    Case("idle-ctrl-c", (INT,)),
    Case("idle-twice", (TERM, TERM)),
    Case("requests-term", (TERM,), load=_keep_signing_in),
    Case("requests-ctrl-c-twice", (INT, INT), load=_keep_signing_in),
    Case("pump-batch-term", (TERM,), load=_sign_in_and_keep_changing_codes),
]


@pytest.fixture(params=[case for case in CASES for _ in range(REPEAT)],
                ids=lambda case: case.name)
def case(request: pytest.FixtureRequest) -> Case:
    return request.param


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    running = Stack.spawn(tmp_path)
    yield running
    if running.process.poll() is None:
        os.killpg(running.process.pid, signal.SIGKILL)
        running.process.wait()


def test_the_stack_is_gone_within_seconds_of_a_signal(case: Case, stack: Stack) -> None:
    # GIVEN the stack at the moment the case names
    stop_load = threading.Event()
    if case.during_startup_after is not None:
        time.sleep(case.during_startup_after)
    else:
        stack.wait_ready()
        if case.load is not None:
            worker = threading.Thread(target=case.load, args=(stack, stop_load), daemon=True)
            worker.start()
            time.sleep(1.0)  # the load is under way (several requests, pump batches)
            assert worker.is_alive(), "".join(stack.lines)

    # WHEN it is signalled
    elapsed = stack.signal_and_time_the_stop(case.signals)
    stop_load.set()

    # THEN it stopped in order, well within the limit, and said nothing alarming
    log = "".join(stack.lines)
    print(f"{case.name}: stopped in {elapsed:.2f} s")
    if stack.process.returncode == -case.signals[0]:
        # The signal came before Python could install a handler: it ended a process
        # that had started nothing, and said nothing.
        assert case.during_startup_after is not None and not log.strip(), log
    else:
        assert stack.process.returncode == 0, (stack.process.returncode, log)
        assert "Stopped." in log, log
    assert "Traceback" not in log, log
    assert elapsed < STOP_LIMIT_SECONDS
