"""The admin API (/admin/...) over moto: an administrators' application with a
client_credentials token of scope `admin`, and the audit trail it reads."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import botocore.session
import pytest
from chalice.test import HTTPResponse

from functions.bootstrap import Repositories, Services
from functions.core.fanout import AuditedFacts, SecurityFanOut
from functions.local.pump import lambda_record
from functions.operator import Operator
from functions.settings import Settings
from functions.stream.records import code_set_change

if TYPE_CHECKING:
    from conftest import Api, Demo


def token_for(api: Api, client_id: str, secret: str | None, form: dict[str, str]) -> Any:
    pair = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return api.post("/oidc/token", raw=urlencode(form), xhr=False, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Basic {pair}"})


class Admin:
    """The administrators' application of one tenant."""

    def __init__(self, api: Api, operator: Operator) -> None:
        self.api = api
        client, secret = operator.create_client(api.tenant, "Admin tool", (), admin=True)
        answer = token_for(api, client.client_id, secret, {"grant_type": "client_credentials",
                                                          "scope": "admin"})
        assert answer.status_code == 200, answer.body
        self.client_id = client.client_id
        self.token = api.body_of(answer)["access_token"]

    def call(self, method: str, path: str, body: Any = None, *, token: str | None = None,
             tenant: str | None = None) -> HTTPResponse:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        return self.api.request(method, f"/admin{path}", body, xhr=False, headers=headers,
                                tenant=tenant)


@pytest.fixture
def admin(api: Api, operator: Operator) -> Admin:
    return Admin(api, operator)


class CodeSetStream:
    """The code-set stream from now on, run through the audit sink as the notifying
    function runs it (its emails and events are tested elsewhere)."""

    def __init__(self, settings: Settings, services: Services, repos: Repositories) -> None:
        self.streams = botocore.session.get_session().create_client(
            "dynamodbstreams", region_name=settings.region)
        self.arn = self.streams.list_streams(
            TableName=settings.code_sets_table)["Streams"][0]["StreamArn"]
        shards = self.streams.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]
        self.iterators = {s["ShardId"]: self.streams.get_shard_iterator(
            StreamArn=self.arn, ShardId=s["ShardId"], ShardIteratorType="LATEST")["ShardIterator"]
            for s in shards}
        self.fanout = SecurityFanOut(services.tenants, [AuditedFacts(repos.audit)])
        self.seen: list[dict[str, Any]] = []

    def run(self) -> None:
        for shard, iterator in self.iterators.items():
            answer = self.streams.get_records(ShardIterator=iterator)
            self.iterators[shard] = answer["NextShardIterator"]
            for record in answer["Records"]:
                self.seen.append(lambda_record(record, self.arn))
                self.fanout.handle(code_set_change(self.seen[-1]))

    def redeliver(self) -> None:
        """Every record seen, handled again (as a retried batch is)."""
        for record in self.seen:
            self.fanout.handle(code_set_change(record))


@pytest.fixture
def stream(settings: Settings, services: Services, repos: Repositories) -> Iterator[CodeSetStream]:
    yield CodeSetStream(settings, services, repos)


# -- Who may call it ------------------------------------------------------------------------

