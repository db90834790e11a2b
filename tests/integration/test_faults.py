"""Faults at every AWS call of every operation, injected at botocore's transport.

Each scenario runs once clean, to learn its calls (a cold container: the tenant,
the lookup key and the rest are read as a fresh Lambda reads them). Then, for
each of those calls and each kind of fault, it runs again on a fresh user with
that one call faulted, and botocore's real retries run:

- throttled once, or always (past every retry);
- a server error once, or always;
- a timeout before the request reached DynamoDB, once or always;
- the ambiguous write: the request is applied and the answer lost, once or always
  (botocore then sends it again, and a conditional write meets its own result).

After each run the answer must be the one DESIGN.md's reliability guarantees name
(the clean answer after a fault that a retry outlasts; 503 `unavailable` with
`Retry-After` for throttling that outlasts them; 500 `internal` for the rest), and
the state must keep the data guarantees: the codes shown are the codes stored, a
code counts once, a guess counts once, a failure leaves no half-made change.
"""

from __future__ import annotations

import base64
import functools
import itertools
import json
import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import botocore.session
import pyotp
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from botocore.exceptions import ReadTimeoutError
from botocore.retries.quota import RetryQuota
from botocore.retries.standard import ExponentialBackoff
from chalice.test import Client, HTTPResponse
from moto.core.botocore_stubber import BotocoreStubber
from unit.fakes import FakeClock

from functions import bootstrap, crypto
from functions.api.application import PURGE_FUNCTION, create_app
from functions.bootstrap import (
    LazyServices,
    Repositories,
    build_operator,
    build_repositories,
    build_services,
)
from functions.core import code_format
from functions.local.pump import lambda_record
from functions.operator import Operator
from functions.settings import Settings
from functions.store import secrets as secrets_store
from functions.store.secrets import read_lookup_key

PASSWORD = "correct horse battery staple"  # noqa: S105
XHR = {"X-Requested-With": "XMLHttpRequest", "Content-Type": "application/json"}
KINDS = ("throttle_once", "throttle_always", "error_once", "error_always", "timeout_once",
         "timeout_always", "ambiguous_once", "ambiguous_always")
_TENANTS = itertools.count(1)


# -- The faults ------------------------------------------------------------------------

CallKey = tuple[str, str, int]  # (operation, table, occurrence)


@dataclass
class Faults:
    """Wraps moto's request handling: one call (by its key) faulted in one way."""

    armed: bool = False
    target: CallKey | None = None
    kind: str = ""
    calls: list[CallKey] = field(default_factory=list)
    applied: int = 0  # requests that reached moto while the fault was on
    _invocations: dict[str, CallKey] = field(default_factory=dict)

    def arm(self, target: CallKey | None = None, kind: str = "") -> None:
        self.armed, self.target, self.kind, self.applied = True, target, kind, 0
        self.calls, self._invocations = [], {}

    def disarm(self) -> None:
        self.armed = False

    def handle(self, original: Callable[[Any, Any], Any], stubber: Any, request: Any) -> Any:
        if not self.armed:
            return original(stubber, request)
        key, attempt = self._key(request)
        if key != self.target:
            return original(stubber, request)
        once = self.kind.endswith("_once")
        if once and attempt > 1:
            return original(stubber, request)
        if self.kind.startswith("throttle"):
            return _error(400, "ThrottlingException", "Rate exceeded")
        if self.kind.startswith("error"):
            return _error(500, "InternalServerError", "Internal server error")
        if self.kind.startswith("timeout"):
            raise ReadTimeoutError(endpoint_url=request.url)
        # The ambiguous write: applied, and the answer lost on its way back.
        original(stubber, request)
        self.applied += 1
        raise ReadTimeoutError(endpoint_url=request.url)

    def _key(self, request: Any) -> tuple[CallKey, int]:
        headers = {k.lower(): (v.decode() if isinstance(v, bytes) else v)
                   for k, v in request.headers.items()}
        invocation = headers.get("amz-sdk-invocation-id", "")
        attempt = int(headers.get("amz-sdk-request", "attempt=1").split(";")[0].split("=")[1])
        if invocation not in self._invocations:
            operation = headers.get("x-amz-target", request.url).rsplit(".", 1)[-1]
            table = _table_of(request.body)
            occurrence = sum(1 for op, tb, _ in self.calls if (op, tb) == (operation, table))
            self._invocations[invocation] = (operation, table, occurrence)
            self.calls.append(self._invocations[invocation])
        return self._invocations[invocation], attempt


