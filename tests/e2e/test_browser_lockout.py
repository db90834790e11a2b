"""Wrong second-factor codes past the tenant's threshold lock the account, and the page says so."""

from __future__ import annotations

import re

import pytest
from browser import LOCKOUT_THRESHOLD, assert_accessible, screenshot, submit_totp, to_second_step
from playwright.sync_api import Page, Response, expect

pytestmark = pytest.mark.e2e

LOCKED = re.compile(r"Your account is locked after too many wrong attempts\. "
                    r"Try again in \d+ (seconds?|minutes?)\.")


def verify(page: Page, code: str) -> Response:
    """Submits a code and waits for the server's answer (the same message may repeat)."""
    with page.expect_response(lambda r: r.url.endswith("/api/auth/mfa")) as answer:
        submit_totp(page, code)
    return answer.value


def test_wrong_codes_past_the_threshold_lock_the_account_and_say_for_how_long(
        new_context, stack, accounts) -> None:
    user = accounts.locked  # of a tenant that locks after three wrong codes
    page = new_context().new_page()
    to_second_step(page, stack.url, user)
    error = page.get_by_role("alert").filter(has_text=re.compile(".+"))

    # GIVEN as many wrong codes as the threshold: each is refused as wrong
    wrong = user.authenticator.wrong_code()
    for _ in range(LOCKOUT_THRESHOLD):
        assert verify(page, wrong).status == 401
        expect(error).to_have_text(
            "That code is not correct. Check your authenticator app and try again.")

    # WHEN one more is tried
    answer = verify(page, wrong)

    # THEN the account is locked, and the page says so and for how long, in words
    assert answer.status == 429
    wait = int(answer.headers["retry-after"])
    expect(error).to_have_text(LOCKED)
    assert f"{wait} seconds" in error.inner_text() or "minute" in error.inner_text()
    expect(page.locator("input[name=totp]")).to_be_focused()
    screenshot(page, "locked")
    assert_accessible(page, "sign-in, account locked")

    # AND while locked even the right code is refused, without being spent
    answer = verify(page, user.authenticator.code())
    assert answer.status == 429
    expect(error).to_have_text(LOCKED)