ROUTES = [("GET", "/users"), ("POST", "/users"), ("DELETE", "/users/alice"),
          ("POST", "/users/alice/reset-mfa"), ("POST", "/users/alice/unlock"),
          ("POST", "/users/alice/end-sessions"), ("GET", "/audit")]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_wants_a_live_admin_token_of_this_tenant(
        admin: Admin, api: Api, operator: Operator, new_user: Callable[..., Demo],
        method: str, path: str, state: Callable[[], dict[str, Any]]) -> None:
    # A user's token (the code flow: openid, no admin scope)
    shop, secret = operator.create_client(api.tenant, "Shop", ("https://shop.example/cb",))
    query = urlencode({"client_id": shop.client_id, "redirect_uri": "https://shop.example/cb",
                       "response_type": "code", "scope": "openid"})
    location = api.get(f"/oidc/authorize?{query}", cookie=api.sign_in()).headers["Location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    user_token = api.body_of(token_for(api, shop.client_id, secret, {
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": "https://shop.example/cb"}))["access_token"]
    # Another tenant's administrators
    other = f"{api.tenant}-b"
    operator.create_tenant(other, "B")
    foreign = Admin(api.as_user(new_user(other)), operator)
    before = state()
    for token, status, code in ((None, 401, "invalid_token"), ("made-up", 401, "invalid_token"),
                                (user_token, 403, "insufficient_scope"),
                                (foreign.token, 401, "invalid_token")):
        answer = admin.api.request(method, f"/admin{path}", {"username": "zed"}, xhr=False,
                                   headers={} if token is None else {
                                       "Authorization": f"Bearer {token}"})
        assert answer.status_code == status, (token, answer.body)
        assert admin.api.body_of(answer)["error"] == code
        assert answer.headers["WWW-Authenticate"] == f'Bearer error="{code}"'
    assert state() == before
    # An admin token expires (15 minutes)
    api.clock.advance(901)
    assert admin.call(method, path, {"username": "zed"}).status_code == 401


# -- Users ----------------------------------------------------------------------------------

def test_list_users_with_their_factors_a_page_at_a_time(
        admin: Admin, api: Api, new_user: Callable[..., Demo]) -> None:
    api.add_codes(api.sign_in())
    new_user(api.tenant, "bob", totp=False)
    first = admin.call("GET", "/users?limit=1")
    assert first.status_code == 200
    page = api.body_of(first)
    (alice,) = page["users"]
    assert alice == {"username": "alice", "created_at": alice["created_at"],
                     "factors": {"totp": True, "backup_codes": True},
                     "backup_codes_remaining": 10, "locked_until": None}
    second = api.body_of(admin.call("GET", f"/users?limit=1&cursor={page['next']}"))
    assert [u["username"] for u in second["users"]] == ["bob"]
    assert second["users"][0]["factors"] == {"totp": False, "backup_codes": False}
    api.expect_error(admin.call("GET", "/users?cursor=bm90LWEtY3Vyc29y"), 400, "invalid_request")
    api.expect_error(admin.call("GET", "/users?limit=1000"), 400, "invalid_request")


def test_create_a_user_with_or_without_a_password(admin: Admin, api: Api) -> None:
    made = admin.call("POST", "/users", {"username": "Carol", "email": "carol@example.org"})
    assert made.status_code == 201
    answer = api.body_of(made)
    assert answer["username"] == "carol" and len(answer["password"]) >= 12
    # The password made for her signs her in (no second factor yet).
    login = api.login("carol", answer["password"])
    assert api.body_of(login)["status"] == "authenticated"
    given = admin.call("POST", "/users", {"username": "dave", "password": "a long password 1"})
    assert given.status_code == 201 and "password" not in api.body_of(given)
    api.expect_error(admin.call("POST", "/users", {"username": "dave"}), 409, "conflict")
    api.expect_error(admin.call("POST", "/users", {"username": "no spaces"}), 400,
                     "invalid_request")
    api.expect_error(admin.call("POST", "/users", {"username": "erin", "password": "short"}),
                     400, "invalid_request")
    # A lone surrogate (json.dumps writes it escaped, as a client may) is refused as the
    # rest of the API refuses it: 400, not a 500, and nothing made
    for body in ({"username": "erin", "password": "a long password \ud800"},
                 {"username": "erin\ud800", "password": "a long password 1"},
                 {"username": "erin", "password": "a long password 1", "email": "e\ud800@x.org"}):
        api.expect_error(admin.call("POST", "/users", body), 400, "invalid_json")
    listed = [u["username"] for u in api.body_of(admin.call("GET", "/users"))["users"]]
    assert "erin" not in listed


def test_reset_mfa_then_the_user_enrols_again(admin: Admin, api: Api,
                                               stream: CodeSetStream) -> None:
    # GIVEN alice with her authenticator, codes and a session
    cookie = api.sign_in()
    codes = api.add_codes(cookie)["codes"]
    # WHEN her administrator resets her second factor
    assert admin.call("POST", "/users/alice/reset-mfa").status_code == 204
    # THEN her session is over at once, and her sign-in asks for no second factor
    api.expect_error(api.get("/me", cookie=cookie), 401, "unauthenticated")
    login = api.body_of(api.login())
    assert login["status"] == "authenticated"
    fresh = api.cookie_of(api.login())
    assert api.body_of(api.get("/me", cookie=fresh))["factors"] == {"totp": False,
                                                                    "backup_codes": False}
    # AND neither an old code nor the old authenticator is anything now
    assert api.body_of(api.get("/me/backup-codes", cookie=fresh))["enabled"] is False
    del codes
    stream.run()
    reset = [e for e in api.body_of(admin.call("GET", "/audit?username=alice"))["events"]
             if e["type"] == "mfa_reset"]
    assert [e["actor"] for e in reset] == [f"admin:{admin.client_id}"]


def test_unlock_end_sessions_and_delete(admin: Admin, api: Api, operator: Operator) -> None:
    operator.set_policy(api.tenant, lockout_threshold=3)
    api.clock.advance(31)
    flow = api.flow()
    for _ in range(3):
        api.mfa(flow, "totp", "000000" if api.totp_now() != "000000" else "111111")
    api.expect_error(api.mfa(api.flow(), "totp", api.totp_now()), 429, "locked")
    locked = api.body_of(admin.call("GET", "/users"))["users"][0]
    assert locked["locked_until"] is not None
    assert admin.call("POST", "/users/alice/unlock").status_code == 204
    cookie = api.sign_in()
    assert admin.call("POST", "/users/alice/end-sessions").status_code == 204
    api.expect_error(api.get("/me", cookie=cookie), 401, "unauthenticated")
    cookie = api.sign_in()
    assert admin.call("DELETE", "/users/alice").status_code == 204
    api.expect_error(api.get("/me", cookie=cookie), 401, "unauthenticated")
    api.expect_error(api.login(), 401, "invalid_credentials")
    for method, path in ROUTES[2:6]:
        api.expect_error(admin.call(method, path), 404, "not_found")


# -- The audit trail ------------------------------------------------------------------------

def test_the_journey_is_audited_in_order_and_nothing_secret(
        admin: Admin, api: Api, stream: CodeSetStream) -> None:
    wrong = "000000" if api.totp_now() != "000000" else "111111"
    steps: list[Callable[[], Any]] = [
        lambda: api.login(password="a wrong password"),
        lambda: api.mfa(api.flow(), "totp", wrong),
        lambda: api.sign_in(headers={"User-Agent": "Firefox/140"}),
        lambda: api.add_codes(cookie),
        lambda: api.mfa(api.flow(), "backup_code", issued["codes"][0]),
        lambda: admin.call("POST", "/users/alice/end-sessions"),
    ]
    cookie, issued = "", {}
    for number, step in enumerate(steps):
        api.clock.advance(1)  # one step a second: the trail's order is the order of times
        answer = step()
        if number == 2:
            cookie = answer
        elif number == 3:
            issued = answer
    stream.run()
    events = api.body_of(admin.call("GET", "/audit?username=alice"))["events"]
    kinds = [(e["type"], e["method"], e["actor"]) for e in reversed(events)]
    assert kinds[:5] + kinds[7:] == [
        ("user_created", None, "operator"),
        ("sign_in_failed", "password", "user"), ("sign_in_failed", "totp", "user"),
        ("sign_in", "totp", "user"), ("backup_codes_added", None, "user"),
        ("sessions_ended", None, f"admin:{admin.client_id}")]
    # one instant, two events (the sign-in's and the code's): either order
    assert sorted(kinds[5:7]) == [("backup_code_used", None, "user"),
                                  ("sign_in", "backup_code", "user")]
    (totp,) = [e for e in events if (e["type"], e["method"]) == ("sign_in", "totp")]
    assert totp["user_agent"] == "Firefox/140" and totp["ip"]
    text = json.dumps(events)
    assert not [c for c in issued["codes"] if c in text]
    assert "password" not in json.dumps([e for e in events if e["type"] != "sign_in_failed"])
    # The user sees their own, the newest first.
    mine = api.body_of(api.get("/me/activity", cookie=api.sign_in()))["events"]
    assert mine[0]["type"] == "sign_in" and {e["type"] for e in mine} >= {"backup_code_used"}


def test_a_retried_or_redelivered_event_is_recorded_once(
        admin: Admin, api: Api, repos: Repositories, stream: CodeSetStream) -> None:
    cookie = api.sign_in()
    api.add_codes(cookie)
    assert admin.call("POST", "/users/alice/end-sessions").status_code == 204
    stream.run()
    before = api.body_of(admin.call("GET", "/audit"))["events"]
    assert {"backup_codes_added", "sessions_ended", "sign_in"} <= {e["type"] for e in before}
    # WHEN the stream's records come again, and every event is written again
    stream.redeliver()
    events, _ = repos.audit.recent(api.tenant, None, 50)
    for event in events:
        repos.audit.record(event)
    # THEN each is there once
    assert api.body_of(admin.call("GET", "/audit"))["events"] == before
