"""Over a whole journey, no log line carries a code, a hash, a password, a token or a secret."""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import botocore.session
import pyotp
import pytest
from unit.fakes import FakeClock

from functions.bootstrap import Services
from functions.logs import logger as service_logger
from functions.operator import Operator
from functions.settings import Settings
from functions.store.secrets import read_lookup_key

if TYPE_CHECKING:
    from conftest import Api


class Captured:
    def __init__(self, service: io.StringIO, caplog: pytest.LogCaptureFixture,
                 capsys: pytest.CaptureFixture[str]) -> None:
        self.service, self.caplog, self.capsys = service, caplog, capsys

    def text(self) -> str:
        """Everything: the service's JSON lines, every record with all its fields, stdio."""
        records = "\n".join(f"{r.getMessage()} {r.__dict__!r} {r.exc_text or ''}"
                            for r in self.caplog.records)
        out, err = self.capsys.readouterr()
        return "\n".join([self.service.getvalue(), records, out, err])


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture,
         capsys: pytest.CaptureFixture[str]) -> Iterator[Captured]:
    # The service logger writes JSON to the stream it found at import time, which
    # capsys cannot see: point its handlers at a buffer for the test, at DEBUG.
    named = logging.getLogger(service_logger.name)
    streams = [h for h in named.handlers if isinstance(h, logging.StreamHandler)]
    buffer = io.StringIO()
    previous = [h.setStream(buffer) for h in streams]
    level = named.level
    named.setLevel(logging.DEBUG)
    caplog.set_level(logging.INFO)  # every other logger at the deployed level
    try:
        yield Captured(buffer, caplog, capsys)
    finally:
        named.setLevel(level)
        for handler, stream in zip(streams, previous, strict=True):
            if stream is not None:
                handler.setStream(stream)


