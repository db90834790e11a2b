"""A sign-in older than the tenant's limit: the page asks for the password, then goes on."""

from __future__ import annotations

import pytest
from browser import (
    REAUTH_MAX_AGE,
    assert_accessible,
    close_codes_dialog,
    codes_in_dialog,
    expect_account_page,
    screenshot,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_an_old_sign_in_is_asked_for_the_password_before_codes_are_added(
        new_context, stack, accounts, aged_session) -> None:
    # GIVEN a session signed in longer ago than its tenant allows for changes (the
    # session was opened at the start of the run; the other tests ran meanwhile)
    aged_session.wait_until_stale(REAUTH_MAX_AGE)
    user = accounts.stale
    page = new_context(storage_state=aged_session.storage_state).new_page()
    page.goto(f"{stack.url}/t/{user.tenant}/account/security")
    expect_account_page(page)

    # WHEN the user clicks Add
    opener = page.get_by_role("button", name="Add backup codes")
    opener.click()

    # THEN a password prompt appears, with focus in its field
    prompt = page.get_by_test_id("reauth-dialog")
    expect(prompt).to_be_visible()
    expect(prompt.get_by_role("heading")).to_have_text("Confirm your password to continue")
    password = prompt.get_by_label("Password")
    expect(password).to_be_focused()
    screenshot(page, "reauth-prompt")
    assert_accessible(page, "reauthentication prompt")

    # A wrong password is refused, in words, and the prompt stays
    password.fill("not-my-password")
    prompt.get_by_role("button", name="Confirm").click()
    expect(prompt.get_by_role("alert")).to_have_text("That password is not correct.")
    expect(password).to_be_focused()
    expect(password).to_have_attribute("aria-invalid", "true")
    screenshot(page, "reauth-wrong-password")
    assert_accessible(page, "reauthentication prompt, wrong password")

    # The right one closes the prompt and the add goes on by itself
    password.fill(user.password)
    prompt.get_by_role("button", name="Confirm").click()
    expect(prompt).to_have_count(0)
    codes_in_dialog(page)
    close_codes_dialog(page)
    expect(page.get_by_test_id("codes-left")).to_have_text("10 of 10 codes left")
