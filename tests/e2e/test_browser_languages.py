"""The pages in Spanish and German: the whole journey with no English left on screen,
axe-clean in every view and dialog, at desktop and phone width; and the language picker,
which remembers the choice and never takes the one-time codes window away."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser import (
    ACCOUNT_PATH,
    PASSWORD,
    SIGNIN_PATH,
    Account,
    Authenticator,
    answer_once,
    codes_in_dialog,
    expect_account_page,
    screenshot,
    settled,
)
from languages import check_view, english_on_screen, say, texts
from playwright.sync_api import BrowserContext, Page, expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 740}
# The elements that reach past the right edge, innermost first: what to fix.
WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .reverse().slice(0, 4)
  .map((e) => `${e.localName}.${[...e.classList].join('.')}: `
    + Math.round(e.getBoundingClientRect().right))"""


@dataclass(frozen=True)
class Setting:
    """How a test's browser comes to speak the language."""

    browser_locale: str
    picks_it: bool  # True: the browser asks for a language the page lacks; the picker decides


# Spanish from the browser's own preference; German chosen in the picker by a reader whose
# browser asks for French (which the page does not speak, so it starts in English).
SETTINGS = {"es": Setting("es-ES", picks_it=False), "de": Setting("fr-FR", picks_it=True)}


class Speaker:
    """A page in one language, found by roles, test ids and that language's own words."""

    def __init__(self, page: Page, language: str) -> None:
        self.page = page
        self.language = language
        self.t = texts(page, language)

    def say(self, path: str, *args: object) -> str:
        return say(self.page, self.language, path, *args)

    def button(self, path: str):  # noqa: ANN201 - a Locator
        return self.page.get_by_role("button", name=self.t[path], exact=True)

    def check(self, view: str, *, full_page: bool = False) -> None:
        check_view(self.page, self.language, view, full_page=full_page)

    def sign_in_page(self) -> None:
        heading = self.page.get_by_role("heading", name=self.t["signIn.title"], level=1)
        expect(heading).to_be_visible()

    def password_step(self, user: Account, password: str | None = None) -> None:
        self.page.locator("input[name=username]").fill(user.username)
        self.page.locator("input[name=password]").fill(password or user.password)
        self.page.locator("form button[type=submit]").click()

    def second_step(self) -> None:
        expect(self.page.get_by_role("heading", name=self.t["signIn.mfaTitle"])).to_be_visible()

    def verify(self, field: str, code: str) -> None:
        self.page.locator(f"input[name={field}]").fill(code)
        self.page.locator("form button[type=submit]").click()

    def account_page(self) -> None:
        expect(self.page).to_have_url(ACCOUNT_PATH)
        heading = self.page.get_by_role("heading", name=self.t["account.title"], level=1)
        expect(heading).to_be_visible()
        settled(self.page)

    def close_codes_window(self) -> None:
        dialog = self.page.get_by_test_id("codes-dialog")
        dialog.get_by_label(self.t["codesDialog.confirmSaved"]).check()
        dialog.get_by_role("button", name=self.t["codesDialog.close"]).click()
        expect(dialog).to_have_count(0)
        settled(self.page)

    def sign_out(self) -> None:
        self.button("header.signOut").click()
        expect(self.page).to_have_url(SIGNIN_PATH)
        expect(self.page.get_by_role("status").filter(has_text=self.t["signIn.signedOut"])).to_be_visible()


def open_in(context: BrowserContext, base: str, language: str, tenant: str = "demo") -> Speaker:
    """The sign-in page, in `language`: from the browser's preference, or picked."""
    page = context.new_page()
    page.goto(f"{base}/t/{tenant}/")
    if SETTINGS[language].picks_it:
        expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
        page.get_by_label("Language").select_option(language)
    speaker = Speaker(page, language)
    speaker.sign_in_page()
    return speaker


