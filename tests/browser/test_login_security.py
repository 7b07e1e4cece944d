"""In Chromium: the CSP guard catches a violation, the lock-out page is accessible, and the
login page works under the Content-Security-Policy."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import axe_violations
from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_csp_guard_catches_an_inline_script(page: Page, _fail_on_csp_violations):
    page.route(
        "http://csp.example/",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Security-Policy": "script-src 'self'"},
            content_type="text/html",
            body="<html><body><script>document.title = 'ran'</script></body></html>",
        ),
    )
    page.goto("http://csp.example/")
    expect(page).not_to_have_title("ran")
    assert any("Content Security Policy" in v for v in _fail_on_csp_violations)
    _fail_on_csp_violations.clear()  # caught as it should be: not a failure of this test


def test_a_locked_out_login_gets_a_clear_accessible_page(
    page: Page, live_server, tutor, settings, artifacts_dir
):
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Username").fill(tutor.username)
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Log in").click()
        if page.get_by_role("heading", name="Log-in paused").is_visible():
            break
        expect(page.get_by_role("alert")).to_contain_text("correct username and password")

    expect(page.get_by_role("heading", level=1)).to_have_text("Log-in paused")
    expect(page.get_by_role("alert")).to_contain_text(
        f"paused for {settings.AXES_COOLOFF_MINUTES} minutes"
    )
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=artifacts_dir / "login-locked-out-phone.png", full_page=True)

    page.get_by_role("link", name="Back to the log-in page").click()
    page.get_by_label("Username").fill(tutor.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log-in paused")


def test_the_login_page_works_under_the_policy(page: Page, live_server, tutor, artifacts_dir):
    log_in(page, live_server.url, tutor.username)
    expect(page.get_by_role("button", name="Log out")).to_be_attached()
    page.set_viewport_size({"width": 390, "height": 844})
    # Bootstrap's menu button (JavaScript from our origin) still opens the menu.
    page.get_by_role("button", name="Show navigation").click()
    # Wait for the collapse to finish opening: a click mid-animation can miss (seen under load).
    expect(page.locator("#main-nav.show:not(.collapsing)")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=artifacts_dir / "login-after-logout.png")


def test_the_admin_works_under_the_policy(page: Page, live_server, tutor):
    from demo.factories import UserFactory

    UserFactory(username="root", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Users").first.click()
    page.get_by_role("link", name=tutor.username).click()
    expect(page.get_by_label("Active")).to_be_checked()
    # The admin's own scripts (the date pickers' shortcuts) run from static files.
    expect(page.get_by_role("link", name="Today").first).to_be_visible()
