"""Helpers for the browser tests: the local stack, accounts, Chromium, and page steps.

The stack is the real one (`python -m functions.local`): moto's server, the API,
the built SPA on one origin and the stream pump. Nothing here mocks the API.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pyotp
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Route,
    expect,
)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE_SOURCE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
ADMIN = Path(sys.executable).with_name("backup-codes-admin")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
# The local stack's seeded demo data (functions/local/stack.py); created users share the password.
PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - public demo data
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - public demo data
# A tenant whose changes need a sign-in younger than a minute (the policy's minimum),
# and one that locks the second factor after three wrong codes; both made by the tests.
REAUTH_TENANT = "e2e-reauth"
REAUTH_MAX_AGE = 60
LOCKOUT_TENANT = "e2e-lockout"
LOCKOUT_THRESHOLD = 3
ACCOUNT_PATH = re.compile(r"/t/[a-z0-9-]+/account/security$")
SIGNIN_PATH = re.compile(r"/t/[a-z0-9-]+/$")
# A code as the page shows it: groups of letters and digits joined by dashes.
CODE_SHAPE = re.compile(r"^[A-Z0-9]{3,8}(?:-[A-Z0-9]{3,8})+$")


# --- the local stack -----------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LocalStack:
    """A running `python -m functions.local`; its own state dir keeps other stacks apart."""

    url: str
    endpoint: str
    process: subprocess.Popen[str]
    output: list[str]
    demo_app: str = ""

    @classmethod
    def start(cls, state_dir: Path, timeout: float = 120) -> LocalStack:
        port, demo_port = free_port(), free_port()
        env = {**_product_environment(), "PORT": str(port), "DEMO_PORT": str(demo_port),
               "BACKUP_CODES_STATE_DIR": str(state_dir)}
        process = subprocess.Popen([sys.executable, "-m", "functions.local"], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True)
        output: list[str] = []
        assert process.stdout is not None
        # readline() blocks: a timer ends a stack that never gets ready.
        watchdog = threading.Timer(timeout, lambda: _terminate(process))
        watchdog.start()
        try:
            for line in process.stdout:
                output.append(line)
                if line.startswith("Ready:"):
                    break
            else:
                raise RuntimeError("the local stack exited before it was ready:\n"
                                   + "".join(output))
            # Keep draining its output so that the pipe never fills and blocks the stack.
            threading.Thread(target=lambda: output.extend(process.stdout or ()),
                             daemon=True).start()
            state = json.loads((state_dir / f"local-{port}.json").read_text())
        except BaseException:
            _terminate(process)
            raise
        finally:
            watchdog.cancel()
        return cls(url=f"http://127.0.0.1:{port}", endpoint=state["endpoint"],
                   process=process, output=output, demo_app=f"http://127.0.0.1:{demo_port}")

    def stop(self) -> None:
        _terminate(self.process)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def admin(self, *args: str, stdin: str | None = None) -> str:
        """The operator CLI against this stack; its standard output."""
        # moto takes any credentials; these keep botocore away from real ones.
        env = {**_product_environment(), "AWS_ACCESS_KEY_ID": "local",
               "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "us-east-1"}
        env.pop("AWS_PROFILE", None)
        done = subprocess.run([str(ADMIN), "--endpoint", self.endpoint, *args], cwd=ROOT,
                              input=stdin, capture_output=True, text=True, timeout=60,
                              env=env, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"backup-codes-admin {' '.join(args)} failed:\n"
                               f"{done.stdout}{done.stderr}")
        return done.stdout

    def create_user(self, tenant: str, username: str) -> Account:
        out = self.admin("create-user", tenant, username, "--totp", "--password-stdin",
                         stdin=PASSWORD + "\n")
        uri = next(line for line in out.splitlines() if line.startswith("otpauth://"))
        secret = parse_qs(urlparse(uri).query)["secret"][0]
        return Account(tenant, username, PASSWORD, Authenticator(secret))


def _product_environment() -> dict[str, str]:
    """This environment without the cheap argon2 cost that tests/conftest.py sets for the
    in-process tests: the stack and the CLI run with the product's own."""
    return {name: value for name, value in os.environ.items()
            if name not in ("ARGON2_MEMORY_KIB", "ARGON2_TIME_COST", "ARGON2_PARALLELISM")}


# A browser that closes a tab or a context mid-request hangs up on the server; the
# front door then prints socketserver's traceback. That is the client leaving, not a fault.
CLIENT_GONE = ("BrokenPipeError", "ConnectionResetError", "ConnectionAbortedError")


def unexpected_tracebacks(log: str) -> list[str]:
    """The exception lines of the tracebacks in a stack's output, client hang-ups aside."""
    found = []
    lines = log.splitlines()
    for index, line in enumerate(lines):
        if not line.startswith("Traceback (most recent call last):"):
            continue
        # The exception line is the first one after the frames that is not indented.
        error = next((later for later in lines[index + 1:] if later and not later[0].isspace()),
                     "(no exception line)")
        if not error.startswith(CLIENT_GONE):
            found.append(error)
    return found


