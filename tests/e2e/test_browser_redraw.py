"""No click is lost while a card redraws.

After every change the page refreshes both cards (GET /me/backup-codes, GET
/me/sessions). Here a route handler holds those answers back for a random 150-400
ms, and the user acts at once after each dialog closes: Remove and Regenerate right
after the codes window, End session right after a confirmation (and while its list
reloads), Regenerate right after End session. Every time the confirmation must open
(or the session end), focus must stay on the control the user used last, and no late
answer may bring back a state the user already changed.

Misses are counted rather than failing at the first, so that a failure says how often.
"""

from __future__ import annotations

import json
import random
import re
import urllib.request
from collections import Counter
from collections.abc import Callable
from http.cookiejar import CookieJar

import pytest
from browser import (
    Account,
    add_codes,
    codes_in_dialog,
    expect_account_page,
    focused_description,
    screenshot,
    settled,
    sign_in_with_totp,
)
from playwright.sync_api import Locator, Page, Route, expect

pytestmark = pytest.mark.e2e

ROUNDS = 20
HOLD_MS = (150, 400)
# The status read sent by the last regenerate is held this long: the remove that
# follows, and its own status read, are answered well before it.
SLOW_STATUS_MS = 2_500
# Far longer than a click takes to open a dialog; a miss is a click the page dropped.
PROMPT_MS = 3_000
STATUS = re.compile(r"/api/me/backup-codes$")
READS = re.compile(r"/api/me/(backup-codes|sessions)$")
PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36")
REMOVE = "Remove backup codes"
REGENERATE = "Regenerate backup codes"
CONFIRMATION = {REMOVE: "remove-dialog", REGENERATE: "regenerate-dialog"}


class HeldReads:
    """Answers the two refresh reads late. The read reaches the server at once and its
    answer is held, so an answer may arrive after a change that it does not show."""

    def __init__(self, page: Page, rng: random.Random) -> None:
        self.page = page
        self.rng = rng
        self.waiting = 0  # answers held right now: a redraw is still to come
        self.slow_next_status = False
        self.slow_waiting = False
        page.route(READS, self.hold)

    def hold(self, route: Route) -> None:
        if route.request.method != "GET":
            route.fallback()
            return
        slow = self.slow_next_status and STATUS.search(route.request.url) is not None
        if slow:
            self.slow_next_status = False
            self.slow_waiting = True
        self.waiting += 1
        try:
            response = route.fetch()
            self.page.wait_for_timeout(SLOW_STATUS_MS if slow else self.rng.randint(*HOLD_MS))
            route.fulfill(response=response)
        finally:
            self.waiting -= 1
            if slow:
                self.slow_waiting = False


