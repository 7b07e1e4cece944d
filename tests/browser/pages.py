"""Helpers shared by the browser tests."""

import re

from playwright.sync_api import Page, expect

PASSWORD = "correct-horse-battery"  # UserFactory's default


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
