"""503 unavailable, wherever it comes: every place that shows an error says the service
is busy (and for how long, when Retry-After says), never "something went wrong"; the
next try works. The stack is real; a route handler answers one request at a time with
the 503 that a throttled DynamoDB would end in."""

from __future__ import annotations

import re

import pytest
from browser import (
    answer_once,
    assert_accessible,
    close_codes_dialog,
    codes_in_dialog,
    enter_password,
    expect_account_page,
    open_signin,
    screenshot,
    settled,
    sign_in_with_totp,
    submit_totp,
)
from playwright.sync_api import Locator, expect

pytestmark = pytest.mark.e2e

BUSY = "The service is busy. Try again in a moment."
GENERIC = "Something went wrong"


def busy_for(seconds: int) -> str:
    return f"The service is busy. Try again in {seconds} seconds."


def expect_busy(where: Locator, text: str) -> None:
    expect(where).to_contain_text(text)
    expect(where).not_to_contain_text(GENERIC)


def test_every_error_place_says_the_service_is_busy(new_context, stack, accounts) -> None:
    user = accounts.overload
    page = new_context().new_page()
    alert = page.get_by_role("alert").filter(has_text="busy")

    # Sign-in, both steps
    open_signin(page, stack.url, user.tenant)
    answer_once(page, "/auth/login", "POST", retry_after=3)
    enter_password(page, user)
    expect_busy(alert, busy_for(3))
    screenshot(page, "overload-password-step")
    assert_accessible(page, "sign-in, service busy")
    enter_password(page, user)
    expect(page.locator("input[name=totp]")).to_be_visible()
    answer_once(page, "/auth/mfa", "POST")
    submit_totp(page, user.authenticator.code())
    expect_busy(alert, BUSY)
    submit_totp(page, user.authenticator.code())
    expect_account_page(page)

    # Each card's read, then its Try again
    cards = (("backup-codes-card", "/me/backup-codes"), ("sessions-card", "/me/sessions"))
    for card_id, path in cards:
        answer_once(page, path, "GET", retry_after=2)
        page.reload()
        card = page.get_by_test_id(card_id)
        expect_busy(card, busy_for(2))
        screenshot(page, f"overload-{card_id}", full_page=True)
        if card_id == "backup-codes-card":
            card.get_by_role("button", name="Try again").click()
        else:
            card.get_by_role("button", name="Refresh sessions").click()
        settled(page)
        expect(card).not_to_contain_text("busy")

    # Add (no confirmation): the card says it; the next click works
    card = page.get_by_test_id("backup-codes-card")
    answer_once(page, "/me/backup-codes", "POST", retry_after=5)
    page.get_by_role("button", name="Add backup codes").click()
    expect_busy(card.get_by_role("alert"), busy_for(5))
    page.get_by_role("button", name="Add backup codes").click()
    codes_in_dialog(page)
    close_codes_dialog(page)

    # Regenerate: the confirmation window stays open and says it
    answer_once(page, "/me/backup-codes/regenerate", "POST", retry_after=4)
    page.get_by_role("button", name="Regenerate backup codes").click()
    confirm = page.get_by_test_id("regenerate-dialog")
    confirm.get_by_role("button", name="Regenerate").click()
    expect_busy(confirm.get_by_role("alert"), busy_for(4))
    screenshot(page, "overload-regenerate-dialog")
    assert_accessible(page, "regenerate confirmation, service busy")
    confirm.get_by_role("button", name="Regenerate").click()
    codes_in_dialog(page)
    close_codes_dialog(page)

    # The password prompt: its confirmation meets overload, and says so
    answer_once(page, "/me/backup-codes/regenerate", "POST", status=403, body={
        "error": "reauthentication_required", "message": "Confirm your password."})
    answer_once(page, "/auth/reauth", "POST")
    page.get_by_role("button", name="Regenerate backup codes").click()
    page.get_by_test_id("regenerate-dialog").get_by_role("button", name="Regenerate").click()
    prompt = page.get_by_test_id("reauth-dialog")
    prompt.get_by_label("Password").fill(user.password)
    prompt.get_by_role("button", name="Confirm").click()
    expect_busy(prompt.get_by_role("alert"), BUSY)
    screenshot(page, "overload-reauth")
    prompt.get_by_label("Password").fill(user.password)
    prompt.get_by_role("button", name="Confirm").click()
    codes_in_dialog(page)
    close_codes_dialog(page)

    # End session (of another device), then Sign out
    sign_in_with_totp(new_context().new_page(), stack.url, user)
    sessions = page.get_by_test_id("sessions-card")
    sessions.get_by_role("button", name="Refresh sessions").click()
    expect(sessions.get_by_role("listitem")).to_have_count(2)
    answer_once(page, "/me/sessions/[^/]+", "DELETE")
    end = sessions.get_by_role("button", name=re.compile("^End session"))
    end.click()
    expect_busy(sessions.get_by_role("alert"), BUSY)
    end.click()
    expect(sessions.get_by_role("listitem")).to_have_count(1)

    answer_once(page, "/auth/logout", "POST", retry_after=1)
    page.get_by_role("button", name="Sign out").click()
    expect_busy(page.locator("#app-alert"), "The service is busy. Try again in 1 second.")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
