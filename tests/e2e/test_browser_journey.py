"""The whole backup-codes journey in a real browser, against the real local stack."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from browser import (
    CODE_SHAPE,
    add_codes,
    close_codes_dialog,
    codes_in_dialog,
    enter_password,
    expect_account_page,
    open_signin,
    screenshot,
    settled,
    sign_out,
    storage_dump,
    submit_backup_code,
    submit_totp,
    to_second_step,
    traces_of,
    use_backup_code_instead,
)
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

USED_OR_WRONG = "That backup code is not correct or has already been used."


def alert(page: Page, text: str):  # noqa: ANN201 - a Locator
    return page.get_by_role("alert").filter(has_text=text)


def test_add_download_copy_sign_in_regenerate_remove(new_context, stack, accounts) -> None:
    user = accounts.journey
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.url)
    page = context.new_page()

    # GIVEN Journey signs in with her password and her authenticator app
    open_signin(page, stack.url, user.tenant)
    screenshot(page, "signin")
    enter_password(page, user)
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    expect(page.locator("input[name=totp]")).to_be_focused()
    screenshot(page, "totp-step")
    submit_totp(page, user.authenticator.code())
    expect_account_page(page)
    card = page.get_by_test_id("backup-codes-card")
    expect(page.get_by_test_id("current-user")).to_contain_text(user.username)
    expect(card.get_by_text("You have no backup codes.")).to_be_visible()
    screenshot(page, "no-codes", full_page=True)

    # WHEN she adds backup codes: a popup shows ten codes
    codes = add_codes(page)
    dialog = page.get_by_test_id("codes-dialog")
    expect(dialog).to_contain_text("Each code can be used only once.")
    expect(dialog).to_contain_text("shown only this once")
    screenshot(page, "codes-popup")

    # Download Codes: a file named after tenant and user, a header, the same ten codes
    with page.expect_download() as started:
        dialog.get_by_role("button", name="Download Codes").click()
    download = started.value
    assert download.suggested_filename == f"backup-codes-{user.tenant}-{user.username}.txt"
    header, _, body = Path(download.path()).read_text().partition("\n\n")
    assert f"Organisation: Demo Inc. ({user.tenant})" in header
    assert f"User: {user.username}" in header
    today = datetime.now(UTC)
    assert any(f"Created: {day:%Y-%m-%d}" in header for day in (today, today - timedelta(days=1)))
    file_codes = [line for line in body.splitlines() if CODE_SHAPE.match(line)]
    assert file_codes == codes
    expect(dialog.get_by_role("status")).to_have_text("Download started")

    # Copy Codes: the same ten codes on the clipboard, and a visible confirmation
    dialog.get_by_role("button", name="Copy Codes").click()
    expect(dialog.get_by_role("status")).to_have_text("Copied")
    expect(dialog.get_by_role("status")).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()").split() == codes

    # Close only once she confirms she saved them
    close_codes_dialog(page)
    expect(card.get_by_test_id("codes-left")).to_have_text("10 of 10 codes left")

    # THEN the codes are nowhere: not in the DOM, not in storage, and not after a reload
    html = page.content()
    assert not [t for t in traces_of(codes) if t in html]
    assert not [t for t in traces_of(codes) if t in storage_dump(page)]
    page.reload()
    expect_account_page(page)
    expect(page.get_by_test_id("codes-dialog")).to_have_count(0)
    expect(card.get_by_test_id("codes-left")).to_have_text("10 of 10 codes left")
    assert not [t for t in traces_of(codes) if t in page.content()]

    # WHEN she signs out and signs in with a backup code instead of the app
    sign_out(page)
    spent = codes[3]
    to_second_step(page, stack.url, user)
    use_backup_code_instead(page)
    screenshot(page, "backup-code-step")
    # typed as people do: lower case, spaces instead of dashes
    submit_backup_code(page, spent.lower().replace("-", " "))
    expect_account_page(page)

    # THEN the page says how many remain, and lists the use
    expect(page.get_by_test_id("backup-notice")).to_contain_text(
        "You signed in with a backup code. You have 9 backup codes left.")
    expect(card.get_by_test_id("codes-left")).to_have_text("9 of 10 codes left")
    expect(card.get_by_test_id("usage-list").locator("li")).to_have_count(1)
    expect(card.get_by_test_id("usage-list")).to_contain_text("Chrome")
    screenshot(page, "codes-usage", full_page=True)

    # WHEN the same code is tried a second time, it fails, in words
    sign_out(page)
    to_second_step(page, stack.url, user)
    use_backup_code_instead(page)
    submit_backup_code(page, spent)
    expect(alert(page, USED_OR_WRONG)).to_be_visible()
    expect(page.locator("input[name=backup_code]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("input[name=backup_code]")).to_be_focused()
    screenshot(page, "error")
    # (another code still works in the same sign-in)
    submit_backup_code(page, codes[5])
    expect_account_page(page)
    expect(page.get_by_test_id("backup-notice")).to_contain_text("You have 8 backup codes left.")

    # WHEN she regenerates (refresh icon, then Regenerate in a confirmation window)
    page.get_by_role("button", name="Regenerate backup codes").click()
    confirm = page.get_by_test_id("regenerate-dialog")
    expect(confirm).to_be_visible()
    expect(confirm.get_by_role("heading")).to_have_text("Regenerate backup codes?")
    screenshot(page, "regenerate-confirm")
    confirm.get_by_role("button", name="Regenerate").click()

    # THEN a new popup shows ten new codes
    new_codes = codes_in_dialog(page)
    assert not set(new_codes) & set(codes)
    close_codes_dialog(page)
    expect(card.get_by_test_id("codes-left")).to_have_text("10 of 10 codes left")
    assert not [t for t in traces_of(new_codes) if t in page.content()]

    # AND an old, never used code fails at sign-in; a new one works
    sign_out(page)
    to_second_step(page, stack.url, user)
    use_backup_code_instead(page)
    submit_backup_code(page, codes[0])
    expect(alert(page, USED_OR_WRONG)).to_be_visible()
    submit_backup_code(page, new_codes[0])
    expect_account_page(page)
    expect(page.get_by_test_id("backup-notice")).to_contain_text("You have 9 backup codes left.")

    # WHEN she removes them (trash icon, then Remove in a confirmation window)
    page.get_by_role("button", name="Remove backup codes").click()
    confirm = page.get_by_test_id("remove-dialog")
    expect(confirm).to_be_visible()
    expect(confirm.get_by_role("heading")).to_have_text("Remove backup codes?")
    screenshot(page, "remove-confirm")
    confirm.get_by_role("button", name="Remove").click()

    # THEN the page shows no codes
    expect(confirm).to_have_count(0)
    settled(page)
    expect(card.get_by_role("status")).to_contain_text("Your backup codes were removed.")
    expect(card.get_by_text("You have no backup codes.")).to_be_visible()
    expect(card.get_by_test_id("codes-left")).to_have_count(0)
    expect(page.get_by_role("button", name="Add backup codes")).to_be_visible()
    expect(page.get_by_role("button", name="Regenerate backup codes")).to_have_count(0)

    # AND sign-in no longer offers backup codes
    sign_out(page)
    open_signin(page, stack.url, user.tenant)
    enter_password(page, user)
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    expect(page.get_by_role("button", name="Use a backup code instead")).to_have_count(0)
    assert re.search(r"/t/demo/$", page.url)