def _table_of(body: Any) -> str:
    try:
        parsed = json.loads(body or b"{}")
    except ValueError:
        return ""
    if "TableName" in parsed:
        return str(parsed["TableName"]).rsplit("-", 1)[-1]
    if "TransactItems" in parsed:
        return "+".join(sorted({next(iter(i.values()))["TableName"].rsplit("-", 1)[-1]
                                for i in parsed["TransactItems"]}))
    return ""


def _error(status: int, code: str, message: str) -> tuple[int, dict[str, str], str]:
    return status, {"Content-Type": "application/x-amz-json-1.0"}, json.dumps(
        {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message})


@pytest.fixture(scope="module")
def faults() -> Iterator[Faults]:
    installed = Faults()
    inner = BotocoreStubber.process_request  # tests/conftest.py's serialising wrapper

    def process_request(self: Any, request: Any) -> Any:
        return installed.handle(inner, self, request)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BotocoreStubber, "process_request", process_request)
        # botocore's back-off between retries, without the wait: the retries, their
        # number and their order are botocore's own.
        patch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)
        # Each case is a new container, with botocore's full retry quota; a quota shared
        # by the whole module would run dry after a few dozen faults.
        patch.setattr(RetryQuota, "acquire", lambda self, amount: True)
        # Test speed only: a "cold container" here means new services (an empty tenant
        # cache, an unread lookup key), over the botocore clients already made, which
        # take most of a second each time to build.
        patch.setattr(bootstrap, "bind_models", lambda settings: None)
        patch.setattr(secrets_store, "_client", functools.cache(secrets_store._client))
        yield installed


# -- A user in a fresh cold container ---------------------------------------------------

@dataclass
class Case:
    tenant: str
    secret: str
    settings: Settings
    clock: FakeClock
    repos: Repositories
    client: Client
    app: Any
    argon2: crypto.Argon2Hasher
    notes: dict[str, Any] = field(default_factory=dict)

    def request(self, method: str, path: str, body: Any = None,
                cookie: str | None = None) -> HTTPResponse:
        headers = {**XHR, **({"Cookie": cookie} if cookie else {})}
        payload = b"" if body is None else json.dumps(body)
        return self.client.http.request(method, f"/t/{self.tenant}/api{path}", headers=headers,
                                        body=payload)

    def flow(self) -> str:
        answer = json.loads(self.request("POST", "/auth/login",
                                         {"username": "alice", "password": PASSWORD}).body)
        assert answer["status"] == "mfa_required", answer
        return str(answer["flow"])

    def totp(self) -> str:
        self.clock.advance(30)
        return pyotp.TOTP(self.secret).at(self.clock.now())

    def sign_in(self) -> str:
        reply = self.request("POST", "/auth/mfa", {"flow": self.flow(), "method": "totp",
                                                   "code": self.totp()})
        assert reply.status_code == 200, reply.body
        return str(reply.headers["Set-Cookie"]).split(";", 1)[0]

    def cold(self) -> None:
        """A new container: services and clients built afresh, nothing cached."""
        services = build_services(self.settings, hasher=self.argon2, clock=self.clock)
        self.app = create_app(LazyServices(lambda: services), self.settings)
        self.client = Client(self.app)

    def code_set(self) -> Any:
        return self.repos.code_sets.get(self.tenant, "alice")

    def user(self) -> Any:
        return self.repos.users.get(self.tenant, "alice")

    def code_set_generation(self) -> str | None:
        found = self.code_set()
        return found.credential_generation if found is not None else None


