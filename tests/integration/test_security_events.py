"""Security events and emails, from real stream records: the app writes to moto's
DynamoDB, the records are read from moto's stream and fed to the notifying function,
and what it sent is read back from moto (the bus through a rule into a log group;
SES's record of the emails)."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from typing import Any

import botocore.session
import pyotp
import pytest
from chalice.test import Client

from functions.api.application import NOTIFY_FUNCTION, create_app
from functions.bootstrap import LazyServices, build_operator, build_services
from functions.local.outbox import LocalOutbox
from functions.local.pump import LambdaContext, StreamPump, lambda_record
from functions.store import keys
from functions.store.models import CodeSetModel, UserModel
from functions.store.secrets import read_lookup_key

pytest_plugins = ["test_logs"]

PASSWORD = "correct-horse-battery-staple"  # noqa: S105
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
DETAIL_FIELDS = {"id", "tenant", "username", "at"}


class World:
    """The app, the notifying function over moto's stream, and what left through moto."""

    def __init__(self, stack: Any, **policy: Any) -> None:
        self.settings = stack.settings
        self.outbox = LocalOutbox(stack.settings)
        self.outbox.open()
        operator = build_operator(stack.settings)
        operator.create_tenant("demo", "Demo Inc.", **policy)
        uri = operator.create_user("demo", "alice", PASSWORD, totp=True,
                                   email="alice@example.org")
        assert uri is not None
        self.secret = pyotp.parse_uri(uri).secret
        operator.create_user("demo", "bob", PASSWORD, totp_secret=self.secret)
        self.services = build_services(stack.settings, lookup_key=stack.lookup_key)
        self.app = create_app(LazyServices(lambda: self.services), stack.settings)
        self.client = Client(self.app)
        self.tokens: list[str] = []
        session = botocore.session.get_session()
        self.dynamodb = session.create_client("dynamodb", region_name="us-east-1")
        self.streams = session.create_client("dynamodbstreams", region_name="us-east-1")
        self.handler = self.app.handler_map[NOTIFY_FUNCTION]
        self.pump = self.pump_to(self.handler)

    def pump_to(self, handler: Any) -> StreamPump:
        pump = StreamPump(self.dynamodb, self.streams, self.settings.code_sets_table, handler,
                          retry_delay_seconds=0, function_name=NOTIFY_FUNCTION)
        pump.open()
        return pump

    def post(self, path: str, body: Any = None, cookie: str = "", language: str = "en",
             user_agent: str = FIREFOX) -> Any:
        headers = {"X-Requested-With": "XMLHttpRequest", "Content-Type": "application/json",
                   "Accept-Language": language, "User-Agent": user_agent,
                   **({"Cookie": cookie} if cookie else {})}
        return self.client.http.post(f"/t/demo/api{path}", headers=headers,
                                     body=json.dumps(body) if body is not None else b"")

    def flow(self, username: str = "alice") -> str:
        return str(json.loads(self.post("/auth/login", {"username": username,
                                                        "password": PASSWORD}).body)["flow"])

    def sign_in(self, username: str = "alice", **headers: Any) -> str:
        """A new session by password and TOTP; the Cookie header that carries it."""
        flow = self.flow(username)
        # A TOTP code counts once per time step (tested elsewhere); these tests sign
        # in several times a step, so forget the step claimed last.
        UserModel(keys.user_pk("demo", username)).update(
            actions=[UserModel.totp_last_step.remove()])
        reply = self.post("/auth/mfa", {"flow": flow, "method": "totp",
                                        "code": pyotp.TOTP(self.secret).now()}, **headers)
        assert reply.status_code == 200, reply.body
        cookie = str(reply.headers["Set-Cookie"]).split(";", 1)[0]
        self.tokens.append(cookie.split("=", 1)[1])
        return cookie

    def add_codes(self, cookie: str, **headers: Any) -> list[str]:
        reply = self.post("/me/backup-codes", cookie=cookie, **headers)
        assert reply.status_code == 201, reply.body
        return list(json.loads(reply.body)["codes"])

    def use_code(self, code: str, **headers: Any) -> dict[str, Any]:
        reply = self.post("/auth/mfa", {"flow": self.flow(), "method": "backup_code",
                                        "code": code}, **headers)
        assert reply.status_code == 200, reply.body
        self.tokens.append(str(reply.headers["Set-Cookie"]).split(";", 1)[0].split("=", 1)[1])
        return dict(json.loads(reply.body))

    def records(self) -> list[dict[str, Any]]:
        """Every record on the stream so far, Lambda-shaped, without delivering them."""
        stream = self.streams.describe_stream(StreamArn=self.pump.stream_arn)
        found = []
        for shard in stream["StreamDescription"]["Shards"]:
            iterator = self.streams.get_shard_iterator(
                StreamArn=self.pump.stream_arn, ShardId=shard["ShardId"],
                ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            found += [lambda_record(r, self.pump.stream_arn)
                      for r in self.streams.get_records(ShardIterator=iterator)["Records"]]
        return found

    def events(self) -> list[dict[str, Any]]:
        return self.outbox.events()

    def emails(self) -> list[dict[str, Any]]:
        return self.outbox.messages()


@pytest.fixture
def world(stack: Any) -> World:
    return World(stack)


def types(events: list[dict[str, Any]]) -> list[str]:
    return [event["detail_type"] for event in events]


def test_a_used_code_is_one_event_and_one_email_in_the_language_it_was_used_in(
        world: World) -> None:
    # GIVEN alice reads the page in Spanish when she adds codes
    codes = world.add_codes(world.sign_in(language="es"), language="es")
    # WHEN she signs in with one, the page in German
    assert world.use_code(codes[4], language="de")["backup_codes_remaining"] == 9
    world.pump.drain()
    # THEN one event per fact: the codes added, then the code used
    added, used = world.events()
    assert (added["detail_type"], used["detail_type"]) == ("BackupCodesAdded", "BackupCodeUsed")
    spent = CodeSetModel.get("TENANT#demo#USER#alice").usage[-1]
    assert used["detail"] == {"id": used["detail"]["id"], "tenant": "demo", "username": "alice",
                              "at": _iso(float(spent.at)), "remaining": 9,
                              "ip": spent.ip, "user_agent": FIREFOX}
    assert set(added["detail"]) == DETAIL_FIELDS | {"remaining", "ip", "user_agent"}
    # AND an email for each, in the language of its own request
    welcome, warning = world.emails()
    assert welcome["to"] == warning["to"] == "alice@example.org"
    assert welcome["subject"] == "Se han añadido códigos de respaldo a su cuenta de Demo Inc."
    assert warning["subject"] == "Anmeldung bei Demo Inc. mit einem Backup-Code"
    for said in ("Sie haben noch 9 Backup-Codes.", FIREFOX, spent.ip, "UTC",
                 f"{world.settings.public_origin}/t/demo/"):
        assert said in warning["text"], said


def test_every_change_to_the_codes_is_one_event_of_its_kind(world: World) -> None:
    cookie = world.sign_in()
    world.add_codes(cookie)
    assert world.post("/me/backup-codes/regenerate", {}, cookie).status_code == 200
    assert world.client.http.delete("/t/demo/api/me/backup-codes", headers={
        "X-Requested-With": "XMLHttpRequest", "Cookie": cookie}).status_code == 204
    world.pump.drain()
    assert types(world.events()) == ["BackupCodesAdded", "BackupCodesRegenerated",
                                     "BackupCodesRemoved"]
    subjects = [email["subject"] for email in world.emails()]
    assert subjects == ["Backup codes were added to your Demo Inc. account",
                        "Your Demo Inc. backup codes were regenerated",
                        "Your Demo Inc. backup codes were removed"]
    removed = world.events()[-1]["detail"]
    assert "remaining" not in removed and removed["ip"]


def test_a_record_delivered_twice_gives_the_same_ids_and_no_second_email(world: World) -> None:
    codes = world.add_codes(world.sign_in())
    world.use_code(codes[0])
    batch = {"Records": world.records()}
    # WHEN the same batch is delivered twice (a retry of the whole batch, say)
    assert world.handler(batch, LambdaContext(NOTIFY_FUNCTION)) == {"batchItemFailures": []}
    assert world.handler(copy.deepcopy(batch), LambdaContext(NOTIFY_FUNCTION)) == {
        "batchItemFailures": []}
    # THEN the events come twice with the same ids (consumers tell a repeat by them) ...
    events = world.events()
    assert types(events) == ["BackupCodesAdded", "BackupCodeUsed"] * 2
    assert [e["detail"] for e in events[:2]] == [e["detail"] for e in events[2:]]
    # ... and each email went out once
    assert len(world.emails()) == 2


def test_the_spend_that_leaves_few_is_an_event_and_one_email_that_says_so(stack: Any) -> None:
    world = World(stack, code_count=5, low_codes_threshold=3)
    codes = world.add_codes(world.sign_in())
    world.use_code(codes[0])  # 4 left: above the threshold
    world.use_code(codes[1])  # 3 left: few
    world.use_code(codes[2])  # 2 left: told already
    world.pump.drain()
    assert types(world.events()) == ["BackupCodesAdded", "BackupCodeUsed", "BackupCodeUsed",
                                     "BackupCodesLow", "BackupCodeUsed"]
    assert world.events()[3]["detail"]["remaining"] == 3
    texts = [email["text"] for email in world.emails()]
    assert len(texts) == 4  # added, and one per code used
    assert ["Only a few are left" in text for text in texts] == [False, False, True, False]
    assert "You have 3 backup codes left." in texts[2]


def test_switches_off_send_no_email_and_the_events_still_go(stack: Any) -> None:
    world = World(stack, notify_code_used=False, notify_codes_changed=False)
    codes = world.add_codes(world.sign_in())
    world.use_code(codes[0])
    world.pump.drain()
    assert types(world.events()) == ["BackupCodesAdded", "BackupCodeUsed"]
    assert world.emails() == []


def test_a_failing_send_is_retried_and_emailed_once(world: World) -> None:
    # GIVEN bob (no address) and alice each add codes, while SES refuses the sender
    # (its identity is not verified)
    ses = botocore.session.get_session().create_client("sesv2", region_name="us-east-1")
    ses.delete_email_identity(EmailIdentity=world.settings.outbound.email_domain)
    world.add_codes(world.sign_in())
    world.add_codes(world.sign_in("bob"))
    results = []

    def notify(event: dict[str, Any], context: Any) -> Any:
        result = world.handler(event, context)
        results.append(result)
        # the identity is verified again once the first delivery failed
        ses.create_email_identity(EmailIdentity=world.settings.outbound.email_domain)
        return result

    # WHEN the records are delivered as Lambda's mapping would
    world.pump_to(notify).drain()
    # THEN alice's record failed alone (bob's was done), was delivered again, and sent
    first, second = results
    alice_record = world.records()[0]["dynamodb"]["SequenceNumber"]
    assert first == {"batchItemFailures": [{"itemIdentifier": alice_record}]}
    assert second == {"batchItemFailures": []}
    assert [email["to"] for email in world.emails()] == ["alice@example.org"]
    # AND her event was published once her email was out; bob's at once, and again
    # when the stream resumed from alice's record (the same event: the same id)
    bob, alice, bob_again = world.events()
    assert [e["detail"]["username"] for e in (bob, alice)] == ["bob", "alice"]
    assert bob_again == bob
    # AND a later redelivery of everything sends her nothing more
    world.handler({"Records": world.records()}, LambdaContext(NOTIFY_FUNCTION))
    assert len(world.emails()) == 1


def test_no_code_hash_token_or_key_in_any_event_or_email(world: World, logs: Any) -> None:
    cookie = world.sign_in()
    codes = world.add_codes(cookie)
    stored = CodeSetModel.get("TENANT#demo#USER#alice")
    hashes = list(stored.codes.as_dict().items())
    world.use_code(codes[0])
    assert world.post("/me/backup-codes/regenerate", {}, cookie).status_code == 200
    world.pump.drain()
    _, key = read_lookup_key(world.settings.lookup_key_parameter, "us-east-1", None)
    secrets = {"password": PASSWORD, "totp secret": world.secret,
               "lookup key": base64.b64encode(key).decode(),
               "changed_by": stored.changed_by}
    for n, code in enumerate(codes):
        secrets |= {f"code {n}": code, f"canonical {n}": code.replace("-", "")}
    for n, (tag, hashed) in enumerate(hashes):
        secrets |= {f"tag {n}": tag, f"hash {n}": hashed}
    for n, token in enumerate(world.tokens):
        secrets[f"session token {n}"] = token
    sent = json.dumps({"events": world.events(), "emails": world.emails()})
    raw = "".join(m.raw_data for m in _raw_messages(world))
    assert len(world.events()) == 3 and len(world.emails()) == 3
    assert [kind for kind, value in secrets.items() if value in sent + raw] == []
    # AND the log names the user's address only masked
    text = logs.text()
    assert "security event" in text and "email sent" in text
    assert "alice@example.org" not in text and "a***@example.org" in text


def _raw_messages(world: World) -> Iterator[Any]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    yield from ses_backends[DEFAULT_ACCOUNT_ID][world.settings.region].sent_messages


def _iso(ts: float) -> str:
    from functions.isotime import iso

    found = iso(ts)
    assert found is not None
    return found


@pytest.fixture
def locking(stack: Any) -> World:
    """A tenant that locks the second factor after three wrong codes. (Made before the
    `logs` fixture takes the service logger's stream: Chalice's app logger has the
    service's name and configures it anew when it does not find its stream.)"""
    return World(stack, lockout_threshold=3)


def test_the_lock_is_an_event_of_the_sign_in_and_a_missing_bus_changes_no_answer(
        locking: World, logs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    world = locking
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")  # this test reads one

    def guesses(username: str) -> list[Any]:
        return [world.post("/auth/mfa", {"flow": world.flow(username), "method": "totp",
                                         "code": "000000"}) for _ in range(3)]

    # WHEN alice guesses three times
    answers = guesses("alice")
    # THEN the third locks, and the lock is an event, where and when it began
    assert [a.status_code for a in answers] == [401, 401, 429]
    (locked,) = world.events()
    assert locked["detail_type"] == "SecondFactorLocked"
    assert set(locked["detail"]) == DETAIL_FIELDS | {"ip", "user_agent"}
    assert locked["detail"]["user_agent"] == FIREFOX
    # WHEN the bus is gone and bob guesses three times
    events = botocore.session.get_session().create_client("events", region_name="us-east-1")
    bus = world.settings.outbound.event_bus_name
    events.remove_targets(Rule="local-security-events", EventBusName=bus, Ids=["log-group"])
    events.delete_rule(Name="local-security-events", EventBusName=bus)
    events.delete_event_bus(Name=bus)
    answers = guesses("bob")
    # THEN he is locked all the same, told when to come back, and the loss is logged
    assert [a.status_code for a in answers] == [401, 401, 429]
    assert json.loads(answers[-1].body)["error"] == "locked"
    assert int(answers[-1].headers["Retry-After"]) > 0
    text = logs.text()
    assert "security events not published" in text
    assert '"EventsDropped":[1.0]' in text  # the metric its alarm watches
