"""axe-core finds nothing on any view: sign-in steps, errors, the account page, each
dialog, and at phone width."""

from __future__ import annotations

import pytest
from browser import (
    add_codes,
    assert_accessible,
    axe_violations,
    close_codes_dialog,
    enter_password,
    expect_account_page,
    open_signin,
    screenshot,
    sign_out,
    submit_backup_code,
    submit_totp,
    to_second_step,
    use_backup_code_instead,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def test_no_axe_violations_on_any_view(new_context, stack, accounts) -> None:
    user = accounts.accessibility
    page = new_context().new_page()

    open_signin(page, stack.url, user.tenant)
    assert_accessible(page, "sign-in, step 1")
    enter_password(page, user, password="not-the-password")
    expect(page.get_by_role("alert").filter(
        has_text="The username or password is not correct.")).to_be_visible()
    assert_accessible(page, "sign-in, step 1, wrong password")
    enter_password(page, user)
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    assert_accessible(page, "sign-in, step 2 (authenticator code)")
    submit_totp(page, "12345")
    expect(page.get_by_role("alert").filter(has_text="6-digit")).to_be_visible()
    assert_accessible(page, "sign-in, step 2, malformed code")
    submit_totp(page, user.authenticator.code())
    expect_account_page(page)
    assert_accessible(page, "Recovery Options, no codes")

    codes = add_codes(page)
    assert_accessible(page, "codes popup")
    page.get_by_test_id("codes-dialog").get_by_role("button", name="Copy Codes").click()
    assert_accessible(page, "codes popup, after Copy Codes")
    close_codes_dialog(page)
    assert_accessible(page, "Recovery Options, with codes")

    page.get_by_role("button", name="Regenerate backup codes").click()
    expect(page.get_by_test_id("regenerate-dialog")).to_be_visible()
    assert_accessible(page, "regenerate confirmation")
    page.get_by_test_id("regenerate-dialog").get_by_role("button", name="Cancel").click()
    page.get_by_role("button", name="Remove backup codes").click()
    expect(page.get_by_test_id("remove-dialog")).to_be_visible()
    assert_accessible(page, "remove confirmation")
    page.get_by_test_id("remove-dialog").get_by_role("button", name="Cancel").click()
    expect(page.get_by_test_id("remove-dialog")).to_have_count(0)

    sign_out(page)
    assert_accessible(page, "sign-in, signed out")
    to_second_step(page, stack.url, user)
    use_backup_code_instead(page)
    assert_accessible(page, "sign-in, step 2 (backup code)")
    submit_backup_code(page, "AAAA-BBBB-CCCC-DDDD")
    expect(page.get_by_role("alert").filter(has_text="not correct")).to_be_visible()
    assert_accessible(page, "sign-in, step 2, wrong backup code")
    submit_backup_code(page, codes[0])
    expect_account_page(page)
    expect(page.get_by_test_id("usage-list")).to_be_visible()
    assert_accessible(page, "Recovery Options, after a backup-code sign-in (notice, usage)")

    page.goto(f"{stack.url}/t/{user.tenant}/no-such-page")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert_accessible(page, "page not found")


def test_phone_width(new_context, stack, accounts) -> None:
    user = accounts.accessibility
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()

    def fits(view: str) -> None:
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= PHONE["width"], f"{view} scrolls sideways at {PHONE['width']} px"
        assert_accessible(page, f"{view} at {PHONE['width']} px")

    open_signin(page, stack.url, user.tenant)
    fits("sign-in")
    screenshot(page, "phone-signin")
    enter_password(page, user)
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    use_backup_code_instead(page)
    fits("sign-in, backup code")
    screenshot(page, "phone-backup-code-step")
    page.get_by_role("button", name="Use your authenticator app instead").click()
    submit_totp(page, user.authenticator.code())
    expect_account_page(page)
    fits("Recovery Options")
    screenshot(page, "phone-codes", full_page=True)

    page.get_by_role("button", name="Regenerate backup codes").click()
    page.get_by_test_id("regenerate-dialog").get_by_role("button", name="Regenerate").click()
    expect(page.get_by_test_id("codes-dialog")).to_be_visible()
    fits("codes popup")
    screenshot(page, "phone-codes-popup")
    close_codes_dialog(page)
    page.get_by_role("button", name="Remove backup codes").click()
    expect(page.get_by_test_id("remove-dialog")).to_be_visible()
    fits("remove confirmation")
    screenshot(page, "phone-remove-confirm")


def test_axe_is_not_blind(new_context, stack) -> None:
    """The same injection finds faults when there are some (added here by hand)."""
    page = new_context().new_page()
    open_signin(page, stack.url, "demo")
    page.evaluate("""() => {
        const img = document.createElement('img');
        img.src = '/static/favicon.svg';
        document.querySelector('main').append(img, document.createElement('button'));
    }""")
    found = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "button-name"} <= found, found