@pytest.fixture
def new_case(settings: Settings, operator: Operator,
             argon2: crypto.Argon2Hasher) -> Callable[[], Case]:
    def make() -> Case:
        tenant = f"fault-{next(_TENANTS)}"
        operator.create_tenant(tenant, "Faults")
        uri = operator.create_user(tenant, "alice", PASSWORD, totp=True)
        assert uri is not None
        clock = FakeClock(1_800_000_000.0)
        services = build_services(settings, hasher=argon2, clock=clock)
        app = create_app(LazyServices(lambda: services), settings)
        return Case(tenant, pyotp.parse_uri(uri).secret, settings, clock,
                    build_repositories(settings), Client(app), app, argon2)

    return make


# -- The scenarios ---------------------------------------------------------------------

def lookup_tags(case: Case, codes: list[str], generation: str, version: int) -> set[str]:
    _version, key = read_lookup_key(case.settings.lookup_key_parameter, case.settings.region,
                                    None, version)
    tagger = crypto.HmacTagger(crypto.KeyRing.fixed(key, version))
    canonical = [code_format.normalize(c) for c in codes]
    return {tagger.tag(version, case.tenant, "alice", generation, c) for c in canonical if c}


def shown_are_stored(case: Case, answer: dict[str, Any]) -> bool:
    stored = case.code_set()
    return (stored is not None and stored.enabled and stored.generation == answer["generation"]
            and lookup_tags(case, answer["codes"], stored.generation, stored.key_version)
            == set(stored.hashes))


@dataclass(frozen=True)
class Scenario:
    name: str
    prepare: Callable[[Case], None]
    act: Callable[[Case], Any]
    # Checks the state and the answer after a run; `kind` is None for the clean run.
    check: Callable[[Case, Any, str | None], None]


def _prepare_signed_in(case: Case) -> None:
    case.notes["cookie"] = case.sign_in()


def _prepare_with_codes(case: Case) -> None:
    _prepare_signed_in(case)
    reply = case.request("POST", "/me/backup-codes", cookie=case.notes["cookie"])
    case.notes["issued"] = json.loads(reply.body)
    case.notes["before"] = case.code_set()


def _failed(reply: Any, kind: str | None) -> bool:
    """The answer an unrecovered fault must give; False when the run must succeed."""
    if kind is None or kind.endswith("_once"):
        return False
    if kind == "throttle_always":
        assert reply.status_code == 503, (kind, reply.status_code, reply.body)
        assert json.loads(reply.body)["error"] == "unavailable"
        assert int(reply.headers["Retry-After"]) > 0
    else:
        assert reply.status_code == 500, (kind, reply.status_code, reply.body)
        assert json.loads(reply.body)["error"] == "internal"
    return True


def _check_add(case: Case, reply: Any, kind: str | None) -> None:
    if _failed(reply, kind):
        stored = case.code_set()
        # Nothing, or (the write applied, every answer lost) a whole set: never half.
        assert stored is None or kind == "ambiguous_always", stored
        return
    assert reply.status_code == 201, (kind, reply.body)
    assert shown_are_stored(case, json.loads(reply.body))


def _check_regenerate(case: Case, reply: Any, kind: str | None) -> None:
    before = case.notes["before"]
    if _failed(reply, kind):
        stored = case.code_set()
        assert stored.generation == before.generation or kind == "ambiguous_always"
        assert stored.enabled and stored.remaining == stored.total
        return
    assert reply.status_code == 200, (kind, reply.body)
    answer = json.loads(reply.body)
    assert answer["generation"] != before.generation and shown_are_stored(case, answer)


def _check_remove(case: Case, reply: Any, kind: str | None) -> None:
    if _failed(reply, kind):
        assert case.code_set().enabled or kind == "ambiguous_always"
        return
    assert reply.status_code == 204, (kind, reply.body)
    assert not case.code_set().enabled


def _act_backup_code(case: Case) -> Any:
    return case.request("POST", "/auth/mfa", {"flow": case.notes["flow"],
                                              "method": "backup_code",
                                              "code": case.notes["issued"]["codes"][0]})


def _prepare_backup_code(case: Case) -> None:
    _prepare_with_codes(case)
    case.notes["flow"] = case.flow()


