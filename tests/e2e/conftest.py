"""Fixtures of the browser tests: one real local stack and one Chromium per session."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LOCKOUT_TENANT,
    LOCKOUT_THRESHOLD,
    REAUTH_MAX_AGE,
    REAUTH_TENANT,
    ROOT,
    Account,
    Guard,
    LocalStack,
    demo_account,
    sign_in_with_totp,
    unexpected_tracebacks,
    watched_contexts,
)
from playwright.sync_api import Browser, BrowserContext, sync_playwright

VIEWPORT = {"width": 1280, "height": 800}
# The page speaks the browser's language; the tests that name things in English say so.
CONTEXT_DEFAULTS = {"viewport": VIEWPORT, "locale": "en-US"}
STACK_LOG = ROOT / "artifacts" / "e2e-browser-stack.log"


@dataclass(frozen=True)
class Accounts:
    """One user per test, so that no test spends another's TOTP step, lockout or
    sessions. Three are the stack's seeded demo users; the others are made with the
    operator CLI, each with an authenticator of its own."""

    journey: Account
    accessibility: Account
    origins: Account
    devices: Account
    keyboard: Account
    locked: Account
    stale: Account
    redraw: Account
    paused: Account  # of the lockout tenant: its wrong passwords pause sign-in
    overload: Account
    picker: Account
    spanish: Account
    german: Account
    spanish_phone: Account
    german_phone: Account

    def speaking(self, language: str, *, phone: bool = False) -> Account:
        """The user of a test in `language` ("es" or "de")."""
        name = {"es": "spanish", "de": "german"}[language]
        return getattr(self, f"{name}_phone" if phone else name)


@dataclass(frozen=True)
class AgedSession:
    storage_state: Any
    signed_in_at: float  # time.monotonic()

    def wait_until_stale(self, max_age: float) -> None:
        remaining = self.signed_in_at + max_age + 1.5 - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's Chromium.")
    running = LocalStack.start(tmp_path_factory.mktemp("stack-state"))
    yield running
    running.stop()
    log = "".join(running.output)
    STACK_LOG.parent.mkdir(parents=True, exist_ok=True)
    STACK_LOG.write_text(log)
    assert not unexpected_tracebacks(log), (
        f"the local stack logged an exception (see {STACK_LOG}):\n"
        + "\n".join(unexpected_tracebacks(log)))


@pytest.fixture(scope="session")
def accounts(stack: LocalStack) -> Accounts:
    with ThreadPoolExecutor(max_workers=4) as pool:
        tenants = [pool.submit(stack.admin, "create-tenant", REAUTH_TENANT, "--name", "Reauth Ltd",
                               "--reauth-max-age-seconds", str(REAUTH_MAX_AGE)),
                   pool.submit(stack.admin, "create-tenant", LOCKOUT_TENANT, "--name",
                               "Lockout Ltd", "--lockout-threshold", str(LOCKOUT_THRESHOLD),
                               "--password-lockout-threshold", str(LOCKOUT_THRESHOLD))]
        demo_users = {name: pool.submit(stack.create_user, "demo", name.replace("_", "-"))
                      for name in ("devices", "keyboard", "redraw", "overload", "picker",
                                   "spanish", "german", "spanish_phone", "german_phone")}
        for done in tenants:
            done.result()
        locked = pool.submit(stack.create_user, LOCKOUT_TENANT, "locked")
        paused = pool.submit(stack.create_user, LOCKOUT_TENANT, "paused")
        stale = pool.submit(stack.create_user, REAUTH_TENANT, "stale")
        return Accounts(journey=demo_account("demo", "alice"),
                        accessibility=demo_account("demo", "bob"),
                        origins=demo_account("acme", "alice"),
                        locked=locked.result(), paused=paused.result(), stale=stale.result(),
                        **{name: made.result() for name, made in demo_users.items()})


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def aged_session(chromium: Browser, stack: LocalStack, accounts: Accounts) -> AgedSession:
    """A session of the reauth tenant signed in at the start of the run.

    Its authentication grows older than the tenant's one-minute limit while the
    other tests run, so the reauthentication test rarely waits at all.
    """
    context = chromium.new_context(**CONTEXT_DEFAULTS)
    try:
        page = context.new_page()
        sign_in_with_totp(page, stack.url, accounts.stale)
        signed_in_at = time.monotonic()
        return AgedSession(context.storage_state(), signed_in_at)
    finally:
        context.close()


ContextFactory = Callable[..., BrowserContext]


@pytest.fixture
def new_context(chromium: Browser, stack: LocalStack,
                aged_session: AgedSession) -> Iterator[ContextFactory]:
    """Fresh browser contexts (one per device). Each is watched: a request to another
    origin, a CSP violation or an uncaught page error fails the test that made it.

    (It asks for `aged_session` only so that the aged session starts with the first test.)
    """
    yield from watched_contexts(chromium, lambda: Guard(stack.url), CONTEXT_DEFAULTS)
