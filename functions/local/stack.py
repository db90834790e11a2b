"""`make run`: the whole product on an embedded AWS, on one origin, in one process.

moto's server (serialised), the tables from infra/template.yaml, the lookup key
in moto's SSM, the signing key in its KMS, the event bus and SES's sender identity,
the API through Chalice's local gateway beside the built SPA, one stream pump per
stream function as Lambda runs them (the session purge and the security events and
emails on the code sets' stream; back-channel logout on the sessions'), and a demo
application (another origin) that signs in through the service. What was sent shows
at /_local/outbox and in the log. Data lives in memory and is seeded anew at each start.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
import socket
import sys
import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import botocore.session
from chalice.app import Chalice

from ..api.application import LOGOUT_FUNCTION, NOTIFY_FUNCTION, PURGE_FUNCTION, create_app
from ..bootstrap import LazyServices, build_operator, build_services
from ..crypto import Argon2Hasher
from ..logs import logger as service_logger
from ..settings import Settings
from ..store.secrets import store_lookup_key
from .aws import LocalAws
from .demo_app import DemoApp, DemoClient
from .discovery import clear_local_stack, write_local_stack
from .keys import create_signing_key
from .outbox import LocalOutbox
from .pump import StreamPump
from .server import FrontDoor
from .signals import StopSignals, StopStartup
from .tables import create_tables

log = logging.getLogger("backup_codes.local")

SPA = Path(__file__).resolve().parents[2] / "frontend" / "dist"
DEMO_PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - public demo data
# 160 bits: pyotp refuses secrets under 112 bits.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - public demo data
DEMO_TENANTS = {"demo": "Demo Inc.", "acme": "Acme Corp."}
DEMO_USERS = (("demo", "alice"), ("demo", "bob"), ("acme", "alice"))
# The demo application signs in through this tenant.
DEMO_APP_TENANT = "demo"
# Where the demo users' notifications go (the local outbox shows them).
DEMO_EMAILS = {("demo", "alice"): "alice@example.com", ("demo", "bob"): "bob@example.com",
               ("acme", "alice"): "alice@acme.example"}
# The local SES identity: every email is sent from this domain.
EMAIL_DOMAIN = "backup-codes.example"


# In-flight requests get this long to finish before the pump and moto stop under them.
DRAIN_SECONDS = 1.5


def _join(thread: threading.Thread, seconds: float) -> None:
    thread.join(timeout=seconds)
    if thread.is_alive():
        log.warning("%s did not stop within %.0f s; leaving it to the exit", thread.name,
                    seconds)


def _start_thread(resources: ExitStack, target: Callable[[], None], name: str,
                  stop: Callable[[], None], join_seconds: float) -> None:
    # Daemon threads: the exit never waits for them, so a stuck one cannot hold it.
    thread = threading.Thread(target=target, name=name, daemon=True)

    def stop_and_join() -> None:
        stop()
        _join(thread, join_seconds)

    resources.callback(stop_and_join)
    thread.start()


def _local_environment(endpoint: str, url: str) -> dict[str, str]:
    # moto takes any credentials; these keep botocore away from real ones.
    os.environ.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
                       "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
                       "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled"})
    os.environ.pop("AWS_PROFILE", None)
    # Metrics are CloudWatch's (EMF log lines): none locally.
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    return {**os.environ, "DYNAMODB_ENDPOINT": endpoint, "SSM_ENDPOINT": endpoint,
            "KMS_ENDPOINT": endpoint, "PUBLIC_ORIGIN": url, "ALLOW_HTTP_LOOPBACK": "true",
            "EVENTS_ENDPOINT": endpoint, "SES_ENDPOINT": endpoint,
            "EMAIL_DOMAIN": EMAIL_DOMAIN, "EMAIL_SENDER": f"security@{EMAIL_DOMAIN}",
            "SECURE_COOKIES": "false",
            "CLIENT_IP_HEADER": "X-Forwarded-For"}


def seed(settings: Settings, demo_app: str) -> DemoClient:
    """The demo tenants and users, and the demo application registered with `demo`."""
    operator = build_operator(settings)
    for tenant, name in DEMO_TENANTS.items():
        operator.create_tenant(tenant, name)
    for tenant, username in DEMO_USERS:
        operator.create_user(tenant, username, DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET,
                             email=DEMO_EMAILS[(tenant, username)])
    client, secret = operator.create_client(
        DEMO_APP_TENANT, "Demo application", (f"{demo_app}/callback",),
        post_logout_redirect_uris=(f"{demo_app}/",),
        backchannel_logout_uri=f"{demo_app}/backchannel-logout")
    assert secret is not None  # a confidential client
    return DemoClient(issuer=f"{settings.public_origin}/t/{DEMO_APP_TENANT}",
                      client_id=client.client_id, client_secret=secret, origin=demo_app)


@dataclass(frozen=True)
class Addresses:
    url: str  # the service: the API and the page
    demo_app: str


def start(host: str, port: int, demo_port: int, resources: ExitStack) -> Addresses:
    """Start every part; each registers its stop in `resources` as soon as it runs,
    so a start-up abandoned half-way stops exactly what it had started."""
    if not (SPA / "index.html").is_file():
        raise SystemExit(f"The page is not built ({SPA}); `make run` builds it.")
    _require_free_port(host, port, "PORT")
    _require_free_port(host, demo_port, "DEMO_PORT")
    addresses = Addresses(f"http://{host}:{port}", f"http://{host}:{demo_port}")
    aws = LocalAws(host)
    resources.callback(aws.stop)
    aws.start()
    environment = _local_environment(aws.endpoint, addresses.url)
    environment["SIGNING_KEY_IDS"] = create_signing_key("us-east-1", aws.endpoint)
    settings = Settings.from_env(environment)
    create_tables(settings)
    store_lookup_key(settings.lookup_key_parameter, settings.region, aws.endpoint,
                     secrets.token_bytes(32))
    outbox = LocalOutbox(settings)
    outbox.open()
    demo_client = seed(settings, addresses.demo_app)
    app = _warm_app(settings)
    for table, function in ((settings.code_sets_table, PURGE_FUNCTION),
                            (settings.code_sets_table, NOTIFY_FUNCTION),
                            (settings.sessions_table, LOGOUT_FUNCTION)):
        _start_pump(resources, settings, app, table, function)
    _start_outbox_watch(resources, outbox)
    _serve(resources, FrontDoor((host, port), app, SPA, outbox), "front-door")
    _serve(resources, DemoApp((host, demo_port), demo_client), "demo-app")
    write_local_stack(port, addresses.url, aws.endpoint, settings)
    resources.callback(clear_local_stack, port)
    return addresses


def _serve(resources: ExitStack, server: FrontDoor | DemoApp, name: str) -> None:
    resources.callback(server.server_close)
    if isinstance(server, FrontDoor):
        resources.callback(server.drain, DRAIN_SECONDS)
    _start_thread(resources, lambda: server.serve_forever(poll_interval=0.1), name,
                  server.shutdown, 2.0)


def _require_free_port(host: str, port: int, variable: str) -> None:
    try:
        socket.create_server((host, port)).close()
    except OSError as error:
        raise SystemExit(f"Port {port} on {host} is taken ({error.strerror}); "
                         f"choose another with {variable}=...") from error


def _warm_app(settings: Settings) -> Chalice:
    """The app, its services built and warmed (connections, the dummy hash) now, so
    that the first request is not the slow one."""
    hasher = Argon2Hasher(settings.argon2)
    services = LazyServices(lambda: build_services(settings, hasher=hasher))
    app = create_app(services, settings)
    services().tenants.policy("demo")
    _ = hasher.dummy_hash
    return app


def _start_pump(resources: ExitStack, settings: Settings, app: Chalice, table: str,
                function: str) -> None:
    """One pump per stream function, each with its own place in its stream: like the
    event source mappings, none waits for nor repeats another's work."""
    session = botocore.session.get_session()
    endpoint = settings.dynamodb_endpoint
    pump = StreamPump(
        session.create_client("dynamodb", region_name=settings.region, endpoint_url=endpoint),
        session.create_client("dynamodbstreams", region_name=settings.region,
                              endpoint_url=endpoint),
        table, app.handler_map[function], function_name=function)
    pump.open()
    stop = threading.Event()
    _start_thread(resources, functools.partial(pump.run, stop), f"stream-pump-{function}",
                  stop.set, 2.0)