@pytest.mark.parametrize("language", ["es", "de"])
def test_the_whole_journey_in_another_language(language, new_context, stack, accounts) -> None:
    user = accounts.speaking(language)
    context = new_context(locale=SETTINGS[language].browser_locale)
    me = open_in(context, stack.url, language)
    page, t = me.page, me.t
    assert page.evaluate("() => document.title").startswith(t["signIn.title"])
    me.check("01-signin")

    # A wrong password, then the right one and the authenticator's code
    me.password_step(user, password="not-the-password")
    expect(page.get_by_role("alert").filter(
        has_text=t["errors.byCode.invalid_credentials"])).to_be_visible()
    me.check("02-wrong-password")
    me.password_step(user)
    me.second_step()
    me.check("03-totp-step")
    me.verify("totp", user.authenticator.code())
    me.account_page()
    expect(page.get_by_test_id("backup-codes-card")).to_contain_text(t["codes.notEnabled"])
    me.check("04-no-codes", full_page=True)

    # Add: the one-time codes window, its download in the language too
    me.button("codes.add").click()
    codes = codes_in_dialog(page)
    dialog = page.get_by_test_id("codes-dialog")
    expect(dialog.get_by_role("heading")).to_have_text(t["codesDialog.title"])
    me.check("05-codes-window")
    with page.expect_download() as started:
        dialog.get_by_role("button", name=t["codesDialog.download"]).click()
    assert started.value.suggested_filename == (
        f"{t['codesFile.namePrefix']}-demo-{user.username}.txt")
    file_text = Path(started.value.path()).read_text()
    assert f"{t['codesFile.organisation']}: Demo Inc. (demo)" in file_text
    assert t["codesFile.advice"] in file_text
    expect(dialog.get_by_role("status")).to_have_text(t["codesDialog.downloaded"])
    page.emulate_media(media="print")
    screenshot(page, f"journey-{language}-06-print-view")
    page.emulate_media(media="screen")
    me.close_codes_window()
    expect(page.get_by_test_id("codes-left")).to_have_text(me.say("codes.left", 10, 10))
    expect(page.get_by_test_id("backup-codes-card").get_by_role("status")).to_have_text(t["codes.added"])
    me.check("07-codes-on", full_page=True)

    # Sign out, and in again with a backup code
    me.sign_out()
    me.check("08-signed-out")
    me.password_step(user)
    me.second_step()
    me.button("signIn.useBackupCode").click()
    expect(page.locator("input[name=backup_code]")).to_be_focused()
    me.check("09-backup-code-step")
    me.verify("backup_code", codes[0])
    me.account_page()
    expect(page.get_by_test_id("backup-notice")).to_contain_text(
        me.say("backupNotice.remaining", 9))
    expect(page.get_by_test_id("usage-list").locator("li")).to_have_count(1)
    me.check("10-after-backup-code", full_page=True)

    # Sessions: another device signs in; this one ends that session
    other = new_context(locale=SETTINGS[language].browser_locale).new_page()
    sign_in_elsewhere(other, stack.url, user, language)
    sessions = page.get_by_test_id("sessions-card")
    me.button("sessions.refresh").click()
    expect(sessions.get_by_role("listitem")).to_have_count(2)
    me.check("11-sessions", full_page=True)
    sessions.get_by_role("button", name=re.compile("^" + re.escape(t["sessions.end"]))).click()
    expect(sessions.get_by_role("status")).to_have_text(t["sessions.ended"])
    expect(sessions.get_by_role("listitem")).to_have_count(1)
    me.check("12-session-ended", full_page=True)

    # Regenerate: the confirmation, then (this once) the password prompt, then new codes
    # (this once answered as an old sign-in would be)
    answer_once(page, "/me/backup-codes/regenerate", "POST", status=403, body={
        "error": "reauthentication_required", "message": "Confirm your password."})
    me.button("codes.regenerate").click()
    confirm = page.get_by_test_id("regenerate-dialog")
    expect(confirm.get_by_role("heading")).to_have_text(t["regenerateDialog.title"])
    me.check("13-regenerate-confirm")
    confirm.get_by_role("button", name=t["regenerateDialog.confirm"], exact=True).click()
    prompt = page.get_by_test_id("reauth-dialog")
    expect(prompt.get_by_role("heading")).to_have_text(t["reauthDialog.title"])
    me.check("14-reauth")
    prompt.get_by_label(t["reauthDialog.password"]).fill("not-my-password")
    prompt.get_by_role("button", name=t["reauthDialog.confirm"]).click()
    expect(prompt.get_by_role("alert")).to_have_text(t["reauthDialog.wrongPassword"])
    me.check("15-reauth-wrong-password")
    prompt.get_by_label(t["reauthDialog.password"]).fill(user.password)
    prompt.get_by_role("button", name=t["reauthDialog.confirm"]).click()
    new_codes = codes_in_dialog(page)
    assert not set(new_codes) & set(codes)
    me.close_codes_window()
    expect(page.get_by_test_id("backup-codes-card").get_by_role("status")).to_have_text(t["codes.regenerated"])

    # Remove
    me.button("codes.remove").click()
    confirm = page.get_by_test_id("remove-dialog")
    expect(confirm.get_by_role("heading")).to_have_text(t["removeDialog.title"])
    me.check("16-remove-confirm")
    confirm.get_by_role("button", name=t["removeDialog.confirm"], exact=True).click()
    expect(confirm).to_have_count(0)
    settled(page)
    expect(page.get_by_test_id("backup-codes-card").get_by_role("status")).to_have_text(t["codes.removed"])
    me.check("17-codes-removed", full_page=True)

    # A page that does not exist, and the end
    page.goto(f"{stack.url}/t/demo/no-such-page")
    expect(page.get_by_role("heading", name=t["app.notFoundTitle"])).to_be_visible()
    me.check("18-page-not-found")
    page.get_by_role("link", name=t["app.notFoundLink"]).click()
    me.account_page()
    me.sign_out()


