"""A tenant's applications sign in through the service's page (OpenID Connect), in a
real browser: the local stack's demo application (another origin) sends the user to
the authorization endpoint, the page shows the application's name, signs the user in
and sends them back with a code; the demo application shows the ID token's claims.

Also: a fresh sign-in asked for (`prompt=login`), a request the page cannot trust
(shown, never followed), going back without signing in, signing out for an
application (with the user's confirmation), and back-channel logout after a change
of backup codes in another browser.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
import requests
from browser import (
    PASSWORD,
    Account,
    Authenticator,
    Guard,
    LocalStack,
    add_codes,
    assert_accessible,
    close_codes_dialog,
    codes_in_dialog,
    enter_password,
    expect_account_page,
    free_port,
    screenshot,
    sign_in_with_totp,
    sign_out,
    submit_backup_code,
    submit_totp,
    use_backup_code_instead,
    watched_contexts,
)
from languages import check_view, say, texts
from playwright.sync_api import Browser, BrowserContext, Page, Request, expect

pytestmark = pytest.mark.e2e

DEMO_CLIENT = "Demo application"
TENANT = "demo"
CONTEXT_DEFAULTS = {"viewport": {"width": 1280, "height": 800}, "locale": "en-US"}
# Back-channel logout comes from the sessions stream, pumped every moment or so locally.
BACKCHANNEL_SECONDS = 30


@dataclass(frozen=True)
class AppUsers:
    """One user of the demo tenant per test: none spends another's TOTP step or session."""

    totp: Account
    backup: Account
    backchannel: Account
    prompt: Account
    straight: Account
    cancel: Account
    signout: Account
    hinted: Account
    languages: Account


@pytest.fixture(scope="module")
def app_users(stack: LocalStack) -> AppUsers:
    names = AppUsers.__dataclass_fields__
    with ThreadPoolExecutor(max_workers=2) as pool:
        made = {name: pool.submit(stack.create_user, TENANT, f"app-{name}") for name in names}
        return AppUsers(**{name: future.result() for name, future in made.items()})


class AppGuard(Guard):
    """The suite's guard, with the applications' origins allowed besides the service's."""

    def __init__(self, origin: str, others: tuple[str, ...]) -> None:
        super().__init__(origin)
        self.others = others

    def _on_request(self, request: Request) -> None:
        parsed = urlsplit(request.url)
        if f"{parsed.scheme}://{parsed.netloc}" in self.others:
            self.requests.append(request.url)
            return
        super()._on_request(request)


ContextFactory = Callable[..., BrowserContext]


@pytest.fixture
def app_context(chromium: Browser, stack: LocalStack) -> Iterator[ContextFactory]:
    """Browser contexts that may visit the service and the applications, and nothing
    else; a CSP violation or an uncaught error on the service's page fails the test."""
    # app_context(*origins): the demo application's origin and these are allowed too.
    yield from watched_contexts(
        chromium, lambda *others: AppGuard(stack.url, (stack.demo_app, *others)),
        CONTEXT_DEFAULTS)


# --- steps ---------------------------------------------------------------------------

def heading(page: Page, name: str) -> Any:
    return page.get_by_role("heading", name=name, level=1, exact=True)


def start_at_application(page: Page, stack: LocalStack, path: str = "/") -> None:
    """The demo application, signed out, and its Sign in link: to the service's page."""
    page.goto(f"{stack.demo_app}{path}")
    expect(heading(page, "Demo application")).to_be_visible()
    page.get_by_role("link", name="Sign in").click()
    expect_application_sign_in(page, stack)


def expect_application_sign_in(page: Page, stack: LocalStack, client: str = DEMO_CLIENT) -> None:
    expect(page).to_have_url(_authorize_url(stack))
    title = heading(page, f"Sign in to {client}")
    expect(title).to_be_visible()
    expect(title).to_be_focused()
    expect(page.get_by_text("Use your Demo Inc. account.")).to_be_visible()


def _authorize_url(stack: LocalStack) -> re.Pattern[str]:
    """The page's address with a pending request."""
    return re.compile(re.escape(f"{stack.url}/t/{TENANT}/?authorize=") + r"[A-Za-z0-9_-]{16,64}$")


def password_step(page: Page, account: Account) -> None:
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page, "Two-step verification")).to_be_visible()


