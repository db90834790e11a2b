"""`make scale`: docs/SCALE.md's figures from the bench's measurements.

Reads artifacts/bench/bench.json (`make bench`), the functions' memory and reserved
concurrency (.chalice/config.json, stage `prod`) and the API throttles
(infra/template.yaml's parameter defaults), and rewrites the blocks of docs/SCALE.md
between `<!-- scale:NAME -->` and `<!-- /scale:NAME -->`; the prose around them is
written by hand. `--check` changes nothing and exits 1 when a block is out of date.

Every figure is arithmetic on measured counts (requests, read and write units, KMS,
SES and EventBridge calls, round trips) and measured compute times, with the prices and
the assumptions below; no figure is typed into the document by hand.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "artifacts" / "bench" / "bench.json"
CONFIG = ROOT / ".chalice" / "config.json"
TEMPLATE = ROOT / "infra" / "template.yaml"
DOC = ROOT / "docs" / "SCALE.md"
STAGE = "prod"

# Public list prices, us-east-1, x86 Lambda (no free tier counted), as published: set by
# hand on the date below, from the AWS pricing pages as last known (the build machine
# cannot reach them). Check them again before quoting a figure.
PRICES_READ = "2026-12-02"


@dataclass(frozen=True)
class Prices:
    lambda_gb_second: float = 0.0000166667  # first 6 billion GB-s a month
    lambda_request: float = 0.20 / 1e6
    api_request: float = 3.50 / 1e6  # REST API, first 333 million a month
    dynamodb_wru: float = 0.625 / 1e6  # on-demand write request unit
    dynamodb_rru: float = 0.125 / 1e6  # on-demand read request unit
    kms_asymmetric_request: float = 0.15 / 10_000  # Sign with an ECC key
    kms_key_month: float = 1.00  # each customer managed key, a month
    ses_email: float = 0.10 / 1000  # outbound, from Lambda
    eventbridge_event: float = 1.00 / 1e6  # custom event, 64 KB chunk
    # Amazon Cognito user pools, per monthly active user (MAU) above the first 10,000.
    cognito_essentials_mau: float = 0.015
    # Lite is tiered: (up to this many MAUs, price each); the first 10,000 are free.
    cognito_lite_tiers: tuple[tuple[float, float], ...] = (
        (10_000, 0.0), (100_000, 0.0055), (1_000_000, 0.0046), (10_000_000, 0.00325),
        (math.inf, 0.0025))


PRICES = Prices()


@dataclass(frozen=True)
class Assumptions:
    """What the measurements cannot tell; docs/SCALE.md states each one."""

    users: int = 100_000  # monthly active users
    sign_ins_per_user: float = 20  # sign-ins to an application, a user, a month
    backup_code_share: float = 0.02  # of the sign-ins, those with a backup code
    regenerations_per_user: float = 0.02  # new sets, a user, a month
    rate: float = 1000  # sign-ins per second, for the concurrency and throughput
    dynamodb_round_trip_ms: float = 6.0  # in-region, p50 single-digit ms
    kms_sign_ms: float = 15.0
    send_ms: float = 25.0  # one SES or EventBridge call
    full_vcpu_mb: int = 1769  # Lambda gives one vCPU at this memory, in proportion below


ASSUMPTIONS = Assumptions()

# An application's sign-in: the password, the second factor, the authorization code
# (the browser signed in by then), and the application's token request (an ID token,
# signed by KMS). The first visit to /authorize, which only sends the browser to the
# sign-in page, is one more API request and Lambda invocation (counted below).
LOGIN = "POST /auth/login (second factor follows)"
BACKUP_CODE = "POST /auth/mfa (backup code)"
TOTP = "POST /auth/mfa (TOTP)"
AUTHORIZE = "GET /oidc/authorize (signed in)"
TOKEN = "POST /oidc/token (authorization code)"
REGENERATE = "POST /me/backup-codes/regenerate"
NOTIFY = "notify_security_events"
PURGE = "purge_sessions"
API = "api_handler"
TABLE_QUOTA = 40_000  # on-demand RRU or WRU a second, per table, by default


@dataclass(frozen=True)
class Op:
    """One Lambda invocation: what it costs and how long it runs."""

    name: str
    function: str  # api_handler, notify_security_events, purge_sessions
    compute_ms: float  # measured, on one core, besides waiting for DynamoDB
    round_trips: int = 0
    read_units: float = 0.0
    write_units: float = 0.0
    kms_signs: int = 0
    emails: int = 0
    events: int = 0
    api_request: bool = True
    tables: tuple[tuple[str, float, float], ...] = ()  # (table, RRU, WRU)

    def duration_ms(self, memory_mb: int, a: Assumptions = ASSUMPTIONS) -> float:
        """Billed duration at `memory_mb`: compute slows in proportion below one vCPU;
        each round trip, KMS sign and send waits its assumed latency; rounded up to 1 ms."""
        cpu = self.compute_ms * max(1.0, a.full_vcpu_mb / memory_mb)
        waits = (self.round_trips * a.dynamodb_round_trip_ms + self.kms_signs * a.kms_sign_ms
                 + (self.emails + self.events) * a.send_ms)
        return float(math.ceil(cpu + waits))


@dataclass
class Bill:
    """Dollars, line by line, and the usage behind them."""

    usage: dict[str, float] = field(default_factory=dict)
    dollars: dict[str, float] = field(default_factory=dict)

    def add(self, line: str, amount: float, price: float) -> None:
        self.usage[line] = self.usage.get(line, 0.0) + amount
        self.dollars[line] = self.dollars.get(line, 0.0) + amount * price

    def scaled(self, factor: float) -> Bill:
        return Bill({k: v * factor for k, v in self.usage.items()},
                    {k: v * factor for k, v in self.dollars.items()})

    def plus(self, other: Bill) -> Bill:
        total = Bill(dict(self.usage), dict(self.dollars))
        for line in other.usage:
            total.usage[line] = total.usage.get(line, 0.0) + other.usage[line]
            total.dollars[line] = total.dollars.get(line, 0.0) + other.dollars[line]
        return total

    @property
    def total(self) -> float:
        return sum(self.dollars.values())


# -- Reading the inputs ------------------------------------------------------------------

def memory_sizes(config: dict[str, Any], stage: str = STAGE) -> dict[str, int]:
    """Each function's memory in `stage`: the function's own, else the stage's, else
    the file's (Chalice's order)."""
    stage_config = config["stages"][stage]
    default = stage_config.get("lambda_memory_size", config.get("lambda_memory_size", 128))
    functions = stage_config.get("lambda_functions", {})
    return {name: functions.get(name, {}).get("lambda_memory_size", default)
            for name in (API, NOTIFY, PURGE)}


def reserved_concurrency(config: dict[str, Any], stage: str = STAGE) -> dict[str, int | None]:
    stage_config = config["stages"][stage]
    default = stage_config.get("reserved_concurrency", config.get("reserved_concurrency"))
    functions = stage_config.get("lambda_functions", {})
    return {name: functions.get(name, {}).get("reserved_concurrency", default)
            for name in (API, NOTIFY, PURGE)}


def parameter_default(template: str, name: str) -> float:
    """A CloudFormation parameter's Default (the template has tags YAML cannot read
    without CloudFormation's loader, so a parameter is found by its indentation)."""
    found = re.search(rf"^  {name}:\n(?:(?:    .*|\s*)\n)*?    Default: \"?([\d.]+)\"?$",
                      template, re.MULTILINE)
    if not found:
        raise KeyError(name)
    return float(found.group(1))