def sign_in_elsewhere(page: Page, base: str, user: Account, language: str) -> None:
    """Another device of the same user signs in fully (in the same language)."""
    page.goto(f"{base}/t/demo/")
    if SETTINGS[language].picks_it:
        page.get_by_label("Language").select_option(language)
    other = Speaker(page, language)
    other.sign_in_page()
    other.password_step(user)
    other.second_step()
    other.verify("totp", user.authenticator.code())
    other.account_page()


def fits_a_phone(me: Speaker, view: str, *, full_page: bool = False) -> None:
    """No sideways scroll at phone width (naming what sticks out), then check_view."""
    width = me.page.evaluate("() => document.documentElement.scrollWidth")
    wide = me.page.evaluate(WIDER_THAN_THE_SCREEN) if width > PHONE["width"] else []
    assert width <= PHONE["width"], f"{view} ({me.language}) scrolls sideways: {width} px {wide}"
    me.check(view, full_page=full_page)


@pytest.mark.parametrize("language", ["es", "de"])
def test_every_view_fits_a_phone_in_another_language(language, new_context, stack,
                                                     accounts) -> None:
    user = accounts.speaking(language, phone=True)
    context = new_context(locale=SETTINGS[language].browser_locale, viewport=PHONE,
                          is_mobile=True, has_touch=True)
    me = open_in(context, stack.url, language)
    page = me.page

    def fits(view: str, *, full_page: bool = False) -> None:
        fits_a_phone(me, f"phone-{view}", full_page=full_page)

    fits("01-signin")
    me.password_step(user)
    me.second_step()
    fits("02-totp-step")
    me.verify("totp", user.authenticator.code())
    me.account_page()
    fits("03-no-codes", full_page=True)
    me.button("codes.add").click()
    codes_in_dialog(page)
    fits("04-codes-window")
    me.close_codes_window()
    fits("05-codes-on", full_page=True)
    for action in ("regenerate", "remove"):
        me.button(f"codes.{action}").click()
        confirm = page.get_by_test_id(f"{action}-dialog")
        expect(confirm).to_be_visible()
        fits(f"06-{action}-confirm")
        confirm.get_by_role("button", name=me.t[f"{action}Dialog.cancel"]).click()
        expect(confirm).to_have_count(0)
    me.sign_out()
    fits("07-signed-out")
    me.password_step(user)
    me.second_step()
    me.button("signIn.useBackupCode").click()
    fits("08-backup-code-step")


