"""A Makers coach records a stage 3 review meeting on the case page (a blank point answered on
its field), then records the recommendation with its confirming e-mail: the page at desktop and
phone widths, checked with axe."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from demo.factories import EmployerFactory, LearnerFactory, open_case, stage_letter_not_sent
from escalation.case_moves import case_move
from tests.browser.accessibility import axe_violations
from tests.browser.pages import log_in
from tests.policy_helpers import team_follows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coach_records_a_review_and_the_recommendation(
    page: Page, live_server, team, tutor, manager, director, artifacts_dir
):
    team_follows(team, "makers")
    learner = LearnerFactory(
        tutor=tutor, team=team, first_name="Mo", last_name="Makers", employer=EmployerFactory()
    )
    case = open_case(learner)
    case = case_move(case=case, move_key="stage_1_forward", by=tutor, reason="Still behind")
    case = case_move(
        case=case,
        move_key="stage_2_forward",
        by=tutor,
        reason="Informal support did not bring Mo back on track",
        due_on=timezone.localdate() + dt.timedelta(days=35),
    )
    stage_letter_not_sent(case, by=tutor)
    log_in(page, live_server.url, tutor.username)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_text("0 of 2 held since the stage began")).to_be_visible()
    page.get_by_label("Held on").fill(timezone.localdate().isoformat())
    page.get_by_label("Update on progress with actions").fill("Two of three actions done")
    page.get_by_label("Successes").fill("Shipped the first feature")
    page.get_by_role("button", name="Record the review meeting").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    page.screenshot(path=artifacts_dir / "makers-review-errors-1280.png", full_page=True)
    assert axe_violations(page) == []
    for label in ("Blockers", "Any amendments proposed", "Support requests"):
        page.get_by_label(label).fill("None")
    page.get_by_role("button", name="Record the review meeting").click()
    expect(page.get_by_text("1 of 2 held since the stage began")).to_be_visible()
    page.locator("#recommend_outcome").select_option("Escalate to stage 4")
    page.locator("#recommend_reason").fill("The API project is three weeks late.")
    page.get_by_role("button", name="Record the recommendation").click()
    expect(page.get_by_text("Confirming e-mail sent").first).to_be_visible()
    page.screenshot(path=artifacts_dir / "makers-review-1280.png", full_page=True)
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=artifacts_dir / "makers-review-390.png", full_page=True)
    assert axe_violations(page) == []
    # The manager records reviews too; a director reads the page (stage 3's recommendation is
    # the coach's, so neither is offered the recommendation form).
    page.set_viewport_size({"width": 1280, "height": 900})
    for person in (manager, director):
        page.context.clear_cookies()
        log_in(page, live_server.url, person.username)
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        expect(page.get_by_text("1 of 2 held since the stage began")).to_be_visible()
        expect(page.get_by_role("button", name="Record the recommendation")).to_have_count(0)
        page.screenshot(path=artifacts_dir / f"makers-review-{person.username}.png", full_page=True)
        assert axe_violations(page) == []