def _start_outbox_watch(resources: ExitStack, outbox: LocalOutbox) -> None:
    stop = threading.Event()
    _start_thread(resources, lambda: outbox.watch(stop), "outbox-watch", stop.set, 2.0)


def banner(addresses: Addresses) -> str:
    url = addresses.url
    port = url.rsplit(":", 1)[1]
    lines = ["", "Backup codes, running locally (data in memory, seeded anew at each start).", ""]
    for tenant, name in DEMO_TENANTS.items():
        lines.append(f"  {name:<11} sign in at {url}/t/{tenant}/")
    lines.append(f"  Demo application (signs in through {DEMO_TENANTS[DEMO_APP_TENANT]}): "
                 f"{addresses.demo_app}/")
    lines += ["", "  Users: " + ", ".join(f"{t}/{u}" for t, u in DEMO_USERS),
              f"  Password: {DEMO_PASSWORD}",
              f"  Authenticator (TOTP) secret: {DEMO_TOTP_SECRET}",
              "    a code now: .venv/bin/python -c \"import pyotp; "
              f"print(pyotp.TOTP('{DEMO_TOTP_SECRET}').now())\"",
              f"  Operator CLI: .venv/bin/backup-codes-admin --local {port} list-users demo",
              f"  Sent emails and security events: {url}/_local/outbox",
              "", f"Ready: {url}/t/demo/  (Ctrl-C stops everything)", ""]
    return "\n".join(lines)


def main(signals: StopSignals) -> int:
    """Run until a signal; `signals` were installed before the imports that take seconds."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s",
                        datefmt="%H:%M:%S", stream=sys.stdout)
    # The service's JSON request logs are for CloudWatch; here the front door
    # writes one readable line per request instead.
    service_logger.setLevel("WARNING")
    for noisy in ("werkzeug", "botocore", "moto"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT") or 8000)
    demo_port = int(os.environ.get("DEMO_PORT") or port + 1)
    with ExitStack() as resources:
        try:
            addresses = start(host, port, demo_port, resources)
            signals.running()
            print(banner(addresses), flush=True)
            signals.wait()
        except StopStartup:
            pass
        finally:
            signals.stopping()
            log.info("Stopping...")
    log.info("Stopped.")
    return 0
