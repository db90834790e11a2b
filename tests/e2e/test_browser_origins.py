"""Nothing from another origin, nothing the Content-Security-Policy has to refuse.

Every context of every browser test is watched the same way (conftest.new_context);
this test walks through every feature once and looks at what was seen.
"""

from __future__ import annotations

import pytest
from browser import (
    Guard,
    add_codes,
    close_codes_dialog,
    enter_password,
    eventually,
    expect_account_page,
    sign_out,
    submit_totp,
)
from playwright.sync_api import Error, expect

pytestmark = pytest.mark.e2e


def test_every_request_is_same_origin_and_nothing_violates_the_csp(new_context, stack,
                                                                    accounts) -> None:
    user = accounts.origins  # of the other demo tenant, acme
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.url)
    page = context.new_page()
    [guard] = new_context.guards()

    # The page is served under the production policy
    response = page.goto(f"{stack.url}/t/{user.tenant}/")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp

    # A tour of every feature: wrong password, sign-in, add, download, copy, close,
    # regenerate, sessions, remove, a missing page, sign out
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    enter_password(page, user, password="wrong-password")
    expect(page.get_by_role("alert").filter(has_text="not correct")).to_be_visible()
    enter_password(page, user)
    submit_totp(page, user.authenticator.code())
    expect_account_page(page)
    add_codes(page)
    dialog = page.get_by_test_id("codes-dialog")
    with page.expect_download():
        dialog.get_by_role("button", name="Download Codes").click()
    dialog.get_by_role("button", name="Copy Codes").click()
    expect(dialog.get_by_role("status")).to_have_text("Copied")
    close_codes_dialog(page)
    page.get_by_role("button", name="Regenerate backup codes").click()
    page.get_by_test_id("regenerate-dialog").get_by_role("button", name="Regenerate").click()
    close_codes_dialog(page)
    page.get_by_role("button", name="Refresh sessions").click()
    page.get_by_role("button", name="Remove backup codes").click()
    page.get_by_test_id("remove-dialog").get_by_role("button", name="Remove").click()
    expect(page.get_by_role("button", name="Add backup codes")).to_be_visible()
    page.goto(f"{stack.url}/t/{user.tenant}/elsewhere")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.get_by_role("link", name="Go to your account").click()
    expect_account_page(page)
    sign_out(page)

    # THEN every request went to the stack's own origin (the codes file: a blob: of it)
    assert len(guard.requests) > 30
    assert not guard.foreign, guard.foreign
    assert any(url.startswith(f"{stack.url}/static/js/") for url in guard.requests)
    assert any(url.startswith(f"{stack.url}/t/{user.tenant}/api/") for url in guard.requests)
    # AND no CSP violation, no uncaught error
    assert not guard.csp, guard.csp
    assert not guard.page_errors, guard.page_errors



def test_the_watch_is_not_blind(chromium, stack) -> None:
    """What the tests listen to does see a violation: an inline script, which the policy
    forbids, and a request to another origin."""
    # not new_context(): these findings are on purpose
    context = chromium.new_context(locale="en-US")
    guard = Guard(stack.url)
    guard.attach(context)
    try:
        page = context.new_page()
        page.goto(f"{stack.url}/t/demo/")
        expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
        with pytest.raises(Error, match="Content Security Policy"):
            page.add_script_tag(content="window.injected = true")
        assert eventually(page, lambda: any("csp-violation: script-src" in line
                                            for line in guard.csp)), guard.console
        page.evaluate("() => { const img = new Image(); img.src = 'http://192.0.2.1/x.png'; }")
        assert eventually(page, lambda: "http://192.0.2.1/x.png" in guard.foreign), guard.requests
        assert eventually(page, lambda: any("img-src" in line for line in guard.csp)), guard.console
    finally:
        context.close()
