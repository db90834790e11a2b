"""The page asks the API whether the tenant of its address exists before it shows a
form: a made-up tenant gets a page that says so (and names nothing), a real one its
display name in the header; overload or a lost connection during the check get a reason
and Try again."""

from __future__ import annotations

import re

import pytest
from browser import answer_once, assert_accessible, open_signin, screenshot
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.e2e

TENANT_CHECK = re.compile(r"/api/tenant$")


def expect_no_such_page(page: Page, address_part: str) -> None:
    expect(page.get_by_role("heading", name="This page does not exist", level=1)).to_be_visible()
    expect(page.locator("form, input")).to_have_count(0)
    expect(page.locator("#brand-tenant")).to_have_text("")
    # The address's tenant is not echoed as if it were a real organisation.
    assert address_part not in page.locator("body").inner_text()
    assert address_part not in page.title()


@pytest.mark.parametrize(("tenant", "answer"), [("no-such-tenant", 404), ("bad-", 400)])
def test_an_address_with_no_tenant_behind_it_shows_no_form(new_context, stack, tenant,
                                                           answer) -> None:
    page = new_context().new_page()
    with page.expect_response(TENANT_CHECK) as checked:
        page.goto(f"{stack.url}/t/{tenant}/")
    assert checked.value.status == answer  # unknown (404), or not the shape of an id (400)
    expect_no_such_page(page, tenant)
    assert page.title() == "This page does not exist"
    screenshot(page, f"tenant-unknown-{answer}")
    assert_accessible(page, f"tenant that does not exist ({answer})")


def test_a_known_tenant_is_named_by_its_display_name(new_context, stack) -> None:
    page = new_context().new_page()
    open_signin(page, stack.url, "demo")
    expect(page.locator("header")).to_contain_text("Demo Inc.")
    expect(page.get_by_text("Sign in to your Demo Inc. account.")).to_be_visible()
    assert page.title() == "Sign in · Demo Inc. account"
    screenshot(page, "tenant-display-name")


def test_no_form_shows_while_the_check_runs(new_context, stack) -> None:
    page = new_context().new_page()
    held: list[Route] = []

    def hold(route: Route) -> None:  # Playwright takes a Python function, not list.append
        held.append(route)

    page.route(TENANT_CHECK, hold)

    page.goto(f"{stack.url}/t/demo/")
    expect(page.get_by_role("status")).to_have_text("Loading…")
    page.wait_for_timeout(500)  # long enough for a form to flash, were one drawn
    assert len(held) == 1
    expect(page.locator("form, input")).to_have_count(0)
    expect(page.locator("#brand-tenant")).to_have_text("")

    held[0].continue_()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.locator("#brand-tenant")).to_have_text("Demo Inc.")


@pytest.mark.parametrize(("failure", "reason"), [
    ("overload", "The service is busy. Try again in 2 seconds."),
    ("network", "Cannot reach the server. Check your connection and try again."),
])
def test_a_check_that_cannot_be_made_says_why_and_tries_again(new_context, stack, failure,
                                                              reason) -> None:
    page = new_context().new_page()
    if failure == "overload":
        answer_once(page, "/tenant", retry_after=2)
    else:
        answer_once(page, "/tenant", abort="connectionreset")
    page.goto(f"{stack.url}/t/demo/")

    heading = page.get_by_role("heading", name="This page could not be loaded", level=1)
    expect(heading).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text=reason)).to_be_visible()
    expect(page.locator("form, input")).to_have_count(0)
    screenshot(page, f"tenant-check-{failure}")
    assert_accessible(page, f"tenant check failed ({failure})")

    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.locator("#brand-tenant")).to_have_text("Demo Inc.")
