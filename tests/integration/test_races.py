"""Races between Lambda containers: separate processes, each its own app, one moto server.

Threads in one process share the service's caches and botocore clients; separate
containers do not, so these races run in separate processes (race_worker.py) against
one moto server whose request handling is serialised, as DynamoDB applies each request
atomically.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from functions.api.application import create_app
from functions.bootstrap import LazyServices, build_operator, build_services
from functions.core.sessions import MAX_REAUTH_FAILURES
from functions.local.aws import LocalAws
from functions.local.tables import create_tables
from functions.settings import Settings
from functions.store.secrets import store_lookup_key

WORKER = Path(__file__).with_name("race_worker.py")
ANSWER = "ANSWER "  # race_worker.py marks its answers so
TENANT = "races"
PASSWORD = "correct horse battery staple"  # noqa: S105
XHR = {"X-Requested-With": "XMLHttpRequest", "Content-Type": "application/json"}
CONTAINERS = 6


@dataclass
class Container:
    process: subprocess.Popen[str]

    def send(self, command: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def receive(self) -> dict[str, Any]:
        """The container's next answer (its log lines, also on standard output, skipped)."""
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            assert line, "the container exited"
            if line.startswith(ANSWER):
                answer: dict[str, Any] = json.loads(line.removeprefix(ANSWER))
                return answer


@dataclass
class Cluster:
    settings: Settings
    client: Client  # the tests' own container, for set-up and checks
    containers: list[Container]

    def call(self, method: str, path: str, body: Any = None,
             cookie: str | None = None) -> Any:
        headers = {**XHR, **({"Cookie": cookie} if cookie else {})}
        return self.client.http.request(method, f"/t/{TENANT}/api{path}", headers=headers,
                                        body=json.dumps(body or {}))

    def at_once(self, commands: list[tuple[Container, dict[str, Any]]]) -> list[dict[str, Any]]:
        """Each command at its moment (`at` is seconds from now); the answers in order."""
        start = time.time() + 0.3  # every container has its command before it is due
        for container, command in commands:
            container.send({**command, "at": start + command.get("at", 0.0),
                            "path": f"/t/{TENANT}/api{command['path']}"})
        return [container.receive() for container, _ in commands]