def expect_signed_in_at_application(page: Page, stack: LocalStack,
                                    account: Account) -> dict[str, Any]:
    expect(page).to_have_url(f"{stack.demo_app}/")
    expect(heading(page, "Signed in")).to_be_visible()
    claims = claims_on(page)
    assert claims["preferred_username"] == account.username, claims
    return claims


def claims_on(page: Page) -> dict[str, Any]:
    """The ID token's claims as the demo application shows them (one row a claim)."""
    rows = page.locator("table tr")
    claims = {}
    for index in range(rows.count()):
        row = rows.nth(index)
        claims[row.locator("th").inner_text().strip()] = json.loads(
            row.locator("td code").inner_text())
    return claims


def application_signed_out(page: Page, stack: LocalStack, seconds: float) -> bool:
    """Reloads the demo application until it shows its signed-out page (back-channel
    logout has reached it), or the time is up."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(f"{stack.demo_app}/")
        if heading(page, "Demo application").count() == 1:
            return True
        expect(heading(page, "Signed in")).to_be_visible()
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(500)


def service_session_alive(context: BrowserContext, stack: LocalStack) -> bool:
    return context.request.get(f"{stack.url}/t/{TENANT}/api/me").status == 200


def sign_in_through_application(page: Page, stack: LocalStack, account: Account) -> dict[str, Any]:
    start_at_application(page, stack)
    password_step(page, account)
    submit_totp(page, account.authenticator.code())
    return expect_signed_in_at_application(page, stack, account)


def pending_request_path(stack: LocalStack, **extra: str) -> str:
    """What a browser without the service's cookie is sent to: the demo application's
    sign-in, followed without a browser up to the page's address (`/t/demo/?authorize=…`)."""
    login = requests.get(f"{stack.demo_app}/login?{urlencode(extra)}", allow_redirects=False,
                         timeout=10)
    assert login.status_code == 302, login.text
    authorize = requests.get(login.headers["Location"], allow_redirects=False, timeout=10)
    assert authorize.status_code == 302, authorize.text
    location = authorize.headers["Location"]
    assert location.startswith(f"/t/{TENANT}/?authorize="), location
    return location


def demo_client_id(stack: LocalStack) -> str:
    login = requests.get(f"{stack.demo_app}/login", allow_redirects=False, timeout=10)
    return parse_qs(urlsplit(login.headers["Location"]).query)["client_id"][0]


def requests_to(page_context: ContextFactory, origin: str) -> list[str]:
    return [url for guard in page_context.guards()  # type: ignore[attr-defined]
            for url in guard.requests if url.startswith(origin)]


# --- (a) password + authenticator ------------------------------------------------------

def test_an_application_signs_its_user_in_with_password_and_authenticator(
        app_context, stack, app_users) -> None:
    user = app_users.totp
    page = app_context().new_page()

    # GIVEN the demo application, signed out; WHEN its user clicks Sign in
    start_at_application(page, stack)
    # THEN the service's page names the application, in its heading and its title
    expect(page).to_have_title(f"Sign in to {DEMO_CLIENT} · Demo Inc. account")
    expect(page.get_by_role("button", name=f"Back to {DEMO_CLIENT}")).to_be_visible()
    screenshot(page, "application-sign-in")

    # WHEN they give their password, then their authenticator's code
    password_step(page, user)
    expect(page.get_by_role("button", name=f"Back to {DEMO_CLIENT}")).to_be_visible()
    screenshot(page, "application-second-step")
    submit_totp(page, user.authenticator.code())

    # THEN they are back at the application, with an ID token that says how
    claims = expect_signed_in_at_application(page, stack, user)
    assert "otp" in claims["amr"] and "pwd" in claims["amr"], claims
    assert "backup_code" not in claims, claims
    assert claims["iss"] == f"{stack.url}/t/{TENANT}", claims
    screenshot(page, "application-signed-in")

    # AND the page's own session is open too: the account page needs no sign-in
    page.goto(f"{stack.url}/t/{TENANT}/account/security")
    expect_account_page(page)


# --- (b) a backup code -------------------------------------------------------------------

def test_a_backup_code_sign_in_tells_the_application_so(app_context, stack, app_users) -> None:
    user = app_users.backup
    page = app_context().new_page()
    # GIVEN a user with backup codes (added on the account page), signed out
    sign_in_with_totp(page, stack.url, user)
    codes = add_codes(page)
    close_codes_dialog(page)
    sign_out(page)

    # WHEN they sign in to the application with one of them
    start_at_application(page, stack)
    password_step(page, user)
    use_backup_code_instead(page)
    expect(page.get_by_role("button", name=f"Back to {DEMO_CLIENT}")).to_be_visible()
    submit_backup_code(page, codes[0])

    # THEN the ID token says a backup code was used
    claims = expect_signed_in_at_application(page, stack, user)
    assert claims["backup_code"] is True, claims
    assert "otp" in claims["amr"], claims
    expect(page.get_by_text("You signed in with a backup code.")).to_be_visible()
    screenshot(page, "application-signed-in-backup-code")


