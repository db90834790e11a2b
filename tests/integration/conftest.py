"""Integration fixtures: the real app over moto, a fresh tenant and user per test, a fake clock.

`api` drives the HTTP contract through chalice.test.Client for a tenant of its own;
`services` is the same composition root the Lambda builds, with a settable clock
and a hasher that counts its argon2 work; `ddb` counts the DynamoDB calls the
models make; `state()` is every item of every table.

One moto stack serves a whole module and each test gets a new tenant: tenants
are isolated in every key (test_isolation.py proves it), so tests cannot see
each other, and a stack per test would be most of the suite's time. Tests that
compare the whole state compare before and after their own requests.
"""

from __future__ import annotations

import copy
import functools
import itertools
import json
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import botocore.session
import pyotp
import pytest
from chalice.app import Chalice
from chalice.test import Client, HTTPResponse
from moto import mock_aws
from moto.kms import models as moto_kms
from unit.fakes import CountingHasher, FakeClock  # tests/ is on sys.path (its conftest)

from functions import crypto
from functions.api.application import create_app
from functions.bootstrap import (
    LazyServices,
    Repositories,
    Services,
    build_operator,
    build_repositories,
    build_services,
)
from functions.local import tables as table_definitions
from functions.local.keys import create_signing_key
from functions.local.server import FrontDoor
from functions.local.tables import create_tables
from functions.operator import Operator
from functions.settings import Settings
from functions.store.models import ALL_MODELS, table_names
from functions.store.secrets import store_lookup_key

TENANT = "demo"
# The service's public origin in these tests: issuers are {ORIGIN}/t/{tenant}.
ORIGIN = "https://id.example.test"
USERNAME = "alice"
PASSWORD = "correct horse battery staple"  # noqa: S105
XHR = {"X-Requested-With": "XMLHttpRequest"}
WRONG_CODE = "ABCD-EFGH-JKMN-PQRS"  # well-formed, and (almost surely) nobody's code


@pytest.fixture(scope="session", autouse=True)
def _read_once() -> Iterator[None]:
    """Test speed only, nothing the tests look at: every botocore session (PynamoDB
    makes one per model and thread, and each test binds the models afresh)
    re-reads the same JSON service models, and every `stack` re-parses
    infra/template.yaml; read each once."""
    loaders: dict[str | None, Any] = {}
    create_loader = botocore.session.create_loader

    def shared_loader(search_path: str | None = None) -> Any:
        if search_path not in loaders:
            loaders[search_path] = create_loader(search_path)
        return loaders[search_path]

    # moto makes SSM's default KMS key for each SecureString stack, with a fresh
    # 2048-bit RSA key nobody uses here: one per key spec will do.
    keys: dict[str, Any] = {}
    generate_private_key = moto_kms.generate_private_key

    def one_key_per_spec(key_spec: str) -> Any:
        if key_spec not in keys:
            keys[key_spec] = generate_private_key(key_spec)
        return keys[key_spec]

    template = table_definitions.load_template()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.session, "create_loader", shared_loader)
        patch.setattr(table_definitions, "load_template", lambda *_: copy.deepcopy(template))
        patch.setattr(moto_kms, "generate_private_key", one_key_per_spec)
        yield


@pytest.fixture(scope="session")
def argon2() -> crypto.Argon2Hasher:
    """One real argon2id hasher (cheap parameters from tests/conftest.py) for the session."""
    return crypto.Argon2Hasher(Settings.from_env().argon2)


@pytest.fixture(scope="module")
def settings() -> Iterator[Settings]:
    """Tables from infra/template.yaml and the lookup key in SSM, in moto, for the module
    (tests/conftest.py's `stack` does the same per test)."""
    with mock_aws():
        found = Settings.from_env()
        create_tables(found)
        store_lookup_key(found.lookup_key_parameter, found.region, None,
                         secrets.token_bytes(32))
        yield replace(found, signing_key_ids=(create_signing_key(found.region),),
                      public_origin=ORIGIN, allow_http_loopback=True)


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock(time.time())


@pytest.fixture(scope="module")
def hasher(argon2: crypto.Argon2Hasher) -> CountingHasher:
    """Counts over the module: tests compare before and after."""
    return CountingHasher(argon2)


@pytest.fixture(scope="module")
def operator(settings: Settings, argon2: crypto.Argon2Hasher) -> Operator:
    return build_operator(settings, hasher=argon2)


