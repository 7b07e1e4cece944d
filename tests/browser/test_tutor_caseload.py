"""A tutor logs in with Chromium, sees their caseload (only theirs) and opens a learner."""

import re

import pytest
from playwright.sync_api import Page, expect

from demo.factories import LearnerFactory
from learners.models import LearnerStatus
from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_tutor_logs_in_and_sees_only_their_caseload(
    page: Page, live_server, tutor, colleague, team, artifacts_dir
):
    mine = LearnerFactory(tutor=tutor, team=team, first_name="Amira", last_name="Bashir")
    on_break = LearnerFactory(
        tutor=tutor,
        team=team,
        first_name="Callum",
        last_name="Doyle",
        status=LearnerStatus.BREAK_IN_LEARNING,
    )
    theirs = LearnerFactory(tutor=colleague, team=team, first_name="Not", last_name="Mine")

    log_in(page, live_server.url, tutor.username)

    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    expect(page.get_by_role("link", name=mine.full_name)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(on_break.full_name))).to_contain_text(
        "Break in learning"
    )
    expect(page.get_by_text(theirs.full_name)).to_have_count(0)
    page.screenshot(path=artifacts_dir / "tutor-caseload.png", full_page=True)

    page.get_by_role("link", name=mine.full_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(mine.full_name)
    expect(page.get_by_text(mine.uln)).to_be_visible()
    page.screenshot(path=artifacts_dir / "learner-page.png", full_page=True)


def test_the_caseload_works_on_a_phone_sized_screen(
    browser, live_server, tutor, learner, artifacts_dir
):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    log_in(page, live_server.url, tutor.username)
    expect(page.get_by_role("link", name=learner.full_name)).to_be_visible()
    # The navigation folds into a menu button that the keyboard can open.
    menu = page.get_by_role("button", name="Show navigation")
    menu.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="My caseload")).to_be_visible()
    page.screenshot(path=artifacts_dir / "tutor-caseload-phone.png", full_page=True)
    context.close()


def test_a_wrong_password_gets_a_clear_message(page: Page, live_server, tutor, artifacts_dir):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(tutor.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page.get_by_label("Username")).to_have_value(tutor.username)
    page.screenshot(path=artifacts_dir / "login-error.png")