# --- (c) back-channel logout after a change of codes elsewhere ---------------------------

def test_regenerating_codes_in_another_browser_signs_the_user_out_of_the_application(
        app_context, stack, app_users) -> None:
    user = app_users.backchannel
    # GIVEN backup codes added on another device (another browser context, its own session)
    other = app_context()
    manager = other.new_page()
    sign_in_with_totp(manager, stack.url, user)
    add_codes(manager)
    close_codes_dialog(manager)
    # AND the user signed in to the application in this browser
    here = app_context()
    page = here.new_page()
    sign_in_through_application(page, stack, user)
    assert service_session_alive(here, stack)

    # WHEN the codes are regenerated on the other device
    manager.get_by_role("button", name="Regenerate backup codes").click()
    manager.get_by_test_id("regenerate-dialog").get_by_role("button", name="Regenerate").click()
    codes_in_dialog(manager)
    close_codes_dialog(manager)

    # THEN this browser's session ends, and the application hears of it (back-channel)
    assert application_signed_out(page, stack, BACKCHANNEL_SECONDS), (
        "the demo application still shows the user signed in")
    assert not service_session_alive(here, stack)
    screenshot(page, "application-signed-out-by-backchannel")
    # while the device that made the change stays signed in
    assert service_session_alive(other, stack)


# --- (d) prompt=login, and the signed-in user sent straight on ----------------------------

def test_an_application_asking_for_a_fresh_sign_in_gets_the_password_again(
        app_context, stack, app_users) -> None:
    user = app_users.prompt
    page = app_context().new_page()
    first = sign_in_through_application(page, stack, user)
    # A sign-in of the application while signed in at the service: back at once, no page
    page.goto(f"{stack.demo_app}/login")
    expect(page).to_have_url(f"{stack.demo_app}/")
    expect(heading(page, "Signed in")).to_be_visible()
    time.sleep(1.1)  # auth_time counts whole seconds

    # WHEN the application asks for a fresh sign-in (prompt=login)
    page.goto(f"{stack.demo_app}/login?prompt=login")

    # THEN the page names the application and asks for the password again
    expect(page).to_have_url(_authorize_url(stack))
    expect(heading(page, f"Sign in to {DEMO_CLIENT}")).to_be_visible()
    expect(page.get_by_text(f"You are signed in as {user.username}.")).to_be_visible()
    prompt = page.get_by_test_id("reauth-dialog")
    expect(prompt).to_be_visible()
    expect(prompt).to_contain_text(f"{DEMO_CLIENT} asks you to confirm that it is you.")
    password = prompt.get_by_label("Password")
    expect(password).to_be_focused()
    screenshot(page, "application-prompt-login")
    assert_accessible(page, "an application's fresh sign-in, password prompt")

    # A wrong password is refused and nothing goes back to the application
    password.fill("not-my-password")
    prompt.get_by_role("button", name="Confirm").click()
    expect(prompt.get_by_role("alert")).to_have_text("That password is not correct.")
    expect(page).to_have_url(_authorize_url(stack))

    # Cancelled, the prompt can be opened again from the page
    prompt.get_by_role("button", name="Cancel").click()
    expect(prompt).to_have_count(0)
    page.get_by_role("button", name="Confirm your password").click()
    prompt = page.get_by_test_id("reauth-dialog")
    prompt.get_by_label("Password").fill(PASSWORD)
    prompt.get_by_role("button", name="Confirm").click()

    # THEN back at the application with a newer sign-in of the same session
    claims = expect_signed_in_at_application(page, stack, user)
    assert claims["auth_time"] > first["auth_time"], (claims, first)
    assert claims["sid"] == first["sid"], (claims, first)


def test_a_signed_in_user_is_sent_straight_back_from_the_page(app_context, stack,
                                                              app_users) -> None:
    """An application on another site sends its users without the service's
    SameSite=Strict cookie: the request waits, and the page completes it by itself."""
    user = app_users.straight
    page = app_context().new_page()
    sign_in_with_totp(page, stack.url, user)
    # WHEN the page is sent a request that a browser without the cookie started
    page.goto(f"{stack.url}{pending_request_path(stack)}")
    # THEN it goes on to the application at once, signed in
    claims = expect_signed_in_at_application(page, stack, user)
    assert "otp" in claims["amr"], claims


