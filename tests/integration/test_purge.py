"""The session purge, fed with real stream records read from moto's DynamoDB Streams."""

from __future__ import annotations

import copy
import json
import math
import time

import botocore.session
import pyotp
import pytest
from chalice.test import Client

from functions.api.application import PURGE_FUNCTION, create_app
from functions.bootstrap import LazyServices, build_operator, build_repositories, build_services
from functions.core.model import Session
from functions.local.pump import LambdaContext, StreamPump, lambda_record
from functions.store import keys
from functions.store.models import SessionModel, UserModel

PASSWORD = "correct-horse-battery-staple"  # noqa: S105
XHR = {"X-Requested-With": "XMLHttpRequest", "Content-Type": "application/json"}


class World:
    """The app, its services and a pump over the code-set stream, all on moto."""

    def __init__(self, stack, purge_mode: str = "keep_current") -> None:
        self.settings = stack.settings
        operator = build_operator(stack.settings)
        operator.create_tenant("demo", "Demo", purge_mode=purge_mode)
        uri = operator.create_user("demo", "alice", PASSWORD, totp=True)
        self.secret = pyotp.parse_uri(uri).secret
        operator.create_user("demo", "bob", PASSWORD, totp_secret=self.secret)
        self.services = build_services(stack.settings, lookup_key=stack.lookup_key)
        self.repos = build_repositories(stack.settings)
        self.app = create_app(LazyServices(lambda: self.services), stack.settings)
        self.client = Client(self.app)
        session = botocore.session.get_session()
        self.dynamodb = session.create_client("dynamodb", region_name="us-east-1")
        streams = session.create_client("dynamodbstreams", region_name="us-east-1")
        self.streams = streams
        self.pump = StreamPump(self.dynamodb, streams, stack.settings.code_sets_table,
                               self.app.handler_map[PURGE_FUNCTION], retry_delay_seconds=0)
        self.pump.open()

    def sign_in(self, username: str = "alice", secret: str | None = None) -> dict[str, str]:
        """A new session by password + TOTP; returns the request headers with its cookie."""
        login = self.client.http.post("/t/demo/api/auth/login", headers=XHR,
                                      body=json.dumps({"username": username,
                                                       "password": PASSWORD}))
        flow = json.loads(login.body)["flow"]
        # A TOTP code counts once per time step (tested elsewhere); these tests
        # sign in many times a step, so forget the step claimed last.
        UserModel(keys.user_pk("demo", username)).update(
            actions=[UserModel.totp_last_step.remove()])
        reply = self.client.http.post("/t/demo/api/auth/mfa", headers=XHR, body=json.dumps(
            {"flow": flow, "method": "totp", "code": pyotp.TOTP(secret or self.secret).now()}))
        assert reply.status_code == 200, reply.body
        return {**XHR, "Cookie": reply.headers["Set-Cookie"].split(";")[0]}

    def status(self, headers: dict[str, str]) -> int:
        return self.client.http.get("/t/demo/api/me", headers=headers).status_code

    def add_codes(self, headers: dict[str, str]) -> list[str]:
        reply = self.client.http.post("/t/demo/api/me/backup-codes", headers=headers)
        assert reply.status_code == 201, reply.body
        return json.loads(reply.body)["codes"]

    def read_stream(self) -> list[dict]:
        """Every record on the stream so far, Lambda-shaped, without delivering them."""
        stream = self.streams.describe_stream(StreamArn=self.pump.stream_arn)
        records = []
        for shard in stream["StreamDescription"]["Shards"]:
            iterator = self.streams.get_shard_iterator(
                StreamArn=self.pump.stream_arn, ShardId=shard["ShardId"],
                ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            records += [lambda_record(r, self.pump.stream_arn) for r in
                        self.streams.get_records(ShardIterator=iterator)["Records"]]
        return records

    def session_count(self, username: str = "alice") -> int:
        return len(self.repos.sessions.list_for_user("demo", username))


@pytest.fixture
def world(stack) -> World:
    return World(stack)


def test_adding_codes_purges_the_other_sessions_and_keeps_the_current_one(world: World) -> None:
    # GIVEN alice signed in on two devices, and bob signed in too
    laptop, phone = world.sign_in(), world.sign_in()
    bob = world.sign_in("bob")
    world.pump.drain()
    # WHEN she adds backup codes on the laptop and the stream is delivered
    world.add_codes(laptop)
    world.pump.drain()
    # THEN the phone's session is gone, the laptop's and bob's are not
    assert world.status(phone) == 401
    assert world.status(laptop) == 200
    assert world.status(bob) == 200
    assert world.session_count() == 1


def test_regenerate_and_remove_each_purge_the_other_sessions(world: World) -> None:
    laptop = world.sign_in()
    world.add_codes(laptop)
    world.pump.drain()
    phone = world.sign_in()
    reply = world.client.http.post("/t/demo/api/me/backup-codes/regenerate", headers=laptop,
                                   body="{}")
    assert reply.status_code == 200
    world.pump.drain()
    assert world.status(phone) == 401, "after a regeneration another session gets 401"
    assert world.status(laptop) == 200

    tablet = world.sign_in()
    assert world.client.http.delete("/t/demo/api/me/backup-codes",
                                    headers=laptop).status_code == 204
    world.pump.drain()
    assert world.status(tablet) == 401
    assert world.status(laptop) == 200


def test_a_new_authenticator_and_its_removal_each_purge_the_other_sessions(
        world: World) -> None:
    # GIVEN alice (no backup codes, so no code-set item yet) on two devices, and bob
    laptop, phone = world.sign_in(), world.sign_in()
    bob = world.sign_in("bob")
    world.pump.drain()
    # WHEN she sets up a new authenticator on the laptop and the stream is delivered
    setup = json.loads(world.client.http.post("/t/demo/api/me/totp", headers=laptop).body)
    code = pyotp.TOTP(setup["secret"]).now()
    assert world.client.http.post("/t/demo/api/me/totp/confirm", headers=laptop,
                                  body=json.dumps({"code": code})).status_code == 204
    added = world.read_stream()[-1]
    world.pump.drain()
    # THEN the record is the set-up's, and it ended the phone's session, not the others
    assert (added["eventName"], added["dynamodb"]["NewImage"]["change"]["S"]) == (
        "INSERT", "authenticator_added")
    assert world.status(phone) == 401
    assert world.status(laptop) == 200 and world.status(bob) == 200
    assert world.session_count() == 1
    # WHEN she removes it again, with a tablet signed in by the new app
    tablet = world.sign_in(secret=setup["secret"])
    assert world.client.http.delete("/t/demo/api/me/totp", headers=laptop).status_code == 204
    removed = world.read_stream()[-1]
    world.pump.drain()
    # THEN that purges the tablet's session too
    assert (removed["eventName"], removed["dynamodb"]["NewImage"]["change"]["S"]) == (
        "MODIFY", "authenticator_removed")
    assert world.status(tablet) == 401 and world.status(laptop) == 200
    assert world.session_count() == 1 and world.session_count("bob") == 1


def test_the_authenticator_records_twice_purge_nothing_more(world: World) -> None:
    laptop = world.sign_in()
    world.sign_in()
    setup = json.loads(world.client.http.post("/t/demo/api/me/totp", headers=laptop).body)
    world.client.http.post("/t/demo/api/me/totp/confirm", headers=laptop,
                           body=json.dumps({"code": pyotp.TOTP(setup["secret"]).now()}))
    batch = {"Records": world.read_stream()}
    handler = world.app.handler_map[PURGE_FUNCTION]
    assert handler(batch, LambdaContext()) == {"batchItemFailures": []}
    later = world.sign_in(secret=setup["secret"])
    assert handler(copy.deepcopy(batch), LambdaContext()) == {"batchItemFailures": []}
    assert world.status(later) == 200 and world.status(laptop) == 200
    assert world.session_count() == 2


def test_spending_a_code_purges_nothing(world: World) -> None:
    laptop = world.sign_in()
    codes = world.add_codes(laptop)
    world.pump.drain()
    phone = world.sign_in()
    login = world.client.http.post("/t/demo/api/auth/login", headers=XHR, body=json.dumps(
        {"username": "alice", "password": PASSWORD}))
    flow = json.loads(login.body)["flow"]
    spent = world.client.http.post("/t/demo/api/auth/mfa", headers=XHR, body=json.dumps(
        {"flow": flow, "method": "backup_code", "code": codes[0]}))
    assert spent.status_code == 200
    records = world.read_stream()
    assert [r["eventName"] for r in records][-1] == "MODIFY"
    world.pump.drain()
    assert world.status(phone) == 200
    assert world.status(laptop) == 200
    assert world.session_count() == 3


def test_the_same_batch_twice_changes_nothing_more(world: World) -> None:
    laptop = world.sign_in()
    world.sign_in()
    world.add_codes(laptop)
    batch = {"Records": world.read_stream()}
    handler = world.app.handler_map[PURGE_FUNCTION]
    assert handler(batch, LambdaContext()) == {"batchItemFailures": []}
    assert world.session_count() == 1
    # A sign-in after the change must survive the record arriving again.
    later = world.sign_in()
    assert handler(copy.deepcopy(batch), LambdaContext()) == {"batchItemFailures": []}
    assert world.status(later) == 200
    assert world.status(laptop) == 200
    assert world.session_count() == 2


def test_a_failing_record_is_reported_and_the_rest_are_processed(world: World) -> None:
    laptop = world.sign_in()
    world.sign_in()
    bob = world.sign_in("bob")
    world.sign_in("bob")
    world.add_codes(laptop)
    world.add_codes(bob)
    records = world.read_stream()
    assert len(records) == 2
    # The first record names a tenant id that cannot exist: its purge raises.
    records[0]["dynamodb"]["NewImage"]["tenant"] = {"S": "NOT A TENANT"}
    result = world.app.handler_map[PURGE_FUNCTION]({"Records": records}, LambdaContext())
    assert result == {"batchItemFailures": [
        {"itemIdentifier": records[0]["dynamodb"]["SequenceNumber"]}]}
    assert world.session_count("bob") == 1, "the good record was processed"
    assert world.session_count("alice") == 2, "the bad record purged nothing"


def test_purge_all_mode_ends_the_changing_session_too(stack) -> None:
    world = World(stack, purge_mode="all")
    laptop = world.sign_in()
    world.sign_in()
    world.add_codes(laptop)
    world.pump.drain()
    assert world.status(laptop) == 401
    assert world.session_count() == 0


def test_pump_retries_a_failed_record_then_gives_up(world: World) -> None:
    laptop = world.sign_in()
    phone = world.sign_in()
    world.add_codes(laptop)
    calls = []
    real = world.app.handler_map[PURGE_FUNCTION]

    def always_failing(event, context):  # type: ignore[no-untyped-def]
        calls.append(len(event["Records"]))
        return {"batchItemFailures": [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]}
                                      for r in event["Records"]]}

    pump = StreamPump(world.dynamodb, world.streams, world.settings.code_sets_table,
                      always_failing, max_attempts=3, retry_delay_seconds=0)
    pump.open()
    pump.drain()
    assert calls == [1, 1, 1]
    assert pump.stats.dropped == 1

    flaky_calls = []

    def flaky(event, context):  # type: ignore[no-untyped-def]
        flaky_calls.append(1)
        if len(flaky_calls) == 1:
            raise RuntimeError("a transient failure")
        return real(event, context)

    # The record given up purged nothing: the phone's session is still stored (it is
    # refused all the same, since the change moved the credential generation).
    assert world.session_count() == 2 and world.status(phone) == 401
    pump = StreamPump(world.dynamodb, world.streams, world.settings.code_sets_table,
                      flaky, retry_delay_seconds=0)
    pump.open()
    pump.drain()
    assert len(flaky_calls) == 2
    assert pump.stats.dropped == 0
    assert world.status(phone) == 401
    assert world.session_count() == 1


@pytest.mark.parametrize("sessions", [3, 60])
def test_purging_n_sessions_costs_one_query_page_and_n_over_25_batch_writes(
        world: World, sessions: int) -> None:
    laptop = world.sign_in()
    now = time.time()
    for i in range(sessions):
        world.repos.sessions.create(Session(
            tenant="demo", username="alice", token_hash=f"{i:064x}", session_id=f"s{i}",
            created_at=now - 10, last_seen_at=now - 10, authenticated_at=now - 10,
            expires_at=now + 3600, ip="192.0.2.1", user_agent="test"))
    world.add_codes(laptop)
    calls: list[str] = []

    def count(model, params, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(model.name)

    events = SessionModel._get_connection().connection.client.meta.events
    events.register("provide-client-params.dynamodb.*", count)
    try:
        world.pump.drain()
    finally:
        events.unregister("provide-client-params.dynamodb.*", count)
    assert calls.count("Query") == 1
    assert calls.count("BatchWriteItem") == math.ceil(sessions / 25)
    assert world.session_count() == 1
