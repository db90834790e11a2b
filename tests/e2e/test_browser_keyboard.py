"""Keyboard only: sign in, add codes, regenerate and remove them with Tab, Enter, Space and
Escape; focus goes into each dialog when it opens and back to the button when it closes."""

from __future__ import annotations

import pytest
from browser import expect_account_page, focused_description, open_signin, screenshot
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

SAVED = "input:I have saved these codes in codes-dialog"


def tab_to(page: Page, target: str, most: int = 30) -> list[str]:
    """Presses Tab until `target` has focus; the stops on the way."""
    stops = []
    for _ in range(most):
        page.keyboard.press("Tab")
        stops.append(focused_description(page))
        if stops[-1] == target:
            return stops
    raise AssertionError(f"Tab never reached {target!r}; it went: {stops}")


def focused(page: Page) -> str:
    return focused_description(page)


def test_add_regenerate_and_remove_with_the_keyboard_only(new_context, stack, accounts) -> None:
    user = accounts.keyboard
    page = new_context().new_page()

    # GIVEN the user signs in with the keyboard
    open_signin(page, stack.url, user.tenant)
    stops = tab_to(page, "input:Username")
    assert stops[0] == "a:Skip to content", stops
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    assert focused(page) == "input:Password"
    page.keyboard.type(user.password)
    page.keyboard.press("Enter")
    expect(page.locator("input[name=totp]")).to_be_focused()
    page.keyboard.type(user.authenticator.code())
    page.keyboard.press("Enter")
    expect_account_page(page)

    # WHEN she tabs to + and presses Enter
    tab_to(page, "button:Add backup codes")
    page.keyboard.press("Enter")

    # THEN the codes window opens with focus inside it, and Tab stays inside
    dialog = page.get_by_test_id("codes-dialog")
    expect(dialog).to_be_visible()
    assert focused(page) == "button:Download Codes in codes-dialog"
    screenshot(page, "keyboard-codes-popup")
    for _ in range(6):
        page.keyboard.press("Tab")
        assert focused(page).endswith(" in codes-dialog") or focused(page) == "body"
    # (body: Chromium lets Tab leave for its own toolbar; the page behind stays inert)

    # Escape does not throw the codes away before she says she saved them
    page.keyboard.press("Escape")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("status")).to_have_text(
        "Confirm that you have saved these codes before closing this window.")
    assert focused(page) == SAVED
    page.keyboard.press("Space")
    expect(dialog.get_by_label("I have saved these codes")).to_be_checked()
    page.keyboard.press("Tab")
    assert focused(page) == "button:Close in codes-dialog"
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)

    # Focus returns to the card's action slot: + is gone, Regenerate took its place
    expect(page.get_by_test_id("backup-codes-card").get_by_role("status")).to_contain_text(
        "Backup codes are on.")
    assert focused(page) == "button:Regenerate backup codes"
    screenshot(page, "keyboard-focus-after-add")

    # Regenerate: the confirmation opens on Cancel; Escape closes it, back to the button
    page.keyboard.press("Enter")
    confirm = page.get_by_test_id("regenerate-dialog")
    expect(confirm).to_be_visible()
    assert focused(page) == "button:Cancel in regenerate-dialog"
    page.keyboard.press("Escape")
    expect(confirm).to_have_count(0)
    assert focused(page) == "button:Regenerate backup codes"

    # Space opens it again; Tab, Enter regenerates; the new codes window has focus
    page.keyboard.press("Space")
    expect(confirm).to_be_visible()
    page.keyboard.press("Tab")
    assert focused(page) == "button:Regenerate in regenerate-dialog"
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("listitem")).to_have_count(10)
    assert focused(page) == "button:Download Codes in codes-dialog"
    tab_to(page, SAVED)
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id("backup-codes-card").get_by_role("status")).to_contain_text(
        "You have new backup codes")
    assert focused(page) == "button:Regenerate backup codes"

    # Remove: Tab to the trash, Enter, Tab to Remove, Enter; focus lands on the new +
    page.keyboard.press("Tab")
    assert focused(page) == "button:Remove backup codes"
    page.keyboard.press("Enter")
    confirm = page.get_by_test_id("remove-dialog")
    expect(confirm).to_be_visible()
    assert focused(page) == "button:Cancel in remove-dialog"
    page.keyboard.press("Tab")
    assert focused(page) == "button:Remove in remove-dialog"
    page.keyboard.press("Enter")
    expect(confirm).to_have_count(0)
    expect(page.get_by_test_id("backup-codes-card").get_by_role("status")).to_contain_text(
        "Your backup codes were removed.")
    assert focused(page) == "button:Add backup codes"