def _check_sign_in(case: Case, reply: Any, kind: str | None, spent: bool) -> None:
    user = case.user()
    if _failed(reply, kind):
        assert user.failed_attempts <= 1  # a guess counts once, retries or not
        return
    assert reply.status_code == 200, (kind, reply.body)
    assert user.failed_attempts == 0 and user.locked_until is None
    cookie = str(reply.headers["Set-Cookie"]).split(";", 1)[0]
    assert case.request("GET", "/me", cookie=cookie).status_code == 200
    if spent:
        assert json.loads(reply.body)["backup_codes_remaining"] == 9
        assert case.code_set().remaining == 9 and len(case.code_set().usage) == 1


def _prepare_totp(case: Case) -> None:
    case.notes["flow"] = case.flow()
    case.notes["code"] = case.totp()


def _act_totp(case: Case) -> Any:
    return case.request("POST", "/auth/mfa", {"flow": case.notes["flow"], "method": "totp",
                                              "code": case.notes["code"]})


def _prepare_two_sessions(case: Case) -> None:
    _prepare_signed_in(case)
    case.notes["other"] = case.sign_in()
    sessions = json.loads(case.request("GET", "/me/sessions",
                                       cookie=case.notes["cookie"]).body)["sessions"]
    case.notes["other_id"] = next(s["id"] for s in sessions if not s["current"])


def _check_end_session(case: Case, reply: Any, kind: str | None) -> None:
    other_alive = case.request("GET", "/me", cookie=case.notes["other"]).status_code == 200
    if _failed(reply, kind):
        assert other_alive or kind == "ambiguous_always"
        return
    assert reply.status_code == 204, (kind, reply.body) and not other_alive
    assert not other_alive


def _check_logout(case: Case, reply: Any, kind: str | None) -> None:
    # Whatever the answer, the cookie is cleared.
    assert "Max-Age=0" in str(reply.headers.get("Set-Cookie")), (kind, reply.headers)
    alive = case.request("GET", "/me", cookie=case.notes["cookie"]).status_code == 200
    if _failed(reply, kind):
        return
    assert reply.status_code == 204 and not alive


