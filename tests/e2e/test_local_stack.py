"""The README's run command, started as a newcomer would, then used over plain HTTP."""

from __future__ import annotations

import http.cookiejar
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pyotp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery-staple"  # noqa: S105
TOTP = pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browserless:
    """One client with its own cookie jar: one device, one session (a demo user's, in
    the page's language)."""

    def __init__(self, base: str, username: str = "alice", language: str = "en") -> None:
        self.base = base
        self.username = username
        self.language = language
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        request = urllib.request.Request(
            f"{self.base}/t/demo/api{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest",
                     "Accept-Language": self.language})
        try:
            with self.opener.open(request, timeout=10) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else {}
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def sign_in(self, method: str, code: str) -> tuple[int, dict]:
        status, login = self.call("POST", "/auth/login",
                                  {"username": self.username, "password": PASSWORD})
        assert status == 200 and login["status"] == "mfa_required", login
        return self.call("POST", "/auth/mfa", {"flow": login["flow"], "method": method,
                                               "code": code})


@pytest.fixture(scope="module")
def local_stack():
    port = free_port()
    # DEMO_PORT too: PORT+1, the default, is the kind of port Linux gives outgoing
    # connections, and on a busy machine one of them may hold it.
    process = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=ROOT,
                               env={**os.environ, "PORT": str(port),
                                    "DEMO_PORT": str(free_port())},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    output = []
    deadline = time.monotonic() + 240
    assert process.stdout is not None
    for line in process.stdout:
        output.append(line)
        if line.startswith("Ready:"):
            break
        assert time.monotonic() < deadline, "".join(output)
    else:
        pytest.fail("make run exited before it was ready:\n" + "".join(output))
    yield f"http://127.0.0.1:{port}", process, output
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def raw_request(base: str, request: bytes) -> tuple[int, dict]:
    """One hand-written HTTP request, for what no client library would send."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


@pytest.mark.parametrize("method", ["PATCH", "OPTIONS", "TRACE", "BREW"])
def test_the_front_door_refuses_other_methods_in_json(local_stack, method: str) -> None:
    base, _, _ = local_stack
    status, body = raw_request(base, f"{method} /t/demo/api/me HTTP/1.1\r\n"
                                     "Host: localhost\r\nContent-Length: 0\r\n\r\n".encode())
    assert (status, body["error"]) == (405, "method_not_allowed")


@pytest.mark.parametrize("length", ["abc", "-1", "1e3", ""])
def test_a_bad_content_length_is_a_clear_400(local_stack, length: str) -> None:
    base, _, _ = local_stack
    header = f"Content-Length: {length}\r\n" if length else "Content-Length: \r\n"
    status, body = raw_request(base, ("POST /t/demo/api/auth/login HTTP/1.1\r\n"
                                      "Host: localhost\r\nConnection: close\r\n"
                                      "Content-Type: application/json\r\n"
                                      f"{header}\r\n").encode())
    assert status == 400 and body["error"] in ("invalid_request", "invalid_json"), body


def test_make_run_serves_the_whole_product_and_stops_cleanly(local_stack) -> None:
    base, process, output = local_stack
    text = "".join(output)
    # The banner names the demo data and each tenant's sign-in address.
    for expected in ("demo/alice", "demo/bob", "acme/alice", PASSWORD,
                     f"{base}/t/demo/", f"{base}/t/acme/"):
        assert expected in text

    # GIVEN alice signed in on two devices with her authenticator. A TOTP code
    # counts once, so the first uses the previous step's code (one step of drift).
    laptop, phone = Browserless(base), Browserless(base)
    assert laptop.sign_in("totp", TOTP.at(time.time() - 30))[0] == 200
    assert phone.sign_in("totp", TOTP.now())[0] == 200
    assert phone.call("GET", "/me")[0] == 200

    # WHEN she adds backup codes on the laptop
    status, added = laptop.call("POST", "/me/backup-codes")
    assert status == 201 and len(added["codes"]) == 10

    # THEN the phone's session ends within a few seconds (stream -> pump -> purge)
    deadline = time.monotonic() + 10
    while phone.call("GET", "/me")[0] != 401:
        assert time.monotonic() < deadline, "the other session was not purged"
        time.sleep(0.2)
    assert laptop.call("GET", "/me")[0] == 200

    # A backup code signs her in once, and only once.
    code = added["codes"][3]
    status, done = Browserless(base).sign_in("backup_code", code.lower())
    assert (status, done["backup_codes_remaining"]) == (200, 9)
    status, again = Browserless(base).sign_in("backup_code", code)
    assert (status, again["error"]) == (401, "invalid_code")

    # The page is served on the same origin, under the production CSP.
    with urllib.request.urlopen(f"{base}/t/demo/", timeout=10) as page:  # noqa: S310
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        assert b"<html" in page.read()

    # One readable line per request, and never a code or a password in the output.
    os.killpg(process.pid, signal.SIGTERM)
    rest, _ = process.communicate(timeout=30)
    log = text + rest
    assert "POST /t/demo/api/auth/mfa 200" in log
    assert code not in log and code.replace("-", "") not in log
    assert "Stopped." in log, "the stack shut down in order"
    assert "Traceback" not in log
    # make itself dies of the signal it was sent with its group (as under Ctrl-C).
    assert process.returncode in (0, -signal.SIGTERM)
    # Nothing is left running: the process group is gone and the port is free.
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)
    socket.create_server(("127.0.0.1", int(base.rsplit(":", 1)[1]))).close()
