"""Additional Authentication in a real browser: the authenticator app set up from the key
the page shows (computed by pyotp, as a phone would), replaced and removed; backup codes
offered after a first set-up; a tenant's require_mfa sending a user without a second
factor straight to the set-up; and the recent security activity in English and German."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import pytest
from browser import (
    ACCOUNT_PATH,
    PASSWORD,
    SIGNIN_PATH,
    Account,
    Authenticator,
    LocalStack,
    assert_accessible,
    close_codes_dialog,
    codes_in_dialog,
    enter_password,
    expect_account_page,
    open_signin,
    screenshot,
    settled,
    sign_in_with_totp,
    sign_out,
    submit_totp,
)
from languages import english_on_screen, texts
from playwright.sync_api import Browser, Locator, Page, expect

pytestmark = pytest.mark.e2e

REQUIRE_MFA_TENANT = "e2e-require-mfa"
# Its changes need a sign-in younger than a minute (the policy's minimum).
RECENT_TENANT = "e2e-totp-recent"
RECENT_MAX_AGE = 60
KEY_SHAPE = re.compile(r"^[A-Z2-7]{4}(?: [A-Z2-7]{4})+$")
# What the server's QR code may be drawn with, once the page has imported it.
QR_ELEMENTS = {"svg", "g", "path", "rect"}
# The page reads the activity again while a change's event comes through the stream.
STREAM_WAIT_MS = 20_000


@dataclass(frozen=True)
class Users:
    first: Account  # demo tenant, password only: sets up a first authenticator
    replacing: Account  # demo tenant, with an authenticator: replaces, then removes it
    wrong: Account  # demo tenant, password only: tries a wrong code
    activity: Account  # demo tenant, with an authenticator: reads the activity
    required: Account  # require_mfa tenant, password only: sent to the set-up


@dataclass(frozen=True)
class AgedSignIn:
    account: Account
    storage_state: Any
    signed_in_at: float  # time.monotonic()

    def wait_until_stale(self) -> None:
        remaining = self.signed_in_at + RECENT_MAX_AGE + 1.5 - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)


def password_only(stack: LocalStack, tenant: str, username: str) -> Account:
    """A user without a second factor; the authenticator is the one the test sets up."""
    stack.admin("create-user", tenant, username, "--password-stdin", stdin=PASSWORD + "\n")
    return Account(tenant, username, PASSWORD, Authenticator("A" * 32))


@pytest.fixture(scope="module")
def aged_sign_in(stack: LocalStack, chromium: Browser) -> AgedSignIn:
    """A sign-in made when this module starts: older than its tenant allows by its last test."""
    stack.admin("create-tenant", RECENT_TENANT, "--name", "Recent Ltd",
                "--reauth-max-age-seconds", str(RECENT_MAX_AGE))
    account = stack.create_user(RECENT_TENANT, "aged")
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    try:
        sign_in_with_totp(context.new_page(), stack.url, account)
        return AgedSignIn(account, context.storage_state(), time.monotonic())
    finally:
        context.close()


@pytest.fixture(scope="module")
def users(stack: LocalStack, aged_sign_in: AgedSignIn) -> Users:
    stack.admin("create-tenant", REQUIRE_MFA_TENANT, "--name", "Strict Ltd", "--require-mfa", "on")
    return Users(first=password_only(stack, "demo", "totp-first"),
                 replacing=stack.create_user("demo", "totp-replacing"),
                 wrong=password_only(stack, "demo", "totp-wrong"),
                 activity=stack.create_user("demo", "totp-activity"),
                 required=password_only(stack, REQUIRE_MFA_TENANT, "must-enrol"))


# --- steps -----------------------------------------------------------------------------

def card(page: Page) -> Locator:
    return page.get_by_test_id("authenticator-card")


def sign_in_with_password_only(page: Page, base: str, account: Account) -> None:
    open_signin(page, base, account.tenant)
    enter_password(page, account)
    expect(page).to_have_url(ACCOUNT_PATH)


def open_set_up(page: Page, button: str) -> Locator:
    page.get_by_role("button", name=button).click()
    dialog = page.get_by_test_id("totp-setup-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("input[name=totp]")).to_be_focused()
    return dialog


def key_of(dialog: Locator) -> str:
    """The key as the page shows it for typing: groups of four, base32."""
    shown = dialog.get_by_test_id("totp-key").inner_text().strip()
    assert KEY_SHAPE.match(shown), shown
    return shown.replace(" ", "")


def check_qr_code(dialog: Locator) -> None:
    qr = dialog.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    tags = set(qr.evaluate("(svg) => [svg, ...svg.querySelectorAll('*')].map((e) => e.localName)"))
    assert tags <= QR_ELEMENTS, tags
    assert qr.evaluate("(svg) => svg.querySelectorAll('path').length") >= 1
    box = qr.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100, box


def confirm_code(dialog: Locator, code: str) -> None:
    dialog.locator("input[name=totp]").fill(code)
    dialog.get_by_role("button", name="Confirm").click()


def set_up(page: Page, account: Account, button: str) -> str:
    """Opens the set-up, reads the key, confirms with a current code; the key."""
    dialog = open_set_up(page, button)
    key = key_of(dialog)
    account.authenticator = Authenticator(key)
    confirm_code(dialog, account.authenticator.code())
    expect(dialog).to_have_count(0)
    return key


def activity_items(page: Page) -> Locator:
    return page.get_by_test_id("activity-list").locator("li")


def expect_event(page: Page, text: str) -> None:
    expect(activity_items(page).filter(has_text=text).first).to_be_visible(timeout=STREAM_WAIT_MS)


# --- tests -----------------------------------------------------------------------------

def test_a_first_authenticator_is_set_up_from_the_key_shown_and_backup_codes_offered(
        new_context, stack, users) -> None:
    user = users.first
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.url)
    page = context.new_page()

    # GIVEN a user who signs in with a password alone
    sign_in_with_password_only(page, stack.url, user)
    expect_account_page(page)
    expect(card(page).locator(".badge")).to_have_text("Off")
    expect(card(page)).to_contain_text("You have no authenticator app set up.")
    assert_accessible(page, "account page, no authenticator")

    # WHEN they open the set-up: the server's QR code, and the key for typing, copyable
    dialog = open_set_up(page, "Set up authenticator app")
    expect(dialog.get_by_role("heading")).to_have_text("Set up your authenticator app")
    check_qr_code(dialog)
    key = key_of(dialog)
    dialog.get_by_role("button", name="Copy key").click()
    expect(dialog.get_by_role("status").filter(has_text="Key copied")).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()") == key
    screenshot(page, "authenticator-set-up")
    assert_accessible(page, "authenticator set-up")

    # A code that is not six digits is refused before it is sent
    confirm_code(dialog, "12345")
    expect(dialog.get_by_role("alert")).to_have_text("Enter the 6-digit code that the app shows.")

    # THEN a current code from the key confirms it, and backup codes are offered
    user.authenticator = Authenticator(key)
    confirm_code(dialog, user.authenticator.code())
    expect(dialog).to_have_count(0)
    offer = page.get_by_test_id("codes-offer-dialog")
    expect(offer).to_be_visible()
    expect(offer.get_by_role("heading")).to_have_text("Add backup codes too?")
    screenshot(page, "authenticator-codes-offer")
    assert_accessible(page, "backup codes offer")
    offer.get_by_role("button", name="Add backup codes").click()
    expect(offer).to_have_count(0)
    codes = codes_in_dialog(page)
    close_codes_dialog(page)
    expect(page.get_by_test_id("codes-left")).to_have_text("10 of 10 codes left")
    expect(card(page).locator(".badge")).to_have_text("On")
    expect(card(page).get_by_role("status")).to_have_text(
        "Your authenticator app is set up. Any other sessions of yours were signed out.")
    expect(page.get_by_role("button", name="Replace authenticator app")).to_be_visible()
    expect_event(page, "Authenticator app set up")
    screenshot(page, "authenticator-on", full_page=True)

    # AND the next sign-in asks for the authenticator's code, which the key gives
    sign_out(page)
    sign_in_with_totp(page, stack.url, user)
    assert codes  # the codes were shown once; the card counts them
    expect(page.get_by_test_id("codes-left")).to_have_text("10 of 10 codes left")


def test_a_wrong_code_is_refused_and_changes_nothing(new_context, stack, users) -> None:
    user = users.wrong
    page = new_context().new_page()
    sign_in_with_password_only(page, stack.url, user)
    expect_account_page(page)

    # WHEN a code that is not the key's current one is entered
    dialog = open_set_up(page, "Set up authenticator app")
    key = key_of(dialog)
    code_input = dialog.locator("input[name=totp]")
    confirm_code(dialog, Authenticator(key).wrong_code())

    # THEN the window says so, in place, and stays open with focus in the field
    expect(dialog.get_by_role("alert")).to_contain_text("That code is not correct.")
    expect(code_input).to_have_attribute("aria-invalid", "true")
    expect(code_input).to_be_focused()
    expect(code_input).to_have_value("")
    screenshot(page, "authenticator-wrong-code")
    assert_accessible(page, "authenticator set-up, wrong code")

    # AND after Cancel nothing changed: no authenticator, focus back on the opener
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("button", name="Set up authenticator app")).to_be_focused()
    expect(card(page).locator(".badge")).to_have_text("Off")
    page.reload()
    expect_account_page(page)
    expect(card(page).locator(".badge")).to_have_text("Off")
    sign_out(page)
    sign_in_with_password_only(page, stack.url, user)  # still no second step
    expect_account_page(page)


def test_an_authenticator_is_replaced_then_removed_after_a_confirmation(
        new_context, stack, users) -> None:
    user = users.replacing
    old = user.authenticator
    page = new_context().new_page()
    sign_in_with_totp(page, stack.url, user)
    expect(card(page).locator(".badge")).to_have_text("On")

    # WHEN the user replaces the authenticator with a new key
    dialog = open_set_up(page, "Replace authenticator app")
    expect(dialog.get_by_role("heading")).to_have_text("Replace your authenticator app")
    expect(dialog).to_contain_text("keeps working until you confirm the new one")
    new_key = key_of(dialog)
    assert new_key != old.totp.secret
    user.authenticator = Authenticator(new_key)
    confirm_code(dialog, user.authenticator.code())
    expect(dialog).to_have_count(0)

    # THEN the card says so, and no backup codes are offered (this was not a first set-up)
    expect(card(page).get_by_role("status")).to_have_text(
        "Your new authenticator app is set up; the old one no longer works."
        " Any other sessions of yours were signed out.")
    expect(page.get_by_test_id("codes-offer-dialog")).to_have_count(0)
    expect(page.get_by_role("button", name="Replace authenticator app")).to_be_focused()

    # AND the old app's codes no longer sign in; the new one's do
    sign_out(page)
    open_signin(page, stack.url, user.tenant)
    enter_password(page, user)
    submit_totp(page, old.code())
    expect(page.get_by_role("alert").filter(has_text="That code is not correct.")).to_be_visible()
    submit_totp(page, user.authenticator.code())
    expect_account_page(page)

    # WHEN the user asks to remove it, the page asks first; Cancel keeps it
    remove = page.get_by_role("button", name="Remove authenticator app")
    remove.click()
    confirm = page.get_by_test_id("remove-totp-dialog")
    expect(confirm.get_by_role("heading")).to_have_text("Remove authenticator app?")
    assert_accessible(page, "remove authenticator confirmation")
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_have_count(0)
    expect(remove).to_be_focused()
    expect(card(page).locator(".badge")).to_have_text("On")

    # Remove removes it
    remove.click()
    confirm.get_by_role("button", name="Remove").click()
    expect(confirm).to_have_count(0)
    expect(card(page).locator(".badge")).to_have_text("Off")
    expect(card(page).get_by_role("status")).to_have_text(
        "Your authenticator app was removed. Any other sessions of yours were signed out.")
    expect(page.get_by_role("button", name="Set up authenticator app")).to_be_focused()
    expect_event(page, "Authenticator app removed")

    # AND the password alone signs in now
    sign_out(page)
    sign_in_with_password_only(page, stack.url, user)
    expect_account_page(page)


def test_require_mfa_sends_a_user_without_a_second_factor_to_the_set_up(
        new_context, stack, users) -> None:
    user = users.required
    page = new_context().new_page()

    # WHEN a user without a second factor signs in where the tenant requires one
    open_signin(page, stack.url, user.tenant)
    enter_password(page, user)

    # THEN the page offers only the set-up, and Sign out; a reload keeps it so
    heading = page.get_by_role("heading", name="Set up your authenticator app", level=1)
    expect(heading).to_be_visible()
    expect(page).to_have_url(ACCOUNT_PATH)
    page.reload()
    expect(heading).to_be_visible()
    for test_id in ("backup-codes-card", "sessions-card", "activity-card", "authenticator-card"):
        expect(page.get_by_test_id(test_id)).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_test_id("setup-required")).to_contain_text(
        "Strict Ltd requires a second step")
    screenshot(page, "authenticator-required")
    assert_accessible(page, "set-up required")

    # WHEN the set-up is confirmed, THEN the account page follows, with the codes offered
    set_up(page, user, "Set up authenticator app")
    offer = page.get_by_test_id("codes-offer-dialog")
    expect(offer).to_be_visible()
    offer.get_by_role("button", name="Not now").click()
    expect(offer).to_have_count(0)
    expect_account_page(page)
    expect(card(page).locator(".badge")).to_have_text("On")

    # Under require_mfa the only second factor stays, and the page says why
    page.get_by_role("button", name="Remove authenticator app").click()
    confirm = page.get_by_test_id("remove-totp-dialog")
    confirm.get_by_role("button", name="Remove").click()
    expect(confirm.get_by_role("alert")).to_have_text(
        "Your organisation requires a second factor, and your authenticator app is your only"
        " one. Add backup codes before removing it.")
    screenshot(page, "authenticator-last-factor")
    confirm.get_by_role("button", name="Cancel").click()
    expect(card(page).locator(".badge")).to_have_text("On")

    # AND the next sign-in asks for the new authenticator's code
    sign_out(page)
    expect(page).to_have_url(SIGNIN_PATH)
    sign_in_with_totp(page, stack.url, user)


def test_the_activity_lists_the_events_in_english_and_in_german(new_context, stack, users) -> None:
    user = users.activity
    page = new_context().new_page()
    sign_in_with_totp(page, stack.url, user)

    # GIVEN a sign-in with the authenticator and backup codes added
    page.get_by_role("button", name="Add backup codes").click()
    codes_in_dialog(page)
    close_codes_dialog(page)

    # THEN the activity names them, newest first, with when, the browser and the address
    expect_event(page, "Backup codes added")
    items = activity_items(page)
    signed_in = items.filter(has_text="Signed in with your authenticator app").first
    expect(signed_in).to_be_visible()
    expect(signed_in).to_contain_text("Chrome on Linux")
    expect(signed_in).to_contain_text("127.0.0.1")
    expect(signed_in.locator("time")).to_have_text(re.compile(r"just now|minutes? ago"))
    expect(signed_in.locator("time")).to_have_attribute(
        "datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    expect(items.first).to_contain_text("Backup codes added")
    created = items.filter(has_text="Account created").first
    expect(created).to_contain_text("By the service operator")
    screenshot(page, "activity-en", full_page=True)
    assert_accessible(page, "activity (en)")

    # WHEN the reader picks German, THEN the same events are named in German, nothing in English
    page.get_by_label("Language").select_option("de")
    de = texts(page, "de")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    settled(page)
    items = activity_items(page)
    expect(items.first).to_contain_text(de["activity.events.backup_codes_added"])
    expect(items.filter(has_text=de["activity.events.sign_in_totp"]).first).to_contain_text(
        "Chrome unter Linux")
    expect(page.get_by_test_id("activity-card").get_by_role("heading")).to_have_text(
        de["activity.heading"])
    expect(card(page).get_by_role("heading")).to_have_text(de["authenticator.heading"])
    left = english_on_screen(page)
    assert not left, f"English on the German account page: {left}"
    screenshot(page, "activity-de", full_page=True)
    assert_accessible(page, "activity (de)")
    page.get_by_label("Sprache").select_option("en")


def test_an_old_sign_in_confirms_the_password_before_the_key_is_shown(
        new_context, stack, users, aged_sign_in) -> None:
    # GIVEN a session signed in longer ago than its tenant allows for changes
    aged_sign_in.wait_until_stale()
    user = aged_sign_in.account
    page = new_context(storage_state=aged_sign_in.storage_state).new_page()
    page.goto(f"{stack.url}/t/{user.tenant}/account/security")
    expect_account_page(page)

    # WHEN the user asks to replace the authenticator, THEN the password comes first
    page.get_by_role("button", name="Replace authenticator app").click()
    prompt = page.get_by_test_id("reauth-dialog")
    expect(prompt).to_be_visible()
    expect(page.get_by_test_id("totp-setup-dialog")).to_have_count(0)
    expect(prompt).to_contain_text("authenticator app")
    prompt.get_by_label("Password").fill(user.password)
    prompt.get_by_role("button", name="Confirm").click()
    expect(prompt).to_have_count(0)

    # AND the set-up goes on by itself, and its code confirms it
    dialog = page.get_by_test_id("totp-setup-dialog")
    expect(dialog).to_be_visible()
    user.authenticator = Authenticator(key_of(dialog))
    confirm_code(dialog, user.authenticator.code())
    expect(dialog).to_have_count(0)
    expect(card(page).get_by_role("status")).to_contain_text("Your new authenticator app is set up")