def _prepare_purge(case: Case) -> None:
    _prepare_signed_in(case)
    case.notes["phone"] = case.sign_in()
    streams = botocore.session.get_session().create_client("dynamodbstreams",
                                                           region_name="us-east-1")
    arn = streams.list_streams(TableName=case.settings.code_sets_table)["Streams"][0]["StreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][-1]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                          ShardIteratorType="LATEST")["ShardIterator"]
    case.request("POST", "/me/backup-codes", cookie=case.notes["cookie"])
    records = streams.get_records(ShardIterator=iterator)["Records"]
    case.notes["event"] = {"Records": [lambda_record(r, arn) for r in records
                                       if r["dynamodb"]["Keys"]["pk"]["S"].startswith(
                                           f"TENANT#{case.tenant}#")]}
    assert len(case.notes["event"]["Records"]) == 1


def _act_purge(case: Case) -> Any:
    context = SimpleNamespace(function_name="purge", aws_request_id="1", memory_limit_in_mb=1024,
                              invoked_function_arn="arn:aws:lambda:us-east-1:0:function:purge",
                              get_remaining_time_in_millis=lambda: 60_000)
    try:
        return case.app.handler_map[PURGE_FUNCTION](case.notes["event"], context)
    except BatchProcessingError:
        # Every record of the batch failed: Powertools fails the invocation, and the
        # event source mapping retries (and bisects) the whole batch.
        return {"batchItemFailures": case.notes["event"]["Records"], "whole_batch": True}


def _check_purge(case: Case, result: Any, kind: str | None) -> None:
    phone_stored = len(case.repos.sessions.list_for_user(case.tenant, "alice")) == 2
    failed = result["batchItemFailures"]
    if kind is not None and not kind.endswith("_once"):
        # A purge that could not finish reports its record, to be retried: never
        # skipped, never an unhandled crash of the whole batch.
        assert len(failed) == 1 or (not phone_stored and kind == "ambiguous_always"), result
    else:
        assert failed == [] and not phone_stored
    # Whatever the purge did, the phone's session is refused: it ended at the change.
    assert case.request("GET", "/me", cookie=case.notes["phone"]).status_code == 401


SHOP = "https://shop.example/cb"


def _prepare_application(case: Case) -> None:
    _prepare_signed_in(case)
    operator = build_operator(case.settings)
    client, secret = operator.create_client(case.tenant, "Shop", (SHOP,))
    case.notes["client"], case.notes["secret"] = client, secret
    case.notes["authorize"] = "/oidc/authorize?" + urlencode({
        "client_id": client.client_id, "redirect_uri": SHOP, "response_type": "code",
        "scope": "openid", "state": "s"})


def _act_authorize(case: Case) -> Any:
    return case.request("GET", case.notes["authorize"], cookie=case.notes["cookie"])


def _code_of(reply: Any) -> str:
    location = str(reply.headers["Location"])
    assert location.startswith(SHOP + "?code="), location
    return parse_qs(urlsplit(location).query)["code"][0]


def _exchange(case: Case, code: str) -> Any:
    pair = base64.b64encode(
        f"{case.notes['client'].client_id}:{case.notes['secret']}".encode()).decode()
    return case.client.http.request(
        "POST", f"/t/{case.tenant}/api/oidc/token",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Authorization": f"Basic {pair}"},
        body=urlencode({"grant_type": "authorization_code", "code": code,
                        "redirect_uri": SHOP}).encode())


def _check_authorize(case: Case, reply: Any, kind: str | None) -> None:
    if _failed(reply, kind):
        return
    # The code given is the one stored: it exchanges, once.
    assert reply.status_code == 302, (kind, reply.body)
    code = _code_of(reply)
    assert _exchange(case, code).status_code == 200
    assert _exchange(case, code).status_code == 400


def _prepare_exchange(case: Case) -> None:
    _prepare_application(case)
    case.notes["code"] = _code_of(_act_authorize(case))


def _check_exchange(case: Case, reply: Any, kind: str | None) -> None:
    if _failed(reply, kind):
        # The code is used or not; never a token answered and not stored.
        return
    assert reply.status_code == 200, (kind, reply.body)
    token = json.loads(reply.body)["access_token"]
    info = case.client.http.request("GET", f"/t/{case.tenant}/api/oidc/userinfo",
                                    headers={"Authorization": f"Bearer {token}"})
    assert info.status_code == 200, info.body
    # A retried redemption recognised itself; the code is used now.
    assert _exchange(case, case.notes["code"]).status_code == 400


def _prepare_set_up(case: Case) -> None:
    _prepare_signed_in(case)
    reply = case.request("POST", "/me/totp", cookie=case.notes["cookie"])
    case.notes["setup"] = json.loads(reply.body)
    case.notes["generation"] = case.code_set_generation()


def _check_start(case: Case, reply: Any, kind: str | None) -> None:
    pending = case.user().totp_pending
    if _failed(reply, kind):
        assert pending is None or kind == "ambiguous_always", pending
        return
    assert reply.status_code == 200, (kind, reply.body)
    # The key shown is the key stored.
    assert pending is not None and pending.secret == json.loads(reply.body)["secret"]


def _act_confirm(case: Case) -> Any:
    code = pyotp.TOTP(case.notes["setup"]["secret"]).at(case.clock.now())
    return case.request("POST", "/me/totp/confirm", {"code": code}, cookie=case.notes["cookie"])


def _check_confirm(case: Case, reply: Any, kind: str | None) -> None:
    user, secret = case.user(), case.notes["setup"]["secret"]
    if _failed(reply, kind):
        if user.totp_secret == secret:  # every answer lost, the change made
            assert kind == "ambiguous_always" and user.totp_pending is None
        else:  # nothing half-made: the old authenticator, the set-up still pending
            assert user.totp_secret == case.secret and user.totp_pending is not None
            assert user.totp_pending.attempts <= 1  # a try counts once, retries or not
            assert case.code_set_generation() == case.notes["generation"]
        return
    assert reply.status_code == 204, (kind, reply.body)
    assert user.totp_secret == secret and user.totp_pending is None
    assert case.code_set_generation() != case.notes["generation"]
    # The changing session moved with the change: it goes on.
    assert case.request("GET", "/me", cookie=case.notes["cookie"]).status_code == 200


def _check_remove_totp(case: Case, reply: Any, kind: str | None) -> None:
    user = case.user()
    if _failed(reply, kind):
        assert user.totp_secret == case.secret or kind == "ambiguous_always"
        return
    assert reply.status_code == 204, (kind, reply.body)
    assert user.totp_secret is None
    assert case.request("GET", "/me", cookie=case.notes["cookie"]).status_code == 200


def _prepare_admin(case: Case) -> None:
    """Alice signed in with codes, and the tenant's administrators' token."""
    _prepare_with_codes(case)
    operator = build_operator(case.settings)
    client, secret = operator.create_client(case.tenant, "Help desk", (), admin=True)
    pair = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    reply = case.client.http.request(
        "POST", f"/t/{case.tenant}/api/oidc/token",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Authorization": f"Basic {pair}"},
        body=urlencode({"grant_type": "client_credentials", "scope": "admin"}).encode())
    assert reply.status_code == 200, reply.body
    case.notes["admin"] = json.loads(reply.body)["access_token"]


def _admin_call(case: Case, method: str, path: str, body: Any = None) -> Any:
    return case.client.http.request(
        method, f"/t/{case.tenant}/api/admin{path}",
        headers={"Authorization": f"Bearer {case.notes['admin']}",
                 "Content-Type": "application/json"},
        body=b"" if body is None else json.dumps(body).encode())


def _audited(case: Case, kind: str, username: str) -> int:
    events, _next = case.repos.audit.recent(case.tenant, username, 100)
    return sum(1 for event in events if event.type == kind)


def _check_admin_create(case: Case, reply: Any, kind: str | None) -> None:
    bob = case.repos.users.get(case.tenant, "bob")
    recorded = _audited(case, "user_created", "bob")
    if _failed(reply, kind):
        # The user and the event that records them: both or neither, never one.
        assert (bob is None and recorded == 0) or (
            kind == "ambiguous_always" and bob is not None and recorded == 1), (bob, recorded)
        return
    assert reply.status_code == 201, (kind, reply.body)
    assert bob is not None and recorded == 1
    assert case.argon2.verify(bob.password_hash, PASSWORD + "!")


def _check_admin_reset(case: Case, reply: Any, kind: str | None) -> None:
    user, stored = case.user(), case.code_set()
    old_session = case.request("GET", "/me", cookie=case.notes["cookie"]).status_code
    if _failed(reply, kind) and user.totp_secret is not None:
        # Nothing half-made: the authenticator, the codes and the session all kept.
        assert stored.enabled and old_session == 200
        return
    if kind is None or kind.endswith("_once"):
        assert reply.status_code == 204, (kind, reply.body)
    # All of it: no authenticator, no codes, no session.
    assert user.totp_secret is None and not stored.enabled and not stored.hashes
    assert old_session == 401


def _check_admin_delete(case: Case, reply: Any, kind: str | None) -> None:
    gone = case.user() is None
    recorded = _audited(case, "user_deleted", "alice")
    if _failed(reply, kind) and not gone:
        assert recorded == 0
        assert case.request("GET", "/me", cookie=case.notes["cookie"]).status_code == 200
        return
    if kind is None or kind.endswith("_once"):
        assert reply.status_code == 204, (kind, reply.body)
    assert gone and recorded == 1
    assert case.request("GET", "/me", cookie=case.notes["cookie"]).status_code == 401


def _prepare_locked(case: Case) -> None:
    _prepare_admin(case)
    case.repos.users.lock_until(case.tenant, "alice", case.clock.now() + 3600)


def _check_admin_unlock(case: Case, reply: Any, kind: str | None) -> None:
    recorded = _audited(case, "unlocked", "alice")
    unlocked = case.user().locked_until is None
    # The unlock and the event that records it: both or neither, never one.
    assert recorded == (1 if unlocked else 0), (kind, recorded, unlocked)
    if _failed(reply, kind):
        assert not unlocked or kind == "ambiguous_always"
        return
    assert reply.status_code == 204, (kind, reply.body)
    assert unlocked


SCENARIOS = [
    Scenario("add codes", _prepare_signed_in,
             lambda c: c.request("POST", "/me/backup-codes", cookie=c.notes["cookie"]),
             _check_add),
    Scenario("regenerate codes", _prepare_with_codes,
             lambda c: c.request("POST", "/me/backup-codes/regenerate",
                                 {"generation": c.notes["issued"]["generation"]},
                                 cookie=c.notes["cookie"]),
             _check_regenerate),
    Scenario("remove codes", _prepare_with_codes,
             lambda c: c.request("DELETE", "/me/backup-codes", cookie=c.notes["cookie"]),
             _check_remove),
    Scenario("backup-code sign-in", _prepare_backup_code, _act_backup_code,
             lambda c, r, k: _check_sign_in(c, r, k, spent=True)),
    Scenario("TOTP sign-in", _prepare_totp, _act_totp,
             lambda c, r, k: _check_sign_in(c, r, k, spent=False)),
    Scenario("logout", _prepare_signed_in,
             lambda c: c.request("POST", "/auth/logout", cookie=c.notes["cookie"]),
             _check_logout),
    Scenario("end session", _prepare_two_sessions,
             lambda c: c.request("DELETE", f"/me/sessions/{c.notes['other_id']}",
                                 cookie=c.notes["cookie"]),
             _check_end_session),
    Scenario("purge", _prepare_purge, _act_purge, _check_purge),
    Scenario("authorize, signed in", _prepare_application, _act_authorize, _check_authorize),
    Scenario("token exchange", _prepare_exchange,
             lambda c: _exchange(c, c.notes["code"]), _check_exchange),
    Scenario("start an authenticator set-up", _prepare_signed_in,
             lambda c: c.request("POST", "/me/totp", cookie=c.notes["cookie"]), _check_start),
    Scenario("confirm an authenticator", _prepare_set_up, _act_confirm, _check_confirm),
    Scenario("remove the authenticator", _prepare_signed_in,
             lambda c: c.request("DELETE", "/me/totp", cookie=c.notes["cookie"]),
             _check_remove_totp),
    Scenario("admin: create a user", _prepare_admin,
             lambda c: _admin_call(c, "POST", "/users", {"username": "bob",
                                                         "password": PASSWORD + "!"}),
             _check_admin_create),
    Scenario("admin: reset the second factor", _prepare_admin,
             lambda c: _admin_call(c, "POST", "/users/alice/reset-mfa"), _check_admin_reset),
    Scenario("admin: unlock", _prepare_locked,
             lambda c: _admin_call(c, "POST", "/users/alice/unlock"), _check_admin_unlock),
    Scenario("admin: delete a user", _prepare_admin,
             lambda c: _admin_call(c, "DELETE", "/users/alice"), _check_admin_delete),
]


@dataclass
class Matrix:
    runs: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)