def sign_in_elsewhere(base: str, user: Account, code: str) -> None:
    """A phone signs in over HTTP with one of the new codes: a session opened after the
    change, so the purge keeps it and the sessions card lists it."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def post(path: str, body: dict[str, str]) -> dict[str, str]:
        request = urllib.request.Request(
            f"{base}/t/{user.tenant}/api{path}", method="POST", data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest",
                     "User-Agent": PHONE_UA})
        with opener.open(request, timeout=10) as response:
            return json.loads(response.read() or b"{}")

    flow = post("/auth/login", {"username": user.username, "password": user.password})["flow"]
    post("/auth/mfa", {"flow": flow, "method": "backup_code", "code": code})


def close_codes_window(page: Page) -> None:
    """Tick and Close, and nothing more: no waiting for the refresh."""
    dialog = page.get_by_test_id("codes-dialog")
    dialog.get_by_label("I have saved these codes").check()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)


class User:
    """What the user does on the page, and how often the page let her down."""

    def __init__(self, page: Page, reads: HeldReads) -> None:
        self.page = page
        self.reads = reads
        self.card = page.get_by_test_id("backup-codes-card")
        self.sessions = page.get_by_test_id("sessions-card")
        self.tries: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()
        self.mid_refresh: Counter[str] = Counter()  # clicks made while an answer was held

    def click(self, step: str, target: Locator) -> None:
        self.mid_refresh[step] += self.reads.waiting > 0
        target.click()

    def record(self, step: str, ok: bool) -> bool:
        self.tries[step] += 1
        self.misses[step] += not ok
        return ok

    def expect(self, step: str, check: Callable[[], None]) -> bool:
        """Runs web-first expectations; a failure counts as a miss of `step`."""
        try:
            check()
        except AssertionError:
            return self.record(step, False)
        return self.record(step, True)

    def confirmation(self, name: str, when: str) -> Locator:
        """Clicks the card's icon button at once; its confirmation must open."""
        step = f"{name} {when}"
        button = self.card.get_by_role("button", name=name, exact=True)
        dialog = self.page.get_by_test_id(CONFIRMATION[name])
        self.click(step, button)
        if not self.expect(step, lambda: expect(dialog).to_be_visible(timeout=PROMPT_MS)):
            settled(self.page)  # the redraw is over: the same click must work now
            button.click()
            expect(dialog).to_be_visible()
        return dialog

    def cancel(self, name: str) -> None:
        dialog = self.page.get_by_test_id(CONFIRMATION[name])
        dialog.get_by_role("button", name="Cancel").click()
        expect(dialog).to_have_count(0)

    def focus_stays_on(self, name: str) -> None:
        """Once the redraws are done, focus is on the button the user used last."""
        settled(self.page)
        self.page.wait_for_timeout(50)
        self.record("focus", focused_description(self.page) == f"button:{name}")

    def end_other_session(self) -> None:
        """End session on the phone as soon as the list shows it, just after asking for a
        fresh list (whose answer is held: the list redraws under the click)."""
        end = self.sessions.get_by_role("button", name=re.compile(r"^End session"))
        end.first.wait_for()
        self.sessions.get_by_role("button", name="Refresh sessions").click()
        self.click("End session", end.first)

        def ended() -> None:
            expect(self.sessions.get_by_role("status")).to_have_text(
                "The session was ended.", timeout=PROMPT_MS)
            expect(end).to_have_count(0, timeout=PROMPT_MS)

        if not self.expect("End session", ended):
            settled(self.page)
            if end.count():
                end.first.click()
            expect(end).to_have_count(0)

    def regenerate(self) -> None:
        """Regenerate at once; the new codes window must open (no stale generation sent)."""
        self.confirmation(REGENERATE, "after End session").get_by_role(
            "button", name="Regenerate").click()
        codes = self.page.get_by_test_id("codes-dialog")
        if not self.expect("new codes", lambda: expect(codes).to_be_visible(timeout=PROMPT_MS)):
            settled(self.page)
            self.confirmation(REGENERATE, "again").get_by_role("button", name="Regenerate").click()
            expect(codes).to_be_visible()

    def report(self) -> str:
        """Per step: misses of tries [and how many of its clicks came mid-refresh]."""
        return ", ".join(
            f"{step}: {self.misses[step]} of {self.tries[step]}"
            + (f" [{self.mid_refresh[step]} mid-refresh]" if step in self.mid_refresh else "")
            for step in self.tries)


def test_no_click_is_lost_while_the_cards_redraw(new_context, stack, accounts) -> None:
    account = accounts.redraw
    page = new_context().new_page()
    sign_in_with_totp(page, stack.url, account)
    add_codes(page)
    reads = HeldReads(page, random.Random(20261202))
    user = User(page, reads)
    try:
        for number in range(ROUNDS):
            act_after_each_dialog(page, stack.url, account, user, number)
        remove_while_a_slow_read_is_held(page, user)
    finally:
        print(f"\nredraw rounds: {ROUNDS}; misses: {user.report()}")
        page.unroute_all(behavior="ignoreErrors")
    assert not +user.misses, f"actions lost to a redraw ({user.report()})"
    expect_account_page(page)


def act_after_each_dialog(page: Page, base: str, account: Account, user: User,
                          number: int) -> None:
    # GIVEN the codes window is open and a phone signed in with one of its codes
    sign_in_elsewhere(base, account, codes_in_dialog(page)[0])
    first, second = (REMOVE, REGENERATE) if number % 2 == 0 else (REGENERATE, REMOVE)

    # WHEN she closes it and clicks Remove (or Regenerate) at once, then the other
    close_codes_window(page)
    user.confirmation(first, "after the codes window")
    if number == 0:
        screenshot(page, "redraw-confirm-after-codes-window")
    user.cancel(first)
    user.confirmation(second, "after a confirmation")
    user.cancel(second)
    user.focus_stays_on(second)

    # AND ends the phone's session, then regenerates at once
    user.end_other_session()
    if number == ROUNDS - 1:
        user.reads.slow_next_status = True  # the status read after this regenerate comes late
    user.regenerate()


def remove_while_a_slow_read_is_held(page: Page, user: User) -> None:
    """The status read sent by the last regenerate is answered after a remove that
    follows it at once (and after the remove's own read): the card stays removed."""
    close_codes_window(page)
    user.confirmation(REMOVE, "after the codes window").get_by_role("button", name="Remove").click()
    expect(user.card.get_by_text("You have no backup codes.")).to_be_visible()
    assert user.reads.slow_waiting, "the slow status read came back before the remove"
    page.wait_for_timeout(SLOW_STATUS_MS)  # now it has come back, saying codes are on
    settled(page)
    user.record("removed stays removed",
                not user.card.get_by_test_id("codes-left").count()
                and user.card.get_by_text("You have no backup codes.").is_visible())
    user.focus_stays_on("Add backup codes")
    screenshot(page, "redraw-after-remove", full_page=True)