def _calls(calls: list[str], prefix: tuple[str, ...]) -> int:
    return sum(1 for call in calls if call.startswith(prefix))


def _tables(by_table: dict[str, dict[str, float]]) -> tuple[tuple[str, float, float], ...]:
    return tuple((table, u["read_units"], u["write_units"])
                 for table, u in sorted(by_table.items()))


def _mean_tables(samples: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    mean: dict[str, dict[str, float]] = {}
    for sample in samples:
        for table, u in sample.items():
            entry = mean.setdefault(table, {"read_units": 0.0, "write_units": 0.0})
            entry["read_units"] += u["read_units"] / len(samples)
            entry["write_units"] += u["write_units"] / len(samples)
    return mean


def operations(bench: dict[str, Any]) -> dict[str, Op]:
    """The measured invocations. The backup-code step's compute is the sign-in step's
    (its many interleaved rounds: the step less its round trips), and its units the
    mean over a whole set spent code by code (the set's item changes with each)."""
    found: dict[str, Op] = {}
    for name, m in bench["operations"].items():
        found[name] = Op(name, API, m["compute_ms"], m["round_trips"], m["read_units"],
                         m["write_units"], _calls(m["calls"], ("kms Sign",)),
                         _calls(m["calls"], ("ses", "sesv2")),
                         _calls(m["calls"], ("events PutEvents",)),
                         tables=_tables(m["by_table"]))
    step = bench["sign_in_step"]
    mean = _mean_tables(list(bench["units_by_codes_left"].values()))
    found[BACKUP_CODE] = Op(BACKUP_CODE, API, step["step"] - step["trips"],
                            step["round_trips"],
                            sum(u["read_units"] for u in mean.values()),
                            sum(u["write_units"] for u in mean.values()),
                            tables=_tables(mean))
    for function, m in bench["stream"].items():
        found[f"stream: {function}"] = Op(
            f"stream: {function}", function, m["compute_ms"], m["requests"],
            m["read_units"], m["write_units"], 0, _calls(m["calls"], ("ses", "sesv2")),
            _calls(m["calls"], ("events PutEvents",)), api_request=False,
            tables=_tables(m["by_table"]))
    return found


def sign_in(ops: dict[str, Op], method: str) -> list[Op]:
    """The invocations of one application sign-in by `method` (a backup code or TOTP).

    Both change the user's code-set item (a spend, or the claimed TOTP step), so both
    reach the two stream functions (no filter: one invocation per record is the dearest
    case; Lambda batches records that come faster). Only a spend sends an email and an
    event (BackupCodeUsed); the notifying function's run for a TOTP sign-in costs what
    the purge's does."""
    first_visit = replace(ops[AUTHORIZE], name="GET /oidc/authorize (to the sign-in page)")
    purge = ops[f"stream: {PURGE}"]
    if method == BACKUP_CODE:
        notify = ops[f"stream: {NOTIFY}"]
    else:
        notify = Op(f"stream: {NOTIFY}", NOTIFY, purge.compute_ms, api_request=False)
    return [first_visit, ops[LOGIN], ops[method], ops[AUTHORIZE], ops[TOKEN], notify, purge]


def regeneration(ops: dict[str, Op]) -> list[Op]:
    """A new set: the API call, then the stream (an email and an event)."""
    return [ops[REGENERATE], ops[f"stream: {NOTIFY}"], ops[f"stream: {PURGE}"]]


# -- The arithmetic ----------------------------------------------------------------------

def bill(invocations: list[Op], memory: dict[str, int], p: Prices = PRICES,
         a: Assumptions = ASSUMPTIONS) -> Bill:
    """The bill of one run of `invocations`."""
    total = Bill()
    for op in invocations:
        gb_seconds = op.duration_ms(memory[op.function], a) / 1000 * memory[op.function] / 1024
        total.add("Lambda GB-seconds", gb_seconds, p.lambda_gb_second)
        total.add("Lambda requests", 1, p.lambda_request)
        total.add("API Gateway REST requests", 1 if op.api_request else 0, p.api_request)
        total.add("DynamoDB read request units", op.read_units, p.dynamodb_rru)
        total.add("DynamoDB write request units", op.write_units, p.dynamodb_wru)
        total.add("KMS Sign (ECC)", op.kms_signs, p.kms_asymmetric_request)
        total.add("SES emails", op.emails, p.ses_email)
        total.add("EventBridge custom events", op.events, p.eventbridge_event)
    return total


def month(ops: dict[str, Op], memory: dict[str, int], p: Prices = PRICES,
          a: Assumptions = ASSUMPTIONS) -> Bill:
    sign_ins = a.users * a.sign_ins_per_user
    backup = bill(sign_in(ops, BACKUP_CODE), memory, p, a).scaled(sign_ins * a.backup_code_share)
    totp = bill(sign_in(ops, TOTP), memory, p, a).scaled(sign_ins * (1 - a.backup_code_share))
    regenerations = bill(regeneration(ops), memory, p, a).scaled(
        a.users * a.regenerations_per_user)
    total = backup.plus(totp).plus(regenerations)
    # The keys: the ID-token signing key of the stage (one; two during a rotation).
    total.add("KMS keys", 1, p.kms_key_month)
    return total


def cognito(users: int, tier: str, p: Prices = PRICES) -> float:
    """Amazon Cognito's monthly price for `users` MAUs in the Essentials or Lite tier."""
    if tier == "Essentials":
        return max(0, users - 10_000) * p.cognito_essentials_mau
    dollars, below = 0.0, 0.0
    for upto, price in p.cognito_lite_tiers:
        dollars += max(0.0, min(users, upto) - below) * price
        below = upto
        if users <= upto:
            break
    return dollars


@dataclass(frozen=True)
class Capacity:
    concurrency: dict[str, float]  # Little's law: mean invocations in flight, by function
    per_second: dict[str, float]  # requests, units and calls a second
    per_table: dict[str, float]  # "<table> RRU" / "<table> WRU": units a second


def capacity(invocations: list[Op], memory: dict[str, int], rate: float,
             a: Assumptions = ASSUMPTIONS) -> Capacity:
    """At `rate` sign-ins a second: each function's concurrency is the arrival rate of
    its invocations times their duration (Little's law, L = λW); and the rates."""
    concurrency: dict[str, float] = {}
    per_second: dict[str, float] = {}
    per_table: dict[str, float] = {}
    for op in invocations:
        seconds = op.duration_ms(memory[op.function], a) / 1000
        concurrency[op.function] = concurrency.get(op.function, 0.0) + rate * seconds
        for key, value in (("API requests", 1 if op.api_request else 0),
                           ("DynamoDB RRU", op.read_units), ("DynamoDB WRU", op.write_units),
                           ("KMS Sign", op.kms_signs), ("SES emails", op.emails),
                           ("EventBridge events", op.events)):
            per_second[key] = per_second.get(key, 0.0) + rate * value
        for table, read, write in op.tables:
            for key, value in ((f"{table} RRU", read), (f"{table} WRU", write)):
                per_table[key] = per_table.get(key, 0.0) + rate * value
    return Capacity(concurrency, per_second, per_table)


def audit_partition_ceiling(audit_write_units: float, partition_wcu: float = 1000) -> float:
    """Audited sign-ins a second one tenant's audit partition takes: DynamoDB gives a
    partition key 1,000 write units a second, and a sort key that only grows (time)
    gives its split-for-heat nothing to split."""
    return partition_wcu / audit_write_units


# -- The document ------------------------------------------------------------------------

def _money(dollars: float) -> str:
    if dollars >= 100:  # noqa: PLR2004
        return f"${dollars:,.0f}"
    if dollars >= 1:
        return f"${dollars:,.2f}"
    return f"${dollars:.4f}"


def _number(value: float) -> str:
    if value >= 100:  # noqa: PLR2004
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def blocks(bench: dict[str, Any], config: dict[str, Any], template: str,
           p: Prices = PRICES, a: Assumptions = ASSUMPTIONS) -> dict[str, str]:
    """Each generated block of docs/SCALE.md, by name."""
    ops = operations(bench)
    memory = memory_sizes(config)
    reserved = reserved_concurrency(config)
    out: dict[str, str] = {}

    step = bench["sign_in_step"]
    rows = ["| invocation | function (MB) | compute ms | round trips | RRU | WRU | "
            "other calls | billed ms |", "|---|---|---|---|---|---|---|---|"]
    for op in sign_in(ops, BACKUP_CODE):
        others = ", ".join(f"{n} {label}" for n, label in (
            (op.kms_signs, "KMS Sign"), (op.emails, "SES email"),
            (op.events, "EventBridge event")) if n)
        rows.append(f"| {op.name} | {op.function} ({memory[op.function]}) | "
                    f"{op.compute_ms:.1f} | {op.round_trips} | {_number(op.read_units)} | "
                    f"{_number(op.write_units)} | {others or '-'} | "
                    f"{op.duration_ms(memory[op.function], a):.0f} |")
    out["measured"] = "\n".join([
        f"From `make bench` ({bench['heading']}): the backup-code step is "
        f"{step['ratio']:.2f}x (argon2 + its round trips), {step['requests']} DynamoDB "
        f"requests in {step['round_trips']} round trips; its units are the mean over a "
        f"set of {bench.get('code_count', '?')} codes spent one by one.", "", *rows])

    million = bill(sign_in(ops, BACKUP_CODE), memory, p, a).scaled(1e6)
    totp_million = bill(sign_in(ops, TOTP), memory, p, a).scaled(1e6)
    rows = ["| line | usage | backup code | usage (TOTP) | TOTP |", "|---|---|---|---|---|"]
    for line in million.usage:
        rows.append(f"| {line} | {_number(million.usage[line])} | "
                    f"{_money(million.dollars[line])} | {_number(totp_million.usage[line])} | "
                    f"{_money(totp_million.dollars[line])} |")
    rows.append(f"| **total** | | **{_money(million.total)}** | | "
                f"**{_money(totp_million.total)}** |")
    out["million"] = "\n".join(rows)

    monthly = month(ops, memory, p, a)
    essentials, lite = cognito(a.users, "Essentials", p), cognito(a.users, "Lite", p)
    rows = ["| line | usage | dollars |", "|---|---|---|"]
    rows += [f"| {line} | {_number(monthly.usage[line])} | {_money(monthly.dollars[line])} |"
             for line in monthly.usage]
    rows.append(f"| **total** | | **{_money(monthly.total)}** "
                f"({_money(monthly.total / a.users * 1000)} per 1,000 users) |")
    rows += ["", f"Beside it, Amazon Cognito for {a.users:,} MAUs: Essentials "
             f"{_money(essentials)} a month, Lite {_money(lite)} (the first 10,000 free; "
             f"Essentials {_money(p.cognito_essentials_mau)} per MAU, Lite from "
             f"{_money(p.cognito_lite_tiers[1][1])})."]
    out["month"] = "\n".join(rows)

    out["assumptions"] = "\n".join([
        f"- Prices: public us-east-1 list prices, set by hand {PRICES_READ} (tests/bench/scale.py, "
        "`Prices`), no free tier: Lambda x86 "
        f"${p.lambda_gb_second * 1e6:.4f} per million GB-s and "
        f"${p.lambda_request * 1e6:.2f} per million requests; API Gateway REST "
        f"${p.api_request * 1e6:.2f} per million; DynamoDB on-demand "
        f"${p.dynamodb_wru * 1e6:.3f} per million WRU, ${p.dynamodb_rru * 1e6:.3f} per "
        f"million RRU; KMS ${p.kms_asymmetric_request * 1e4:.2f} per 10,000 ECC signs and "
        f"${p.kms_key_month:.2f} a key a month; SES ${p.ses_email * 1000:.2f} per 1,000 "
        f"emails; EventBridge ${p.eventbridge_event * 1e6:.2f} per million custom events.",
        f"- Usage: {a.users:,} monthly active users, {_number(a.sign_ins_per_user)} sign-ins "
        f"to an application each a month, {a.backup_code_share:.0%} of them with a backup "
        f"code (one email and one event each), the rest with TOTP; "
        f"{a.regenerations_per_user:.0%} of users make a new set a month (an email and an "
        "event).",
        f"- Durations: measured compute ×{a.full_vcpu_mb}/memory below {a.full_vcpu_mb} MB "
        f"(Lambda's CPU is in proportion to memory), plus {_number(a.dynamodb_round_trip_ms)} "
        f"ms per DynamoDB round trip, {_number(a.kms_sign_ms)} ms per KMS sign and "
        f"{_number(a.send_ms)} ms per SES or EventBridge call. Memory from "
        f".chalice/config.json, stage `{STAGE}`: " + ", ".join(
            f"{name} {mb} MB" for name, mb in memory.items()) + ".",
        "- An application's sign-in is the first visit to /oidc/authorize (costed as the "
        "signed-in visit, which the bench measures), the password, the second factor, the "
        "signed-in visit, the token; the stream functions once per record (no batching).",
        "- Not counted: CloudFront and S3 for the pages, CloudWatch Logs and metrics, "
        "WAF, SSM (read once per container), data transfer, storage and backups "
        "(point-in-time recovery), the stream reads (free for Lambda triggers)."])

    load = capacity(sign_in(ops, BACKUP_CODE), memory, a.rate, a)
    route_rate = parameter_default(template, "SignInThrottleRateLimit")
    route_burst = parameter_default(template, "SignInThrottleBurstLimit")
    api_rate = parameter_default(template, "ApiThrottleRateLimit")
    rows = ["| function | memory | in flight (Little's law) | reserved concurrency |",
            "|---|---|---|---|"]
    for function, inflight in load.concurrency.items():
        rows.append(f"| {function} | {memory[function]} MB | {math.ceil(inflight)} | "
                    f"{reserved[function] if reserved[function] is not None else 'none'} |")
    rows += ["", "| per second | at the rate |", "|---|---|"]
    rows += [f"| {key} | {_number(value)} |" for key, value in load.per_second.items()
             if value]
    rows += [f"| {key} (table) | {_number(value)} |"
             for key, value in sorted(load.per_table.items()) if value]
    out["capacity"] = "\n".join([
        f"At {a.rate:,.0f} backup-code sign-ins a second (the dearest method: "
        "one argon2 more than TOTP, an email and an event):", "", *rows])

    needed = {name: math.ceil(v * 1.5) for name, v in load.concurrency.items()}
    hottest = max(load.per_table.items(), key=lambda item: item[1])
    rows = ["| limit | now | needed at the rate | action |", "|---|---|---|---|",
            f"| API Gateway, sign-in routes (login, mfa): rate / burst (template "
            f"parameters) | {route_rate:,.0f} / {route_burst:,.0f} per route | "
            f"{a.rate:,.0f} / {2 * a.rate:,.0f} | raise `SignInThrottleRateLimit`, "
            "`SignInThrottleBurstLimit` |",
            f"| API Gateway, other routes (authorize, token) | {api_rate:,.0f} per route | "
            f"{2 * a.rate:,.0f} on /oidc/authorize (two visits), {a.rate:,.0f} on "
            "/oidc/token | raise `ApiThrottleRateLimit`, `ApiThrottleBurstLimit` |",
            f"| API Gateway, account throttle per Region | 10,000 rps | "
            f"{_number(load.per_second['API requests'])} rps | enough; raise with Service "
            "Quotas past ~8,000 |"]
    for function, want in needed.items():
        rows.append(f"| Lambda reserved concurrency, {function} | "
                    f"{reserved[function] if reserved[function] is not None else 'none'} | "
                    f"{want} (in flight ×1.5) | "
                    + ("enough" if (reserved[function] or 0) >= want
                       else "raise in .chalice/config.json") + " |")
    rows += [
        f"| Lambda concurrent executions, account per Region | 1,000 (default) | "
        f"{sum(needed.values())} plus everything else in the account | request more "
        "when the sum of reserved concurrency nears it (100 must stay unreserved) |",
        f"| KMS, ECC cryptographic operations (Sign) per second, account per Region | "
        f"300 (shared by every ECC key) | {_number(load.per_second['KMS Sign'])} | "
        "raise with Service Quotas (KMS throttles past it; the token endpoint answers "
        "503 and the client retries) |",
        f"| SES maximum send rate | set per account (14/s when leaving the sandbox) | "
        f"{_number(load.per_second['SES emails'])}/s | request a higher sending quota; "
        "the notifying function retries throttled sends from the stream |",
        f"| EventBridge PutEvents per second | 10,000 (us-east-1) | "
        f"{_number(load.per_second['EventBridge events'])} | enough |",
        f"| DynamoDB on-demand, per table (account quota) | 40,000 RRU and 40,000 WRU a "
        f"second | at most {_number(hottest[1])} {hottest[0]} | "
        + ("enough" if hottest[1] <= TABLE_QUOTA else "raise the table quota") +
        "; on-demand serves twice a table's previous peak at once, so pre-warm the "
        "tables (warm throughput) before a launch at this rate |"]
    out["limits"] = "\n".join(rows)

    audit = 2.0  # the audit entry's transactional put (under 1 KB) in its partition
    out["hot_keys"] = (
        f"Each sign-in's second step writes one audit entry into its tenant's partition "
        f"(`TENANT#<id>` in the audit table): {audit:.0f} WRU in the transaction, so one "
        f"tenant takes at most {audit_partition_ceiling(audit):,.0f} sign-ins a second "
        f"(1,000 WRU a second per partition key), whatever the table's capacity; at "
        f"{a.rate:,.0f} a second across tenants, a tenant above "
        f"{audit_partition_ceiling(audit) / a.rate:.0%} of the traffic is throttled "
        "there first. The by_user index spreads the same entries by user.")
    return out


def rewrite(document: str, generated: dict[str, str]) -> str:
    """`document` with each `<!-- scale:NAME -->` ... `<!-- /scale:NAME -->` block
    holding generated[NAME]; every named block must be there."""
    for name, body in generated.items():
        pattern = re.compile(rf"(<!-- scale:{name} -->\n).*?(<!-- /scale:{name} -->)",
                             re.DOTALL)
        if not pattern.search(document):
            raise KeyError(f"docs/SCALE.md has no block {name}")
        document = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2),
                               document)
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 when docs/SCALE.md is out of date")
    args = parser.parse_args(argv)
    if not BENCH.exists():
        print(f"no {BENCH.relative_to(ROOT)}: run `make bench` first", file=sys.stderr)
        return 2
    generated = blocks(json.loads(BENCH.read_text()), json.loads(CONFIG.read_text()),
                       TEMPLATE.read_text())
    before = DOC.read_text()
    after = rewrite(before, generated)
    if args.check:
        if after != before:
            print("docs/SCALE.md is out of date: run `make scale`", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(after)
    print(f"docs/SCALE.md: {len(generated)} blocks from {BENCH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