def _terminate(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)


# --- accounts ------------------------------------------------------------------------

class Authenticator:
    """A user's authenticator app, which never offers the server a step it already took.

    The server accepts a TOTP code once per 30 s step and user, and a step at most
    one away from its own. Steps go up: the previous step first (while it has a few
    seconds left), then the current one, then the next, then wait for time to pass.
    """

    SAFETY_SECONDS = 5

    def __init__(self, secret: str) -> None:
        self.totp = pyotp.TOTP(secret)
        self.last_step: int | None = None
        self.lock = threading.Lock()

    def code(self) -> str:
        with self.lock:
            while True:
                now = time.time()
                step, left = int(now // 30), 30 - now % 30
                lowest = step - 1 if left > self.SAFETY_SECONDS else step
                candidate = lowest if self.last_step is None else max(lowest, self.last_step + 1)
                if candidate <= step + 1:
                    self.last_step = candidate
                    return self.totp.at(candidate * 30)
                time.sleep(left + 0.2)

    def wrong_code(self) -> str:
        """Six digits that no step near now accepts."""
        now = time.time()
        near = {self.totp.at(now + drift) for drift in (-60, -30, 0, 30, 60)}
        return next(c for c in (f"{n:06d}" for n in range(123456, 999999, 111111))
                    if c not in near)


@dataclass
class Account:
    tenant: str
    username: str
    password: str
    authenticator: Authenticator


def demo_account(tenant: str, username: str) -> Account:
    """A user the stack seeds. They share one secret, but the server counts TOTP steps
    per user, so each gets an Authenticator of its own."""
    return Account(tenant, username, PASSWORD, Authenticator(DEMO_TOTP_SECRET))


# --- browser contexts: every request same-origin, no CSP violation ----------------------

# Runs before the page's own scripts (through the DevTools protocol, so the CSP
# does not apply to it): every CSP violation becomes a console line we collect.
CSP_REPORTER = """
document.addEventListener('securitypolicyviolation', (event) => {
  console.error(`csp-violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`
                + ` at ${event.sourceFile}:${event.lineNumber}`);
}, true);
"""


@dataclass
class Guard:
    """What a context's pages asked for and complained about."""

    origin: str
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.add_init_script(CSP_REPORTER)
        context.on("request", self._on_request)
        context.on("console", self._on_console)
        context.on("page", lambda page: page.on("pageerror",
                                                lambda error: self.page_errors.append(str(error))))

    def _on_request(self, request: Request) -> None:
        url = request.url
        self.requests.append(url)
        parsed = urlparse(url)
        if parsed.scheme == "blob":
            # The codes file: a blob: URL made by the page itself, of its own origin.
            if not url.startswith(f"blob:{self.origin}/"):
                self.foreign.append(url)
            return
        if f"{parsed.scheme}://{parsed.netloc}" != self.origin:
            self.foreign.append(url)

    def _on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        self.console.append(f"{message.type}: {text}")
        if "csp-violation" in text or "Content Security Policy" in text:
            self.csp.append(text)

    def problems(self) -> list[str]:
        return ([f"request to another origin: {u}" for u in self.foreign]
                + [f"CSP violation: {c}" for c in self.csp]
                + [f"uncaught error in the page: {e}" for e in self.page_errors])


def answer_once(page: Page, path: str, method: str = "GET", *, status: int = 503,
                retry_after: int | None = None, body: dict[str, str] | None = None,
                abort: str | None = None) -> None:
    """The next `method` request to an API path that matches `path` (a regular expression
    after /api) gets this answer, by default the 503 unavailable that a throttled store
    ends in, or fails as `abort` says (a lost connection); later requests go through."""
    answered: list[Route] = []

    def once(route: Route) -> None:
        if answered or route.request.method != method:
            route.fallback()
            return
        answered.append(route)
        if abort is not None:
            route.abort(abort)
            return
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        route.fulfill(status=status, headers=headers, json=body or {
            "error": "unavailable", "message": "The service is throttled; try again."})

    page.route(re.compile(f"/api{path}$"), once)


def eventually(page: Page, check: Callable[[], bool], seconds: float = 3.0) -> bool:
    """Polls `check` while the page's events keep arriving."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(50)
    return True


# --- page steps ----------------------------------------------------------------------

def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # The caret and the fade-in tooltip would make shots differ run to run.
    page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="hide")
    return path


def open_signin(page: Page, base: str, tenant: str) -> None:
    page.goto(f"{base}/t/{tenant}/")
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()


def enter_password(page: Page, account: Account, password: str | None = None) -> None:
    """Step one. The page must show the sign-in form."""
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password").fill(account.password if password is None else password)
    page.get_by_role("button", name="Sign in").click()


def to_second_step(page: Page, base: str, account: Account) -> None:
    open_signin(page, base, account.tenant)
    enter_password(page, account)
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()


def submit_totp(page: Page, code: str) -> None:
    page.locator("input[name=totp]").fill(code)
    page.get_by_role("button", name="Verify").click()


def submit_backup_code(page: Page, code: str) -> None:
    page.locator("input[name=backup_code]").fill(code)
    page.get_by_role("button", name="Verify").click()


def use_backup_code_instead(page: Page) -> None:
    page.get_by_role("button", name="Use a backup code instead").click()
    expect(page.locator("input[name=backup_code]")).to_be_focused()


def expect_account_page(page: Page) -> None:
    expect(page).to_have_url(ACCOUNT_PATH)
    expect(page.get_by_role("heading", name="Recovery Options", level=1)).to_be_visible()
    settled(page)


def settled(page: Page) -> None:
    """Every card loaded (a card is aria-busy while it loads)."""
    for test_id in ("authenticator-card", "backup-codes-card", "sessions-card", "activity-card"):
        card = page.get_by_test_id(test_id)
        expect(card).to_be_visible()
        expect(card).not_to_have_attribute("aria-busy", "true")


def sign_in_with_totp(page: Page, base: str, account: Account) -> None:
    to_second_step(page, base, account)
    submit_totp(page, account.authenticator.code())
    expect_account_page(page)


def sign_in_with_backup_code(page: Page, base: str, account: Account, code: str) -> None:
    to_second_step(page, base, account)
    use_backup_code_instead(page)
    submit_backup_code(page, code)
    expect_account_page(page)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(SIGNIN_PATH)
    expect(page.get_by_role("status").filter(has_text="You are signed out.")).to_be_visible()


def codes_in_dialog(page: Page, count: int = 10) -> list[str]:
    dialog = page.get_by_test_id("codes-dialog")
    expect(dialog).to_be_visible()
    items = dialog.get_by_test_id("backup-codes-list").locator("li")
    expect(items).to_have_count(count)
    codes = [text.strip() for text in items.all_inner_texts()]
    assert all(CODE_SHAPE.match(c) for c in codes), codes
    assert len(set(codes)) == count, codes
    return codes


def close_codes_dialog(page: Page) -> None:
    dialog = page.get_by_test_id("codes-dialog")
    close = dialog.get_by_role("button", name="Close")
    expect(close).to_be_disabled()
    dialog.get_by_label("I have saved these codes").check()
    close.click()
    expect(dialog).to_have_count(0)
    settled(page)


def add_codes(page: Page) -> list[str]:
    page.get_by_role("button", name="Add backup codes").click()
    return codes_in_dialog(page)


def traces_of(codes: Iterable[str]) -> set[str]:
    """A code as shown and as typed without dashes: neither may linger anywhere."""
    out: set[str] = set()
    for code in codes:
        out |= {code, code.replace("-", ""), code.replace("-", "").lower()}
    return out


def storage_dump(page: Page) -> str:
    return str(page.evaluate(
        "() => JSON.stringify({local: {...localStorage}, session: {...sessionStorage},"
        " cookie: document.cookie, url: location.href, title: document.title})"))


# --- accessibility -------------------------------------------------------------------

def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core, injected offline from frontend/node_modules. Evaluated over the
    DevTools protocol: an inline <script> would be (rightly) refused by the CSP."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE.read_text())
    return list(page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary})),
        }));
    }"""))


