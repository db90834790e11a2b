"""`make run` shows what it sent: a code used over HTTP is an event in /_local/events.json
and an email in /_local/outbox.json within seconds, and a line each in its log."""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from test_local_stack import TOTP, Browserless, local_stack  # noqa: F401 - the fixture

pytestmark = pytest.mark.e2e

SECONDS = 10


def read_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - our own stack
        found: dict[str, Any] = json.loads(answer.read())
        return found


def within_seconds(find: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + SECONDS
    while not (found := find()):
        assert time.monotonic() < deadline, f"no {what} within {SECONDS} s"
        time.sleep(0.2)
    return found


def test_a_code_used_over_http_shows_as_an_event_and_an_email_within_seconds(
        local_stack: Any) -> None:  # noqa: F811 - the fixture
    base, process, output = local_stack
    # GIVEN bob (the demo user whose address is bob@example.com) adds codes, the page
    # in Spanish
    device = Browserless(base, username="bob", language="es")
    assert device.sign_in("totp", TOTP.now())[0] == 200
    status, added = device.call("POST", "/me/backup-codes")
    assert status == 201
    # WHEN he signs in with one, the page in German
    status, done = Browserless(base, username="bob", language="de").sign_in(
        "backup_code", added["codes"][0])
    assert (status, done["backup_codes_remaining"]) == (200, 9)

    # THEN the event is on the bus within seconds, with the count left and no code ...
    def used() -> list[dict[str, Any]]:
        return [e for e in read_json(f"{base}/_local/events.json")["events"]
                if e["detail_type"] == "BackupCodeUsed" and e["detail"]["username"] == "bob"]

    (event,) = within_seconds(used, "BackupCodeUsed event")
    assert event["detail"]["tenant"] == "demo" and event["detail"]["remaining"] == 9
    assert event["detail"]["ip"] == "127.0.0.1"

    # ... and the email in his outbox, in German, saying how many are left
    def emails() -> list[dict[str, Any]]:
        return [m for m in read_json(f"{base}/_local/outbox.json")["messages"]
                if m["to"] == "bob@example.com"]

    found = within_seconds(lambda: len(emails()) == 2 and emails(), "two emails to bob")
    added_email, used_email = found
    assert added_email["subject"].startswith("Se han añadido códigos de respaldo")
    assert used_email["subject"] == "Anmeldung bei Demo Inc. mit einem Backup-Code"
    assert "Sie haben noch 9 Backup-Codes." in used_email["text"]
    assert f"{base}/t/demo/" in used_email["text"] and used_email["at"].endswith("Z")
    # AND the page for people shows them, escaped, under the production CSP
    with urllib.request.urlopen(f"{base}/_local/outbox", timeout=10) as page:  # noqa: S310
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        html = page.read().decode()
    assert "Anmeldung bei Demo Inc. mit einem Backup-Code" in html

    # AND the log has a line for each, the address masked, no code anywhere (the
    # stack's watch of its outbox writes them within its half-second poll)
    time.sleep(1.5)
    os.killpg(process.pid, signal.SIGTERM)
    rest, _ = process.communicate(timeout=30)
    log = "".join(output) + rest
    assert "event BackupCodeUsed demo/bob" in log
    assert "email to b***@example.com: Anmeldung bei Demo Inc. mit einem Backup-Code" in log
    assert "bob@example.com" not in log
    assert added["codes"][0] not in log and "Traceback" not in log