@pytest.fixture(scope="module")
def services(settings: Settings, clock: FakeClock, hasher: CountingHasher,
             operator: Operator) -> Services:
    # After build_operator: both bind the models (to the same tables).
    return build_services(settings, hasher=hasher, clock=clock)


@pytest.fixture(scope="module")
def repos(services: Services) -> Repositories:
    """The repositories under `services`, for tests that look at or set up storage directly."""
    return build_repositories(services.settings)


@dataclass
class Demo:
    tenant: str
    username: str
    password: str
    totp_secret: str


def make_user(operator: Operator, tenant: str, username: str = USERNAME,
              password: str = PASSWORD, totp: bool = True) -> Demo:
    uri = operator.create_user(tenant, username, password, totp=totp)
    secret = pyotp.parse_uri(uri).secret if uri else ""
    return Demo(tenant, username, password, secret)


@pytest.fixture(scope="module")
def new_user(operator: Operator) -> Callable[..., Demo]:
    """new_user(tenant, username="alice", password=PASSWORD, totp=True) -> Demo."""
    return functools.partial(make_user, operator)


_TENANTS = itertools.count(1)


@pytest.fixture
def demo(operator: Operator) -> Demo:
    """A new tenant (`demo-<n>`, default policy) whose alice has a password and TOTP."""
    tenant = f"{TENANT}-{next(_TENANTS)}"
    operator.create_tenant(tenant, "Demo")
    return make_user(operator, tenant)


def make_app(services: Services) -> Chalice:
    return create_app(LazyServices(lambda: services), settings=services.settings)