def assert_accessible(page: Page, view: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe found violations on '{view}':\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(
            f"    {n['target']}: {n['summary']}" for n in v["nodes"])
        for v in violations)


def focused_description(page: Page) -> str:
    """The focused element, for focus assertions: its accessible name or text, and where it is."""
    return str(page.evaluate("""() => {
        const el = document.activeElement;
        if (!el || el === document.body) return 'body';
        const name = el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.textContent;
        const dialog = el.closest('dialog');
        return `${el.tagName.toLowerCase()}:${(name || '').trim()}`
            + (dialog ? ` in ${dialog.dataset.testid}` : '');
    }"""))


def watched_contexts(chromium: Browser, make_guard: Callable[..., Guard],
                     defaults: dict[str, Any]) -> Iterator[Callable[..., BrowserContext]]:
    """Fresh browser contexts (`defaults` and a test's options), each watched by a guard
    of `make_guard` (given the factory's positional arguments); at the end every context
    is closed and the guards' problems fail the test."""
    opened: list[tuple[BrowserContext, Guard]] = []

    def make(*guard_args: Any, **options: Any) -> BrowserContext:
        context = chromium.new_context(**{**defaults, **options})
        context.set_default_timeout(10_000)
        guard = make_guard(*guard_args)
        guard.attach(context)
        opened.append((context, guard))
        return context

    make.guards = lambda: [guard for _, guard in opened]  # type: ignore[attr-defined]
    yield make
    problems = []
    for context, guard in opened:
        context.close()
        problems += guard.problems()
    assert not problems, "\n".join(problems)
