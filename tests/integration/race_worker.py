"""One Lambda container for the race tests: the app over a shared moto server.

Started as a process of its own by tests/integration/test_races.py, it reads one JSON
command a line from standard input, waits for the command's wall-clock moment, runs
it through its own app (its own services, caches and botocore clients, as a separate
Lambda container would), and writes one JSON answer a line. Its argon2 hasher counts
its verifications, so the parent can add up the work done across containers.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from chalice.test import Client  # noqa: E402
from unit.fakes import CountingHasher  # noqa: E402

from functions.api.application import create_app  # noqa: E402
from functions.bootstrap import LazyServices, build_services  # noqa: E402
from functions.crypto import Argon2Hasher  # noqa: E402
from functions.settings import Settings  # noqa: E402

XHR = {"X-Requested-With": "XMLHttpRequest", "Content-Type": "application/json"}
# The service logs JSON lines to standard output too: answers are marked.
ANSWER = "ANSWER "


def main() -> None:
    settings = Settings.from_env(os.environ)
    hasher = CountingHasher(Argon2Hasher(settings.argon2))
    services = build_services(settings, hasher=hasher)
    client = Client(create_app(LazyServices(lambda: services), settings))
    services.tenants.policy(os.environ["RACE_TENANT"])  # warm, as a container in use is
    print(ANSWER + json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        time.sleep(max(0.0, command["at"] - time.time()))
        headers = {**XHR, **({"Cookie": command["cookie"]} if command.get("cookie") else {})}
        reply = client.http.request(command["method"], command["path"], headers=headers,
                                    body=json.dumps(command.get("body") or {}))
        answer: dict[str, Any] = {"status": reply.status_code,
                                  "body": json.loads(reply.body) if reply.body else None,
                                  "verifications": hasher.verifications}
        cookie = reply.headers.get("Set-Cookie")
        if cookie and reply.status_code == 200:
            answer["cookie"] = str(cookie).split(";", 1)[0]
        print(ANSWER + json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
