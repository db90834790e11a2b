"""What an operator sees: a request id in every log line, and metrics by method and
outcome, locks and purges, as CloudWatch reads them from the log (EMF)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from functions.logs import NAMESPACE

if TYPE_CHECKING:
    from conftest import Api
    from test_logs import Captured

pytest_plugins = ["test_logs"]


@pytest.fixture
def metrics_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    yield


def emitted(text: str) -> Counter[tuple[str, tuple[tuple[str, str], ...]]]:
    """Each EMF datum written: (metric, its dimensions), counted by value."""
    found: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
    for line in text.splitlines():
        if not line.startswith("{") or "_aws" not in line:
            continue
        document = json.loads(line)
        (directive,) = document["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == NAMESPACE
        (dimensions,) = directive["Dimensions"]
        for metric in directive["Metrics"]:
            key = tuple(sorted((d, document[d]) for d in dimensions))
            value = document[metric["Name"]]  # a number, or a list of them
            found[(metric["Name"], key)] += int(sum(value) if isinstance(value, list) else value)
    return found


def dims(**values: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted({"service": "backup-codes", **values}.items()))


def test_sign_ins_and_locks_are_counted_by_method_and_outcome(
        api: Api, logs: Captured, metrics_on: None, operator: Any) -> None:
    # GIVEN a tenant that locks after 3 wrong codes, and alice with codes
    operator.set_policy(api.tenant, lockout_threshold=3)
    codes = api.add_codes(api.sign_in())["codes"]
    logs.text()  # what came before is not this test's
    # WHEN she signs in with a code, then gets a code wrong three times
    assert api.mfa(api.flow(), "backup_code", codes[0]).status_code == 200
    for _ in range(3):
        api.mfa(api.flow(), "backup_code", api.WRONG_CODE)
    api.login(password="wrong password")
    # THEN each attempt is one datum of SignIn by method and outcome, and the lock one
    found = emitted(logs.text())
    assert found[("SignIn", dims(method="backup_code", outcome="ok"))] == 1
    assert found[("SignIn", dims(method="backup_code", outcome="invalid_code"))] == 2
    assert found[("SignIn", dims(method="backup_code", outcome="locked"))] == 1
    assert found[("Lock", dims(factor="second_factor"))] == 1
    assert found[("SignIn", dims(method="password", outcome="ok"))] == 4
    assert found[("SignIn", dims(method="password", outcome="invalid_credentials"))] == 1


def test_every_request_log_line_names_its_request(api: Api, logs: Captured) -> None:
    api.sign_in()
    lines = [json.loads(line) for line in logs.service.getvalue().splitlines()
             if line.startswith("{") and '"request"' in line]
    assert lines, "no request was logged"
    for line in lines:
        assert line["function_request_id"], line
        assert "cold_start" in line

