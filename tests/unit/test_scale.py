"""docs/SCALE.md's arithmetic (tests/bench/scale.py) on a tiny fixed input, with round
prices so every figure can be checked by hand."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest


def _load() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "bench" / "scale.py"
    spec = importlib.util.spec_from_file_location("bench_scale", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


scale = _load()

# One dollar per unit of everything: a bill's dollars equal its usage.
ONE = scale.Prices(lambda_gb_second=1.0, lambda_request=1.0, api_request=1.0, dynamodb_wru=1.0,
                   dynamodb_rru=1.0, kms_asymmetric_request=1.0, kms_key_month=1.0,
                   ses_email=1.0, eventbridge_event=1.0)
# Compute at full speed, round trips of 10 ms, sends of 100 ms, KMS signs of 50 ms.
SIMPLE = scale.Assumptions(users=10, sign_ins_per_user=2, backup_code_share=0.5,
                           regenerations_per_user=0.0, rate=100, dynamodb_round_trip_ms=10,
                           kms_sign_ms=50, send_ms=100, full_vcpu_mb=1024)
CONFIG: dict[str, Any] = {
    "lambda_memory_size": 128,
    "stages": {"prod": {"lambda_memory_size": 1024, "reserved_concurrency": 50,
                        "lambda_functions": {"notify_security_events": {
                            "lambda_memory_size": 512, "reserved_concurrency": 5}}}}}


def _operation(compute: float, trips: int, rru: float, wru: float, calls: list[str],
               table: str = "users") -> dict[str, Any]:
    return {"compute_ms": compute, "round_trips": trips, "requests": trips,
            "read_units": rru, "write_units": wru, "calls": calls,
            "by_table": {table: {"read_units": rru, "write_units": wru}}}


BENCH: dict[str, Any] = {
    "heading": "tiny",
    "code_count": 2,
    "operations": {
        scale.LOGIN: _operation(20, 2, 1, 1, []),
        scale.TOTP: _operation(0, 1, 0, 2, [], "sets"),
        scale.AUTHORIZE: _operation(0, 1, 1, 0, []),
        scale.TOKEN: _operation(0, 1, 0, 1, ["kms Sign"], "transient"),
        scale.REGENERATE: _operation(100, 1, 0, 4, [], "sets"),
    },
    # The step: 50 ms, 20 of them round trips: 30 ms of compute.
    "sign_in_step": {"step": 50.0, "trips": 20.0, "round_trips": 2, "requests": 3,
                     "ratio": 1.0, "read_units": 9.0, "write_units": 9.0},
    # Two codes spent: a mean of 1 RRU and 5 WRU (not the step's 9 and 9).
    "units_by_codes_left": {
        "2": {"sets": {"read_units": 1.0, "write_units": 6.0}},
        "1": {"sets": {"read_units": 1.0, "write_units": 4.0}}},
    "stream": {
        "notify_security_events": _operation(0, 1, 0, 1, [
            "sesv2 /v2/email/outbound-emails", "events PutEvents"], "transient"),
        "purge_sessions": _operation(0, 0, 0, 0, []),
    },
}


def test_memory_and_reserved_concurrency_follow_chalices_precedence() -> None:
    assert scale.memory_sizes(CONFIG) == {
        "api_handler": 1024, "notify_security_events": 512, "purge_sessions": 1024}
    assert scale.reserved_concurrency(CONFIG) == {
        "api_handler": 50, "notify_security_events": 5, "purge_sessions": 50}


def test_billed_duration_scales_compute_below_one_vcpu_and_adds_the_waits() -> None:
    op = scale.Op("x", "api_handler", compute_ms=10, round_trips=2, kms_signs=1, emails=1)
    # 10 ms at full speed + 2 x 10 + 50 + 100
    assert op.duration_ms(1024, SIMPLE) == 180
    # Half the memory, half the CPU: 20 ms of compute; rounded up to the millisecond.
    assert op.duration_ms(512, SIMPLE) == 190
    assert scale.Op("y", "api_handler", compute_ms=0.2).duration_ms(2048, SIMPLE) == 1


def test_the_backup_code_step_uses_the_steps_compute_and_the_mean_units_of_a_set() -> None:
    step = scale.operations(BENCH)[scale.BACKUP_CODE]
    assert (step.compute_ms, step.round_trips, step.read_units, step.write_units) == (
        30.0, 2, 1.0, 5.0)
    assert step.tables == (("sets", 1.0, 5.0),)


def test_the_bill_of_one_backup_code_sign_in() -> None:
    ops = scale.operations(BENCH)
    memory = scale.memory_sizes(CONFIG)
    found = scale.bill(scale.sign_in(ops, scale.BACKUP_CODE), memory, ONE, SIMPLE)
    # Durations at 1024 MB: first visit 10, login 40, step 50, authorize 10, token 60
    # (10 + 50 for the sign); notify at 512 MB: 10 + 2 x 100 = 210; purge 0 -> 0.
    # GB-s: (10 + 40 + 50 + 10 + 60) / 1000 * 1 + 210 / 1000 * 0.5 = 0.275
    assert found.usage["Lambda GB-seconds"] == pytest.approx(0.275)
    assert found.usage["Lambda requests"] == 7
    assert found.usage["API Gateway REST requests"] == 5
    # visit, login, step, authorize; login, step, token, notify
    assert found.usage["DynamoDB read request units"] == 1 + 1 + 1 + 1
    assert found.usage["DynamoDB write request units"] == 1 + 5 + 1 + 1
    assert (found.usage["KMS Sign (ECC)"], found.usage["SES emails"],
            found.usage["EventBridge custom events"]) == (1, 1, 1)
    assert found.total == pytest.approx(0.275 + 7 + 5 + 4 + 8 + 3)


def test_a_totp_sign_in_sends_nothing_and_its_notify_run_costs_the_purges() -> None:
    ops = scale.operations(BENCH)
    found = scale.bill(scale.sign_in(ops, scale.TOTP), scale.memory_sizes(CONFIG), ONE, SIMPLE)
    assert (found.usage["SES emails"], found.usage["EventBridge custom events"]) == (0, 0)
    assert found.usage["Lambda requests"] == 7


def test_a_month_is_the_sign_ins_by_method_plus_the_key() -> None:
    ops = scale.operations(BENCH)
    memory = scale.memory_sizes(CONFIG)
    backup = scale.bill(scale.sign_in(ops, scale.BACKUP_CODE), memory, ONE, SIMPLE).total
    totp = scale.bill(scale.sign_in(ops, scale.TOTP), memory, ONE, SIMPLE).total
    found = scale.month(ops, memory, ONE, SIMPLE)
    # 10 users x 2 sign-ins, half each way, no regenerations, one KMS key.
    assert found.total == pytest.approx(10 * backup + 10 * totp + 1)


def test_cognito_essentials_and_lite_tiers() -> None:
    prices = scale.Prices()
    assert scale.cognito(5_000, "Essentials", prices) == 0
    assert scale.cognito(100_000, "Essentials", prices) == pytest.approx(90_000 * 0.015)
    assert scale.cognito(100_000, "Lite", prices) == pytest.approx(90_000 * 0.0055)
    assert scale.cognito(200_000, "Lite", prices) == pytest.approx(
        90_000 * 0.0055 + 100_000 * 0.0046)


def test_littles_law_concurrency_and_rates_per_table() -> None:
    ops = scale.operations(BENCH)
    load = scale.capacity(scale.sign_in(ops, scale.BACKUP_CODE), scale.memory_sizes(CONFIG),
                          100, SIMPLE)
    # 100 a second x (10 + 40 + 50 + 10 + 60) ms = 17 in flight; notify 100 x 0.21 = 21.
    assert load.concurrency["api_handler"] == pytest.approx(17)
    assert load.concurrency["notify_security_events"] == pytest.approx(21)
    assert load.per_second["API requests"] == 500
    assert load.per_table["sets WRU"] == pytest.approx(500)
    assert load.per_table["users RRU"] == pytest.approx(300)  # visit, login, authorize


def test_one_tenants_audit_partition_ceiling() -> None:
    assert scale.audit_partition_ceiling(2.0) == 500
    assert math.isclose(scale.audit_partition_ceiling(3.0), 333.33, rel_tol=1e-3)


def test_a_parameter_default_is_read_from_the_template() -> None:
    template = ("Parameters:\n  Other:\n    Type: Number\n    Default: 7\n"
                "  SignInThrottleRateLimit:\n    # a comment\n    Type: Number\n"
                "    Default: 50\n    Description: x\n")
    assert scale.parameter_default(template, "SignInThrottleRateLimit") == 50
    with pytest.raises(KeyError):
        scale.parameter_default(template, "Missing")


def test_rewrite_replaces_the_marked_blocks_only() -> None:
    document = ("keep\n<!-- scale:a -->\nold\n<!-- /scale:a -->\nkeep too\n"
                "<!-- scale:b -->\n<!-- /scale:b -->\n")
    assert scale.rewrite(document, {"a": "new", "b": "| x |"}) == (
        "keep\n<!-- scale:a -->\nnew\n<!-- /scale:a -->\nkeep too\n"
        "<!-- scale:b -->\n| x |\n<!-- /scale:b -->\n")
    with pytest.raises(KeyError):
        scale.rewrite(document, {"c": "nowhere"})