def test_the_picker_remembers_the_choice_and_keeps_the_sign_in_where_it_was(
        new_context, stack, accounts) -> None:
    user = accounts.picker
    page = new_context().new_page()  # an English browser
    page.goto(f"{stack.url}/t/demo/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    picker = page.get_by_label("Language")
    expect(picker).to_have_value("en")

    # WHEN a username is typed and German picked: the page speaks German at once, keeps
    # the username, and focus stays on the picker
    page.get_by_label("Username").fill(user.username)
    picker.focus()  # as a click or Tab would; select_option alone leaves focus where it was
    picker.select_option("de")
    de = Speaker(page, "de")
    de.sign_in_page()
    expect(page.locator("input[name=username]")).to_have_value(user.username)
    expect(page.get_by_label("Sprache")).to_be_focused()
    assert page.evaluate("() => document.title") == "Anmelden · Konto bei Demo Inc."
    assert page.evaluate("() => localStorage.getItem('backup-codes:language')") == "de"
    check_view(page, "de", "picker-01-german")

    # AND on the second step, Spanish: the same step (its flow kept), now in Spanish
    page.locator("input[name=password]").fill(user.password)
    page.locator("form button[type=submit]").click()
    de.second_step()
    page.get_by_label("Sprache").select_option("es")
    es = Speaker(page, "es")
    es.second_step()
    expect(page.locator("input[name=totp]")).to_be_visible()
    es.verify("totp", user.authenticator.code())
    es.account_page()
    check_view(page, "es", "picker-02-spanish-account", full_page=True)

    # A reload keeps the choice, over the browser's English
    page.reload()
    es.account_page()
    expect(page.locator("html")).to_have_attribute("lang", "es")

    # WHEN the language changes while the one-time codes window is open (not by a click:
    # the window is modal; as a script or another tool would), the window stays, whole
    es.button("codes.add").click()
    codes = codes_in_dialog(page)
    page.evaluate("""() => {
        const picker = document.querySelector('select[name=language]');
        picker.value = 'de';
        picker.dispatchEvent(new Event('change'));
    }""")
    page.wait_for_timeout(300)
    assert codes_in_dialog(page) == codes
    expect(page.locator("html")).to_have_attribute("lang", "es")
    # THEN the page changes only once the window is closed
    es.close_codes_window()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    de.account_page()
    expect(page.get_by_test_id("codes-left")).to_have_text("10 von 10 Codes übrig")

    # AND back to English: every test hook of the English tests is there again
    page.get_by_label("Sprache").select_option("en")
    expect_account_page(page)
    expect(page.get_by_role("button", name="Regenerate backup codes")).to_be_visible()
    assert english_on_screen(page), "the English page should be found in English"


def test_the_english_check_is_not_blind(new_context, stack) -> None:
    """The same look finds English when some is on a Spanish page (put there by hand)."""
    page = new_context(locale="es-ES").new_page()
    page.goto(f"{stack.url}/t/demo/")
    Speaker(page, "es").sign_in_page()
    assert english_on_screen(page) == []
    page.evaluate("""() => {
        document.querySelector('main h1').textContent = 'Sign in';
        document.querySelector('input[name=username]').setAttribute('aria-label', 'Username');
        document.title = 'Iniciar sesión · hace 5 minutes';
    }""")
    assert set(english_on_screen(page)) >= {"Sign in", "Username", "minutes"}


@pytest.mark.parametrize("language", ["es", "de"])
def test_the_authenticator_in_another_language_at_phone_width(language, new_context,
                                                              stack) -> None:
    """The authenticator's views and dialogs, in the tenant's require_mfa path and on
    the account page: no English, axe-clean, nothing wider than a phone."""
    tenant = f"strict-{language}"
    stack.admin("create-tenant", tenant, "--name", "Strict", "--require-mfa", "on")
    stack.admin("create-user", tenant, "newcomer", "--password-stdin", stdin=PASSWORD + "\n")
    user = Account(tenant, "newcomer", PASSWORD, Authenticator("A" * 32))
    context = new_context(locale=SETTINGS[language].browser_locale, viewport=PHONE,
                          is_mobile=True, has_touch=True)
    me = open_in(context, stack.url, language, tenant)
    page = me.page

    def fits(view: str, *, full_page: bool = False) -> None:
        fits_a_phone(me, f"phone-authenticator-{view}", full_page=full_page)

    # The set-up the tenant requires, its window, a wrong code
    me.password_step(user)
    expect(page.get_by_test_id("setup-required")).to_be_visible()
    fits("01-set-up-required")
    me.button("setupRequired.start").click()
    dialog = page.get_by_test_id("totp-setup-dialog")
    expect(dialog).to_be_visible()
    fits("02-set-up-window", full_page=True)
    key = dialog.get_by_test_id("totp-key").inner_text().replace(" ", "").strip()
    user.authenticator = Authenticator(key)
    wrong = f"{(int(user.authenticator.totp.now()) + 1) % 1_000_000:06d}"
    dialog.locator("input[name=totp]").fill(wrong)
    dialog.get_by_role("button", name=me.t["totpSetupDialog.confirm"], exact=True).click()
    expect(dialog.get_by_role("alert").filter(has_text=me.t["totpSetupDialog.invalidCode"])
           ).to_be_visible()
    fits("03-wrong-code", full_page=True)

    # The right code, then the offer of backup codes, then the account page
    dialog.locator("input[name=totp]").fill(user.authenticator.code())
    dialog.get_by_role("button", name=me.t["totpSetupDialog.confirm"], exact=True).click()
    offer = page.get_by_test_id("codes-offer-dialog")
    expect(offer).to_be_visible()
    fits("04-codes-offer")
    offer.get_by_role("button", name=me.t["codesOffer.cancel"], exact=True).click()
    me.account_page()
    fits("05-account", full_page=True)

    # Removing the only second factor: the confirmation, then the refusal in words
    me.button("authenticator.remove").click()
    confirm = page.get_by_test_id("remove-totp-dialog")
    expect(confirm).to_be_visible()
    fits("06-remove-confirm")
    confirm.get_by_role("button", name=me.t["removeTotpDialog.confirm"], exact=True).click()
    expect(confirm.get_by_role("alert")).not_to_be_empty()
    fits("07-last-factor")
    confirm.get_by_role("button", name=me.t["removeTotpDialog.cancel"], exact=True).click()
    expect(confirm).to_have_count(0)