def test_no_secret_in_any_log_line(api: Api, logs: Captured, operator: Operator,
                                   services: Services, settings: Settings, clock: FakeClock,
                                   state: Callable[[], dict[str, Any]]) -> None:
    secrets: dict[str, str] = {"password": api.user.password,
                               "totp secret": api.user.totp_secret}

    def keep(kind: str, value: str) -> str:
        secrets[f"{kind} {len(secrets)}"] = value
        return value

    def keep_codes(codes: list[str]) -> list[str]:
        for code in codes:
            keep("code", code)
            keep("code", code.replace("-", ""))
            keep("code", code.replace("-", "").lower())
        return codes

    def session(response: object) -> str:
        cookie = api.cookie_of(response)  # type: ignore[arg-type]
        keep("session token", cookie.split("=", 1)[1])
        return cookie

    def flow() -> str:
        return keep("flow", api.flow())

    operator.set_policy(api.tenant, lockout_threshold=3)
    # GIVEN a journey through every route, with its failures
    api.login(password="wrong password")
    api.mfa(flow(), "totp", "000000")
    cookie = session(api.mfa(flow(), "totp", api.totp()))
    api.get("/me", cookie=cookie)
    codes = keep_codes(api.add_codes(cookie)["codes"])
    api.get("/me/backup-codes", cookie=cookie)
    api.post("/me/backup-codes", cookie=cookie)  # already enabled
    spent = flow()
    second = session(api.mfa(spent, "backup_code", codes[0].lower()))
    api.mfa(spent, "totp", api.totp())  # the flow is over
    api.mfa(flow(), "backup_code", codes[0])  # used
    api.mfa(flow(), "backup_code", codes[1].replace("-", " "))
    api.mfa(flow(), "backup_code", "not a code")
    api.mfa(flow(), "backup_code", codes[2] + "X")
    api.post("/auth/login", raw=f'{{"username": "alice", "password": "{api.user.password}"')
    api.post("/auth/login", {"username": "alice", "password": api.user.password}, xhr=False)
    api.post("/auth/mfa", {"flow": flow(), "method": "backup_code", "code": [codes[3]]})
    api.get("/me/sessions", cookie=second)
    clock.advance(1000)
    api.post("/me/backup-codes/regenerate", {}, cookie=cookie)  # reauthentication required
    api.post("/auth/reauth", {"password": "wrong password"}, cookie=cookie)
    api.post("/auth/reauth", {"password": api.user.password}, cookie=cookie)
    status = api.body_of(api.get("/me/backup-codes", cookie=cookie))
    new = keep_codes(api.body_of(api.post("/me/backup-codes/regenerate",
                                   {"generation": status["generation"]}, cookie=cookie))["codes"])
    api.post("/me/backup-codes/regenerate", {"generation": status["generation"]}, cookie=cookie)
    third = session(api.mfa(flow(), "backup_code", new[0]))
    sessions = api.body_of(api.get("/me/sessions", cookie=third))["sessions"]
    api.delete(f"/me/sessions/{sessions[-1]['id']}", cookie=third)
    api.delete("/me/backup-codes", cookie=cookie)
    # ... a new authenticator: its key shown, a wrong code, the right one, then replayed
    setup = api.body_of(api.post("/me/totp", cookie=cookie))
    keep("totp secret", setup["secret"])
    keep("otpauth uri", setup["otpauth_uri"])
    api.post("/me/totp/confirm", {"code": "not a code"}, cookie=cookie)
    near = {pyotp.TOTP(setup["secret"]).at(clock.now() + 30 * d) for d in (-1, 0, 1)}
    api.post("/me/totp/confirm", {"code": next(c for c in ("000000", "111111", "222222")
                                               if c not in near)}, cookie=cookie)
    confirming = keep("totp code", pyotp.TOTP(setup["secret"]).at(clock.now()))
    api.post("/me/totp/confirm", {"code": confirming}, cookie=cookie)
    api.mfa(flow(), "totp", confirming)
    api.user.totp_secret = setup["secret"]
    api.post("/auth/logout", cookie=second)
    api.get("/me", cookie=second)
    api.get("/me", cookie=f"session-{api.tenant}=" + api.flow())
    for _ in range(4):
        api.mfa(flow(), "backup_code", api.WRONG_CODE)  # into the lock
    api.mfa(flow(), "totp", api.totp_now())
    # ... and a fault: the code-set table is gone while a code is typed
    operator.unlock_user(api.tenant, "alice")
    assert api.post("/auth/reauth", {"password": api.user.password},
                    cookie=cookie).status_code == 200
    codes = keep_codes(api.add_codes(cookie)["codes"])
    last_flow = flow()
    stored = state()
    client = botocore.session.get_session().create_client("dynamodb", region_name=settings.region)
    client.delete_table(TableName=settings.code_sets_table)
    failed = api.mfa(last_flow, "backup_code", codes[0])
    assert failed.status_code == 500 and api.body_of(failed)["error"] == "internal"
    api.post("/auth/logout", cookie=cookie)

    # The hashes the tables held, and the lookup-tag key
    for table in stored.values():
        for item in table:
            for name, value in item.items():
                if name == "codes":
                    for tagged in value["M"].values():
                        keep("code hash", tagged["S"])
                elif name == "password_hash":
                    keep("password hash", value["S"])
    _version, key = read_lookup_key(settings.lookup_key_parameter, settings.region, None)
    keep("lookup key", base64.b64encode(key).decode())

    # THEN the logs saw every request, failures and the fault included ...
    text = logs.text()
    for outcome in ("invalid_credentials", "invalid_code", "flow_expired", "locked", "csrf",
                    "invalid_json", "invalid_request", "reauthentication_required",
                    "generation_mismatch", "already_enabled", "unauthenticated", "internal",
                    "unhandled error", "Traceback", "\"route\":\"confirm\""):
        assert outcome in text, outcome
    # ... and not one secret, in any form
    assert "$argon2" not in text
    assert len([k for k in secrets if k.startswith("code hash")]) == 10
    leaked = [kind for kind, value in secrets.items() if value in text]
    assert leaked == []
