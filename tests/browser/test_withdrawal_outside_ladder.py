"""A tutor raises a withdrawal outside the ladder for a learner who decided to leave (MTT), from
the learner page: the form at desktop and phone widths, a missing reason answered on the field,
then the withdrawal waiting for a director on the learner page. Checked with axe."""

import pytest
from playwright.sync_api import Page, expect

from demo.factories import LearnerFactory
from tests.browser.accessibility import axe_violations
from tests.browser.pages import log_in
from tests.policy_helpers import team_follows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_tutor_raises_a_withdrawal_for_a_learner_who_decided_to_leave(
    page: Page, live_server, team, tutor, artifacts_dir
):
    team_follows(team, "mtt")
    learner = LearnerFactory(tutor=tutor, team=team, first_name="Lee", last_name="Leaving")
    log_in(page, live_server.url, tutor.username)
    page.goto(f"{live_server.url}/learners/{learner.pk}/")
    page.get_by_role("link", name="Raise a withdrawal outside the ladder").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Raise a withdrawal")
    page.get_by_role("button", name="Raise the withdrawal for a director").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    page.screenshot(path=artifacts_dir / "withdrawal-outside-errors-1280.png", full_page=True)
    assert axe_violations(page) == []

    page.get_by_label("Withdraw: the learner decided to leave").check()
    page.get_by_label("What happened").fill("Phoned on Monday: has taken a job outside the sector.")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=artifacts_dir / "withdrawal-outside-390.png", full_page=True)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Raise the withdrawal for a director").click()
    expect(page.get_by_role("status").first).to_contain_text("a director decides it")
    expect(page.get_by_text("Awaiting a director's decision").first).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=artifacts_dir / "withdrawal-outside-raised-1280.png", full_page=True)
    assert axe_violations(page) == []
