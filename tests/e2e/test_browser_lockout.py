"""The wrong second-factor code that reaches the tenant's threshold locks the account at
once, and the page says so; so does the wrong password that reaches it, for sign-in."""

from __future__ import annotations

import re

import pytest
from browser import (
    LOCKOUT_THRESHOLD,
    assert_accessible,
    open_signin,
    screenshot,
    submit_totp,
    to_second_step,
)
from playwright.sync_api import Locator, Page, Response, expect

pytestmark = pytest.mark.e2e

LOCKED = re.compile(r"Your account is locked after too many wrong attempts\. "
                    r"Try again in \d+ (seconds?|minutes?)\.")
PAUSED = re.compile(r"Sign-in is paused after too many wrong passwords\. "
                    r"Try again in \d+ seconds?\.")


def expect_first_wait(page: Page, answer: Response, message: str, field: Locator,
                      view: str) -> None:
    """The answer that reaches the threshold waits 30 s (the first wait), and the page says
    so, in words, with focus back in the field."""
    assert answer.status == 429
    assert answer.headers["retry-after"] == "30"
    expect(page.get_by_role("alert").filter(has_text=re.compile(".+"))).to_have_text(message)
    expect(field).to_be_focused()
    screenshot(page, view)
    assert_accessible(page, f"sign-in, {view}")


def verify(page: Page, code: str) -> Response:
    """Submits a code and waits for the server's answer (the same message may repeat)."""
    with page.expect_response(lambda r: r.url.endswith("/api/auth/mfa")) as answer:
        submit_totp(page, code)
    return answer.value


def test_the_wrong_code_that_reaches_the_threshold_locks_the_account_and_says_for_how_long(
        new_context, stack, accounts) -> None:
    user = accounts.locked  # of a tenant that locks after three wrong codes
    page = new_context().new_page()
    to_second_step(page, stack.url, user)
    error = page.get_by_role("alert").filter(has_text=re.compile(".+"))

    # GIVEN one wrong code fewer than the threshold: each is refused as wrong
    wrong = user.authenticator.wrong_code()
    for _ in range(LOCKOUT_THRESHOLD - 1):
        answer = verify(page, wrong)
        assert answer.status == 401
        assert "retry-after" not in answer.headers
        expect(error).to_have_text(
            "That code is not correct. Check your authenticator app and try again.")

    # WHEN the wrong code that reaches the threshold is tried
    answer = verify(page, wrong)

    # THEN that very answer locks the account, for the first wait of 30 seconds, and the
    # page says so and for how long, in words
    expect_first_wait(page, answer, "Your account is locked after too many wrong attempts. "
                      "Try again in 30 seconds.", page.locator("input[name=totp]"), "locked")

    # AND while locked even the right code is refused, without being spent
    answer = verify(page, user.authenticator.code())
    assert answer.status == 429
    assert 1 <= int(answer.headers["retry-after"]) <= 30
    expect(error).to_have_text(LOCKED)


def sign_in(page: Page, username: str, password: str) -> Response:
    """Submits the password step and waits for the server's answer."""
    with page.expect_response(lambda r: r.url.endswith("/api/auth/login")) as answer:
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
    return answer.value


def test_too_many_wrong_passwords_pause_sign_in_and_the_page_says_for_how_long(
        new_context, stack, accounts) -> None:
    user = accounts.paused  # of a tenant that pauses sign-in after three wrong passwords
    page = new_context().new_page()
    open_signin(page, stack.url, user.tenant)
    error = page.get_by_role("alert").filter(has_text=re.compile(".+"))

    # GIVEN wrong passwords up to one fewer than the threshold: each is refused as wrong
    for _ in range(LOCKOUT_THRESHOLD - 1):
        assert sign_in(page, user.username, "not-the-password").status == 401
        expect(error).to_have_text("The username or password is not correct.")

    # WHEN the one that reaches it is tried, THEN sign-in pauses, and the page says how long
    answer = sign_in(page, user.username, "not-the-password")
    expect_first_wait(page, answer, "Sign-in is paused after too many wrong passwords. "
                      "Try again in 30 seconds.", page.get_by_label("Password"), "password-paused")

    # AND during the pause even the right password is refused, with the time left
    answer = sign_in(page, user.username, user.password)
    assert answer.status == 429
    expect(error).to_have_text(PAUSED)