def test_prompt_none_without_a_session_goes_back_with_login_required(app_context,
                                                                     stack) -> None:
    page = app_context().new_page()
    # WHEN an application asks for a sign-in without any question to the user
    page.goto(f"{stack.demo_app}/login?prompt=none")
    # THEN nobody being signed in, it hears login_required, and no form was offered
    expect(page).to_have_url(re.compile(re.escape(f"{stack.demo_app}/callback?")
                                        + r".*error=login_required"))
    expect(page.get_by_text("(login_required)")).to_be_visible()
    assert not [url for guard in app_context.guards() for url in guard.requests
                if "/api/auth/" in url]

# --- (e) a request the page cannot trust: shown, never followed -------------------------

@pytest.mark.parametrize(("case", "sentence"), [
    ("unknown_client", "The application that sent you here is not registered"),
    ("invalid_redirect_uri", "The application asked to send you back to an address it has "
                             "not registered"),
])
def test_an_untrusted_request_is_explained_and_goes_nowhere(app_context, stack, case: str,
                                                            sentence: str) -> None:
    client_id = "no-such-client" if case == "unknown_client" else demo_client_id(stack)
    redirect_uri = (f"{stack.demo_app}/callback" if case == "unknown_client"
                    else f"{stack.demo_app}/elsewhere")
    page = app_context().new_page()
    # WHEN the browser is sent to the authorization endpoint with it
    page.goto(f"{stack.url}/t/{TENANT}/api/oidc/authorize?" + urlencode({
        "client_id": client_id, "redirect_uri": redirect_uri, "response_type": "code",
        "scope": "openid", "state": "s1", "nonce": "n1"}))

    # THEN the page explains, with the code for the application's support
    expect(page).to_have_url(f"{stack.url}/t/{TENANT}/?authorize_error={case}")
    title = heading(page, "The application’s request was refused")
    expect(title).to_be_visible()
    expect(title).to_be_focused()
    expect(page.get_by_text(sentence)).to_be_visible()
    expect(page.get_by_test_id("authorize-error-code")).to_have_text(f"Error code: {case}")
    screenshot(page, f"application-refused-{case}")
    assert_accessible(page, f"an application's request refused ({case})")
    # AND the browser stays: nothing was asked of the application's address
    page.wait_for_timeout(1000)
    expect(page).to_have_url(f"{stack.url}/t/{TENANT}/?authorize_error={case}")
    assert requests_to(app_context, stack.demo_app) == []


def test_a_made_up_error_code_is_not_shown_as_it_came(app_context, stack) -> None:
    page = app_context().new_page()
    page.goto(f"{stack.url}/t/{TENANT}/?authorize_error=" + quote("<b>Call 0800 123</b>"))
    expect(heading(page, "The application’s request was refused")).to_be_visible()
    expect(page.get_by_text("The application’s request cannot be completed.")).to_be_visible()
    expect(page.get_by_test_id("authorize-error-code")).to_have_count(0)
    expect(page.get_by_text("Call 0800")).to_have_count(0)


# --- (f) back to the application without signing in ------------------------------------

