"""A manager opens an overdue case and sees its stage, due date and the rule that set it."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import Page, expect

from demo.factories import open_case
from escalation.services import case_advance
from tests.browser.accessibility import axe_violations
from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_opens_an_overdue_case(page: Page, live_server, manager, learner, artifacts_dir):
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC), tick=False):
        case = case_advance(case=open_case(learner), by=learner.tutor, reason="no contact")
    log_in(page, live_server.url, manager.username)
    page.get_by_role("link", name="Open cases").click()
    expect(page.get_by_role("row", name=learner.full_name)).to_contain_text("overdue")
    page.get_by_role("link", name=learner.full_name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stage 1")
    expect(page.locator("#case-due")).to_contain_text("Monday 9 November 2026")
    expect(page.locator("#case-due")).to_contain_text("overdue")
    expect(page.locator("#case-rule")).to_contain_text(
        "5 working days: Aspiration Stage 1, apprenticeship"
    )
    expect(page.get_by_text("Two further welfare-check attempts")).to_be_visible()
    page.screenshot(path=artifacts_dir / "case-overdue-manager.png", full_page=True)
    assert axe_violations(page) == []
    assert case.stage == "stage_1"


def test_the_policy_page_is_accessible(page: Page, live_server, tutor, artifacts_dir):
    log_in(page, live_server.url, tutor.username)
    page.get_by_role("link", name="Our policy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Our at-risk policies")
    page.screenshot(path=artifacts_dir / "policy-list.png", full_page=True)
    assert axe_violations(page) == []
    page.get_by_role("link", name="2022 (ATL 1.2)").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aspiration")
    page.screenshot(path=artifacts_dir / "policy.png", full_page=True)
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [1280, 390])
def test_a_tutor_records_a_makers_recommendation_and_moves_down(
    page: Page, live_server, tutor, learner, artifacts_dir, width
):
    """Makers stage 3: the moves card lists the version's moves from the stage, each greyed
    out with what it still needs until the recommendation is recorded."""
    from escalation.case_moves import case_move
    from tests.policy_helpers import team_follows

    team_follows(learner.team, "makers")
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC), tick=False):
        case = open_case(learner)
        for key in ("stage_1_forward", "stage_2_forward"):
            case = case_move(
                case=case, move_key=key, by=tutor, reason="No change", due_on=dt.date(2026, 12, 4)
            )
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server.url, tutor.username)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    down = page.get_by_role("button", name="Move back down to Stage 2")
    expect(down).to_be_disabled()
    page.screenshot(path=artifacts_dir / f"case-moves-makers-{width}.png", full_page=True)
    assert axe_violations(page) == []
    page.get_by_role("combobox", name="Recommendation").select_option(
        "Move back down to stage 1, 2 or off support"
    )
    page.get_by_role("textbox", name="Why").fill("Attending again after two reviews")
    page.get_by_role("button", name="Record the recommendation").click()
    expect(page.get_by_role("status").first).to_contain_text("Recommendation recorded")
    page.get_by_role("textbox", name="Reason").fill("Recommended at the stage 3 review")
    page.get_by_role("button", name="Move back down to Stage 2").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stage 2 (informal)")
    page.screenshot(path=artifacts_dir / f"case-moved-down-makers-{width}.png", full_page=True)
    assert axe_violations(page) == []
