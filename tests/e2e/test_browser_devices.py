"""A change to the codes on one device ends the user's session on another, within seconds."""

from __future__ import annotations

import time

import pytest
from browser import (
    SIGNIN_PATH,
    add_codes,
    close_codes_dialog,
    codes_in_dialog,
    expect_account_page,
    screenshot,
    sign_in_with_totp,
)
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "user_agent": ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                   "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"),
    "is_mobile": True,
    "has_touch": True,
}
SESSION_ENDED = "Your session ended. Sign in again."


def sessions(page: Page):  # noqa: ANN201 - a Locator
    return page.get_by_test_id("sessions-card").get_by_role("listitem")


def test_regenerating_on_one_device_ends_the_session_on_the_other(new_context, stack,
                                                                  accounts) -> None:
    user = accounts.devices
    laptop = new_context().new_page()
    sign_in_with_totp(laptop, stack.url, user)
    add_codes(laptop)
    close_codes_dialog(laptop)

    # GIVEN the same user signed in on a phone too, with the account open in two tabs
    phone_context = new_context(**PHONE)
    phone = phone_context.new_page()
    sign_in_with_totp(phone, stack.url, user)
    phone_tab = phone_context.new_page()
    phone_tab.goto(phone.url)
    expect_account_page(phone_tab)

    # The laptop lists both sessions
    laptop.get_by_role("button", name="Refresh sessions").click()
    expect(sessions(laptop)).to_have_count(2)
    expect(sessions(laptop).first).to_contain_text("This device")
    expect(sessions(laptop).nth(1)).to_contain_text("Chrome on Android")
    expect(sessions(laptop).nth(1).get_by_role("button", name="End session")).to_be_visible()
    screenshot(laptop, "sessions-list", full_page=True)

    # WHEN the laptop regenerates the codes
    laptop.get_by_role("button", name="Regenerate backup codes").click()
    laptop.get_by_test_id("regenerate-dialog").get_by_role("button", name="Regenerate").click()
    codes_in_dialog(laptop)
    changed_at = time.monotonic()
    close_codes_dialog(laptop)

    # THEN within a few seconds the phone's next action lands on sign-in, and says why
    deadline = changed_at + 5
    while not SIGNIN_PATH.search(phone.url):
        assert time.monotonic() < deadline, "the phone's session was not ended"
        phone.get_by_role("button", name="Refresh sessions").click()
        phone.wait_for_timeout(250)
    expect(phone.get_by_role("status").filter(has_text=SESSION_ENDED)).to_be_visible()
    expect(phone.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    screenshot(phone, "phone-session-ended")

    # AND a reload of the other tab lands there too, with the same explanation
    phone_tab.reload()
    expect(phone_tab).to_have_url(SIGNIN_PATH)
    expect(phone_tab.get_by_role("status").filter(has_text=SESSION_ENDED)).to_be_visible()

    # AND the laptop stays signed in, and its list shows it alone (no manual refresh)
    expect(sessions(laptop)).to_have_count(1)
    expect(sessions(laptop).first).to_contain_text("This device")
    laptop.reload()
    expect_account_page(laptop)
    expect(laptop.get_by_test_id("codes-left")).to_have_text("10 of 10 codes left")