def test_back_to_the_application_answers_access_denied(app_context, stack, app_users) -> None:
    user = app_users.cancel
    page = app_context().new_page()
    start_at_application(page, stack)
    request_page = page.url
    password_step(page, user)

    # WHEN the user goes back from the second step
    page.get_by_role("button", name=f"Back to {DEMO_CLIENT}").click()

    # THEN the application hears access_denied, with its state and the issuer
    expect(page).to_have_url(re.compile(re.escape(f"{stack.demo_app}/callback?")
                                        + r".*error=access_denied"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["error"] == ["access_denied"], query
    assert query["iss"] == [f"{stack.url}/t/{TENANT}"], query
    assert query["state"][0], query
    assert "code" not in query, query
    expect(heading(page, "Not signed in")).to_be_visible()
    expect(page.get_by_text("(access_denied)")).to_be_visible()

    # AND the request is gone: its page now says it expired, in words
    page.goto(request_page)
    title = heading(page, "This sign-in request has expired")
    expect(title).to_be_visible()
    expect(title).to_be_focused()
    expect(page.get_by_text("Go back to the application and sign in from there again.")
           ).to_be_visible()
    screenshot(page, "application-request-expired")
    assert_accessible(page, "an expired sign-in request")


def test_an_application_name_is_shown_as_text(app_context, stack) -> None:
    """The name an operator registered is text on the page, never markup; going back
    reaches the application's own registered address."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    name = '<img src=x alt="pwned"> Shop & "Co"'
    client = json.loads(stack.admin("--json", "create-client", TENANT, name, "--redirect-uri",
                                    f"{origin}/callback"))
    context = app_context(origin)
    shop = "<!doctype html><title>Shop</title><h1>Shop</h1>"
    context.route(f"{origin}/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body=shop))
    page = context.new_page()
    page.goto(f"{stack.url}/t/{TENANT}/api/oidc/authorize?" + urlencode({
        "client_id": client["client_id"], "redirect_uri": f"{origin}/callback",
        "response_type": "code", "scope": "openid", "state": "st"}))
    title = heading(page, f"Sign in to {name}")
    expect(title).to_be_visible()
    expect(title).to_have_text(f"Sign in to {name}")
    expect(page.locator("main img")).to_have_count(0)
    screenshot(page, "application-name-as-text")
    assert_accessible(page, "sign-in for an application with markup in its name")

    page.get_by_role("button", name=f"Back to {name}").click()
    expect(page).to_have_url(f"{origin}/callback?error=access_denied&state=st&iss="
                             + quote(f"{stack.url}/t/{TENANT}", safe=""))


# --- (g) signing out for an application --------------------------------------------------

def test_signing_out_for_an_application_asks_first(app_context, stack, app_users) -> None:
    user = app_users.signout
    context = app_context()
    page = context.new_page()
    sign_in_through_application(page, stack, user)
    logout = f"{stack.url}/t/{TENANT}/api/oidc/logout"

    # WHEN a sign-out comes without the application's token (anyone could have sent it)
    page.goto(logout)
    # THEN the page asks, naming the account
    expect(page).to_have_url(f"{stack.url}/t/{TENANT}/?signout=confirm")
    title = heading(page, "Sign out?")
    expect(title).to_be_visible()
    expect(title).to_be_focused()
    expect(page.get_by_text(f"You are signed in as {user.username}.")).to_be_visible()
    screenshot(page, "application-sign-out-confirm")
    assert_accessible(page, "sign out for an application?")

    # Staying signed in keeps both sessions and shows the account
    page.get_by_role("button", name="Stay signed in").click()
    expect_account_page(page)
    assert service_session_alive(context, stack)
    page.goto(f"{stack.demo_app}/")
    expect(heading(page, "Signed in")).to_be_visible()

    # Signing out ends the session here, and the application hears of it
    page.goto(logout)
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page).to_have_url(f"{stack.url}/t/{TENANT}/")
    expect(page.get_by_role("status").filter(has_text="You are signed out.")).to_be_visible()
    assert not service_session_alive(context, stack)
    assert application_signed_out(page, stack, BACKCHANNEL_SECONDS)


def test_signing_out_without_a_session_asks_nothing(app_context, stack) -> None:
    page = app_context().new_page()
    page.goto(f"{stack.url}/t/{TENANT}/api/oidc/logout")
    expect(page).to_have_url(f"{stack.url}/t/{TENANT}/")
    expect(page.get_by_role("status").filter(has_text="You are signed out.")).to_be_visible()


def test_the_applications_own_sign_out_needs_no_confirmation(app_context, stack,
                                                            app_users) -> None:
    user = app_users.hinted
    context = app_context()
    page = context.new_page()
    sign_in_through_application(page, stack, user)
    # WHEN the application signs out with its ID token as the hint
    page.get_by_role("link", name="Sign out").click()
    # THEN back at the application, signed out there and at the service, asked nothing
    expect(page).to_have_url(f"{stack.demo_app}/?state=signed-out")
    expect(heading(page, "Demo application")).to_be_visible()
    assert not service_session_alive(context, stack)


# --- languages ---------------------------------------------------------------------------

def test_an_applications_sign_in_speaks_the_readers_language(app_context, stack,
                                                            app_users) -> None:
    user = app_users.languages
    page = app_context(locale="es-ES").new_page()
    page.goto(f"{stack.demo_app}/")
    page.get_by_role("link", name="Sign in").click()  # the demo application speaks English
    expect(page).to_have_url(_authorize_url(stack))
    expect(heading(page, say(page, "es", "authorize.title", DEMO_CLIENT))).to_be_focused()
    check_view(page, "es", "application-sign-in")

    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(user.password)
    page.get_by_role("button", name=texts(page, "es")["signIn.submit"]).click()
    expect(page.locator("input[name=totp]")).to_be_visible()
    back_es = say(page, "es", "authorize.back", DEMO_CLIENT)
    expect(page.get_by_role("button", name=back_es)).to_be_visible()
    check_view(page, "es", "application-second-step")

    # WHEN the reader picks German at the second step
    picker = page.get_by_test_id("language-picker")
    picker.focus()
    picker.select_option("de")
    # THEN the same step, in German, with focus left on the picker
    back_de = say(page, "de", "authorize.back", DEMO_CLIENT)
    expect(page.get_by_role("button", name=back_de)).to_be_visible()
    expect(page.locator("input[name=totp]")).to_be_visible()
    expect(picker).to_be_focused()
    expect(page).to_have_title(re.compile("^" + re.escape(say(page, "de", "authorize.title",
                                                               DEMO_CLIENT))))
    check_view(page, "de", "application-second-step")
    page.locator("input[name=totp]").fill(user.authenticator.code())
    page.get_by_role("button", name=texts(page, "de")["signIn.verify"]).click()
    expect_signed_in_at_application(page, stack, user)


# --- the tenant's require_mfa on the way to an application ---------------------------------

def test_a_user_without_a_second_factor_sets_one_up_then_reaches_the_application(
        app_context, stack) -> None:
    """Under require_mfa a password-only user is not sent to the application before
    they have a second factor: the page has them set up an authenticator, then completes
    the request. The ID token says how they proved who they are: the password (the
    code enrolled the authenticator; it proved nothing about the person)."""
    stack.admin("create-tenant", "strict-apps", "--name", "Strict Apps", "--require-mfa", "on")
    stack.admin("create-user", "strict-apps", "newcomer", "--password-stdin",
                stdin=PASSWORD + "\n")
    account = Account("strict-apps", "newcomer", PASSWORD, Authenticator("A" * 32))
    origin = f"http://127.0.0.1:{free_port()}"
    client = json.loads(stack.admin("--json", "create-client", "strict-apps", "Strict Shop",
                                    "--redirect-uri", f"{origin}/callback"))
    context = app_context(origin)
    context.route(f"{origin}/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><title>Shop</title>"))
    page = context.new_page()
    page.goto(f"{stack.url}/t/strict-apps/api/oidc/authorize?" + urlencode({
        "client_id": client["client_id"], "redirect_uri": f"{origin}/callback",
        "response_type": "code", "scope": "openid", "state": "st", "nonce": "n-1"}))
    expect(heading(page, "Sign in to Strict Shop")).to_be_visible()

    # WHEN the password is right, THEN the set-up comes first, naming the application
    enter_password(page, account)
    expect(heading(page, "Set up your authenticator app")).to_be_visible()
    expect(page.get_by_text("then you continue to Strict Shop")).to_be_visible()
    expect(page.get_by_role("button", name="Back to Strict Shop")).to_be_visible()
    assert_accessible(page, "set-up required on the way to an application")
    screenshot(page, "application-set-up-first")

    # WHEN the authenticator is set up from the key shown
    page.get_by_role("button", name="Set up authenticator app").click()
    dialog = page.get_by_test_id("totp-setup-dialog")
    expect(dialog).to_be_visible()
    account.authenticator = Authenticator(dialog.get_by_test_id("totp-key").inner_text()
                                          .replace(" ", "").strip())
    dialog.locator("input[name=totp]").fill(account.authenticator.code())
    dialog.get_by_role("button", name="Confirm").click()

    # THEN the application gets its code, and the token tells of the password alone
    page.wait_for_url(f"{origin}/callback?*")
    query = parse_qs(urlsplit(page.url).query)
    assert query["state"] == ["st"] and "error" not in query, page.url
    answer = requests.post(f"{stack.url}/t/strict-apps/api/oidc/token", timeout=10, data={
        "grant_type": "authorization_code", "code": query["code"][0],
        "redirect_uri": f"{origin}/callback"},
        auth=(client["client_id"], client["client_secret"]))
    assert answer.status_code == 200, answer.text
    payload = answer.json()["id_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["nonce"] == "n-1" and claims["amr"] == ["pwd"]
    assert "backup_code" not in claims