@pytest.fixture(scope="module")
def matrix() -> Iterator[Matrix]:
    found = Matrix()
    yield found
    print(f"\nfault matrix: {found.runs} runs; answers {dict(sorted(found.outcomes.items()))}")


def _outcome(result: Any) -> str:
    if isinstance(result, dict):
        return "purge reported" if result["batchItemFailures"] else "purge done"
    return str(result.status_code)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_every_fault_at_every_call_keeps_the_guarantees(
        scenario: Scenario, new_case: Callable[[], Case], faults: Faults,
        matrix: Matrix) -> None:
    # GIVEN the operation run once clean, in a cold container, to learn its calls
    clean = new_case()
    scenario.prepare(clean)
    clean.cold()
    faults.arm()
    result = scenario.act(clean)
    faults.disarm()
    calls = list(faults.calls)
    scenario.check(clean, result, None)
    assert calls, scenario.name
    ran = 0
    for call, kind in itertools.product(calls, KINDS):
        # WHEN one call of it is faulted in one way, on a fresh user
        case = new_case()
        scenario.prepare(case)
        case.cold()
        faults.arm(call, kind)
        try:
            result = scenario.act(case)
        finally:
            faults.disarm()
        # THEN the answer is the one the guarantees name, and the state holds them
        try:
            scenario.check(case, result, kind)
        except AssertionError as error:
            raise AssertionError(f"{scenario.name}: {kind} at {call}: {error}") from error
        ran += 1
        matrix.outcomes[f"{kind} -> {_outcome(result)}"] += 1
    matrix.runs += ran
    assert ran == len(calls) * len(KINDS) and math.prod((ran, 1)) > 0