def _environment(endpoint: str) -> dict[str, str]:
    return {**os.environ, "DYNAMODB_ENDPOINT": endpoint, "SSM_ENDPOINT": endpoint,
            "AWS_ACCESS_KEY_ID": "race", "AWS_SECRET_ACCESS_KEY": "race",
            "AWS_DEFAULT_REGION": "us-east-1", "RACE_TENANT": TENANT,
            "TABLE_PREFIX": "races", "SECURE_COOKIES": "false"}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    server = LocalAws()
    server.start()
    environment = _environment(server.endpoint)
    settings = Settings.from_env(environment)
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            patch.setenv(name, environment[name])
        create_tables(settings)
        store_lookup_key(settings.lookup_key_parameter, settings.region, server.endpoint,
                         secrets.token_bytes(32))
        operator = build_operator(settings)
        operator.create_tenant(TENANT, "Races", lockout_threshold=100)
        operator.create_user(TENANT, "alice", PASSWORD)
        operator.create_user(TENANT, "bob", PASSWORD)
        processes = [subprocess.Popen([sys.executable, str(WORKER)], env=environment,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                     for _ in range(CONTAINERS)]
        containers = [Container(process) for process in processes]
        for container in containers:
            assert container.receive() == {"ready": True}
        services = build_services(settings)
        try:
            yield Cluster(settings, Client(create_app(LazyServices(lambda: services), settings)),
                          containers)
        finally:
            for process in processes:
                process.kill()
                process.wait()
            server.stop()


def _body(reply: Any) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads(reply.body)
    return answer


def test_sign_ins_with_old_codes_racing_a_regeneration_leave_no_session_alive(
        cluster: Cluster) -> None:
    # GIVEN alice with codes, signed in on a laptop (a session of a password alone
    # first: she has no second factor yet)
    laptop = str(cluster.call("POST", "/auth/login", {"username": "alice",
                                                      "password": PASSWORD}
                              ).headers["Set-Cookie"]).split(";", 1)[0]
    issued = _body(cluster.call("POST", "/me/backup-codes", cookie=laptop))
    rng = random.Random(7)  # noqa: S311 - timing jitter, not a secret
    workers, regenerator = cluster.containers[:-1], cluster.containers[-1]
    signed_in = accepted = refused = 0
    # Eight rounds, and more (up to 24) while none got in first: on a loaded machine the
    # containers can all start after the regeneration, and then nothing raced.
    for round_number in range(24):
        if round_number >= 8 and signed_in > 0:
            break
        codes, generation = issued["codes"], issued["generation"]
        flows = [_body(cluster.call("POST", "/auth/login", {"username": "alice",
                                                            "password": PASSWORD}))["flow"]
                 for _ in workers]
        # WHEN the containers sign in with old codes while another regenerates, their
        # moments spread around the regeneration's
        commands = [(worker, {"method": "POST", "path": "/auth/mfa", "at": rng.uniform(0, 0.04),
                              "body": {"flow": flow, "method": "backup_code", "code": code}})
                    for worker, flow, code in zip(workers, flows, codes, strict=False)]
        commands.append((regenerator, {"method": "POST", "path": "/me/backup-codes/regenerate",
                                       "at": 0.015, "cookie": laptop,
                                       "body": {"generation": generation}}))
        *sign_ins, regenerated = cluster.at_once(commands)
        assert regenerated["status"] == 200, regenerated
        issued = regenerated["body"]
        # THEN not one session of an old code is accepted afterwards, purge or no purge
        for answer in sign_ins:
            if answer["status"] != 200:
                refused += 1
                continue
            signed_in += 1
            if cluster.call("GET", "/me", cookie=answer["cookie"]).status_code != 401:
                accepted += 1
        # AND the session that made the change goes on
        assert cluster.call("GET", "/me", cookie=laptop).status_code == 200
    print(f"\nold-code sign-ins racing a regeneration: {signed_in} got in, {refused} refused, "
          f"{accepted} still accepted after the change")
    assert accepted == 0
    assert signed_in > 0, "no sign-in got in before the change: the race was not run"


def test_a_reauthentication_burst_across_containers_checks_no_more_than_five(
        cluster: Cluster) -> None:
    # GIVEN a signed-in session (bob has no second factor: his password signs him in)
    cookie = str(cluster.call("POST", "/auth/login", {"username": "bob",
                                                      "password": PASSWORD}
                              ).headers["Set-Cookie"]).split(";", 1)[0]
    before = [c.receive() for c in _ping(cluster)]
    # WHEN every container sends wrong passwords on it at the same moment, 4 each
    commands = [(container, {"method": "POST", "path": "/auth/reauth", "cookie": cookie,
                             "body": {"password": f"wrong {n}"}, "at": 0.0})
                for container in cluster.containers for n in range(4)]
    answers = cluster.at_once(commands)
    after = [c.receive() for c in _ping(cluster)]
    # THEN all the containers together checked no more than five of them, the rest
    # were refused unchecked, and the session is over
    checked = sum(a["verifications"] - b["verifications"] for a, b in zip(after, before,
                                                                         strict=True))
    statuses = sorted({(a["status"], a["body"]["error"]) for a in answers})
    print(f"\nreauthentication burst: {len(answers)} guesses, {checked} checked, "
          f"answers {statuses}")
    assert checked <= MAX_REAUTH_FAILURES
    assert statuses == [(401, "invalid_credentials"), (401, "unauthenticated")]
    assert cluster.call("GET", "/me", cookie=cookie).status_code == 401


def _ping(cluster: Cluster) -> list[Container]:
    """Ask each container how many verifications it has done so far."""
    for container in cluster.containers:
        container.send({"method": "GET", "path": f"/t/{TENANT}/api/tenant", "at": 0})
    return cluster.containers