class Api:
    """The HTTP contract of one tenant, spoken through chalice.test.Client.

    Test modules reach every helper through this object or a fixture: importing
    from "conftest" is ambiguous when pytest has loaded several conftest.py files.
    """

    WRONG_CODE = WRONG_CODE

    def __init__(self, app: Chalice, clock: FakeClock, user: Demo) -> None:
        self.app = app
        self.client = Client(app)
        self.clock = clock
        self.user = user
        self.tenant = user.tenant

    def as_user(self, user: Demo) -> Api:
        """Another user (of any tenant), through the same app and clock."""
        return Api(self.app, self.clock, user)

    def over(self, services: Services) -> Api:
        """The same user and clock, through an app over other services (another setting)."""
        return Api(make_app(services), self.clock, self.user)

    # Plain requests ---------------------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None, *, cookie: str | None = None,
                xhr: bool = True, headers: dict[str, str] | None = None,
                raw: bytes | str | None = None, tenant: str | None = None) -> HTTPResponse:
        sent = {"Content-Type": "application/json", **(XHR if xhr else {}), **(headers or {})}
        if cookie:
            sent["Cookie"] = cookie
        payload = raw if raw is not None else (b"" if body is None else json.dumps(body))
        return self.client.http.request(method, f"/t/{tenant or self.tenant}/api{path}",
                                        headers=sent, body=payload)  # type: ignore[arg-type]

    def get(self, path: str, **kwargs: Any) -> HTTPResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> HTTPResponse:
        return self.request("POST", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> HTTPResponse:
        return self.request("DELETE", path, **kwargs)

    # Signing in -------------------------------------------------------------------------

    def login(self, username: str | None = None, password: str | None = None,
              **kwargs: Any) -> HTTPResponse:
        return self.post("/auth/login", {"username": username or self.user.username,
                                         "password": password or self.user.password}, **kwargs)

    def flow(self, **kwargs: Any) -> str:
        answer = body(self.login(**kwargs))
        assert answer["status"] == "mfa_required", answer
        return str(answer["flow"])

    def mfa(self, flow: str, method: str, code: Any, **kwargs: Any) -> HTTPResponse:
        return self.post("/auth/mfa", {"flow": flow, "method": method, "code": code}, **kwargs)

    def totp(self, secret: str | None = None) -> str:
        """A code of a fresh time step (a used step is refused, as it should be)."""
        self.clock.advance(30)
        return pyotp.TOTP(secret or self.user.totp_secret).at(self.clock.now())

    def totp_now(self) -> str:
        """The current step's code, without letting time pass (a lock keeps running)."""
        return pyotp.TOTP(self.user.totp_secret).at(self.clock.now())

    def sign_in(self, **kwargs: Any) -> str:
        """Password and TOTP; returns the Cookie header that carries the session."""
        headers = kwargs.get("headers")
        response = self.mfa(self.flow(**kwargs), "totp", self.totp(), headers=headers)
        assert response.status_code == 200, response.body
        return cookie_of(response)

    def add_codes(self, cookie: str) -> dict[str, Any]:
        response = self.post("/me/backup-codes", cookie=cookie)
        assert response.status_code == 201, response.body
        return body(response)

    # Reading answers ----------------------------------------------------------------------

    @staticmethod
    def body_of(response: HTTPResponse) -> dict[str, Any]:
        return body(response)

    @staticmethod
    def cookie_of(response: HTTPResponse) -> str:
        return cookie_of(response)

    @staticmethod
    def expect_error(response: HTTPResponse, status: int, code: str) -> dict[str, Any]:
        return assert_error(response, status, code)


@pytest.fixture(scope="module")
def app(services: Services) -> Chalice:
    return make_app(services)


@pytest.fixture(scope="module")
def app_for() -> Callable[[Services], Chalice]:
    """Another app over given services: another configuration, or another container."""
    return make_app


@pytest.fixture(scope="module")
def served(app: Chalice, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app behind the local front door (the same server `make run` uses), on a free port."""
    front = FrontDoor(("127.0.0.1", 0), app, tmp_path_factory.mktemp("spa"))
    thread = threading.Thread(target=front.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    host, port = front.server_address[:2]
    yield f"http://{host}:{port}"
    front.shutdown()
    front.server_close()


@pytest.fixture(scope="module")
def state(settings: Settings) -> Callable[[], dict[str, list[dict[str, Any]]]]:
    """state() -> every item of every table: the whole persistent state, comparable."""
    return functools.partial(scan_all, settings)


@pytest.fixture
def api(app: Chalice, clock: FakeClock, demo: Demo) -> Api:
    return Api(app, clock, demo)


# Helpers ----------------------------------------------------------------------------------

def body(response: HTTPResponse) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(response.body)
    return decoded


def cookie_of(response: HTTPResponse) -> str:
    """`name=value` of the response's Set-Cookie, as a browser would send it back."""
    return str(response.headers["Set-Cookie"]).split(";", 1)[0]


def assert_error(response: HTTPResponse, status: int, code: str) -> dict[str, Any]:
    """The contract's error shape: {"error", "message"} and nothing else."""
    assert response.status_code == status, (response.status_code, response.body)
    answer = body(response)
    assert set(answer) == {"error", "message"}, answer
    assert answer["error"] == code, answer
    assert isinstance(answer["message"], str) and answer["message"]
    return answer


@functools.cache
def dynamodb_client(region: str) -> Any:
    """A plain botocore client for looking at the tables (moto answers it in any test)."""
    return botocore.session.get_session().create_client("dynamodb", region_name=region)


def scan_all(settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """Every item of every table, in a stable order: the whole persistent state."""
    client = dynamodb_client(settings.region)
    state = {}
    for logical, table in table_names(settings).items():
        items = client.scan(TableName=table, ConsistentRead=True)["Items"]
        state[logical] = sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return state


@dataclass
class DynamoCalls:
    """DynamoDB API calls made through the PynamoDB models, in order: one entry per
    request, (the tables it touches, joined by "+", the operation)."""

    short_names: dict[str, str]
    calls: list[tuple[str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if "TableName" in params:
            tables = [params["TableName"]]
        elif "TransactItems" in params:
            tables = [next(iter(item.values()))["TableName"] for item in params["TransactItems"]]
        else:
            tables = list(params.get("RequestItems", {})) or ["?"]
        names = "+".join(sorted({self.short_names.get(table, table) for table in tables}))
        with self._lock:
            self.calls.append((names, model.name))

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()

    def by_table(self) -> Counter[str]:
        return Counter(table for table, _ in self.calls)

    def of(self, table: str) -> list[str]:
        """The operations of the requests that touch `table` (alone or in a transaction)."""
        return [operation for tables, operation in self.calls if table in tables.split("+")]

    def requests(self) -> list[str]:
        """Every request as "Tables Operation", in the order sent."""
        return [f"{tables} {operation}" for tables, operation in self.calls]


@pytest.fixture
def ddb(services: Services) -> Iterator[DynamoCalls]:
    names = {table: logical.removesuffix("Table") for logical, table
             in table_names(services.settings).items()}
    counter = DynamoCalls(names)
    clients = {id(c): c for c in (m._get_connection().connection.client for m in ALL_MODELS)}
    for client in clients.values():
        client.meta.events.register("provide-client-params.dynamodb", counter.record)
    yield counter
    for client in clients.values():
        client.meta.events.unregister("provide-client-params.dynamodb", counter.record)


