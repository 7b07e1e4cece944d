"""BPN's rating beside its ladder and its withdrawal evidence in the browser: the learner page's
Amber checklist, the policy page's rating actions and withdrawal rules, and the withdrawal page's
three-attempts check and the four inputs of the decision, at 1280 and 390 px, axe clean."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import Page, expect

from demo.factories import ContactLogEntryFactory, LearnerFactory, open_case
from escalation.learner_actions import learner_rate
from escalation.services import case_advance
from policies.models import PolicyVersion
from tests.browser.accessibility import axe_violations
from tests.browser.pages import log_in
from tests.policy_helpers import team_follows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)  # a Monday


def _shots(page: Page, url: str, name: str, artifacts_dir) -> None:
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(url)
        page.screenshot(path=artifacts_dir / f"bpn-{name}-{width}.png", full_page=True)
        assert axe_violations(page) == []


def test_bpn_amber_checklist_policy_page_and_withdrawal_evidence(
    page: Page, live_server, team, manager, tutor, director, artifacts_dir
):
    team_follows(team, "bpn")
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        amber = LearnerFactory(tutor=tutor, team=team, first_name="Amy", last_name="Amber")
        idle = LearnerFactory(tutor=tutor, team=team, first_name="Ivo", last_name="Idle")
        learner_rate(learner=amber, level="medium", reason="Missed a review", by=tutor)
        ContactLogEntryFactory(learner=amber, contact_with="learner", notes="Called Amy.")
        case = open_case(idle, stage="week_5", reason="Inactivity")
        ContactLogEntryFactory(learner=idle, contact_type="phone", outcome="no_response")
        ContactLogEntryFactory(learner=idle, contact_type="email", outcome="no_response")
        ContactLogEntryFactory(
            learner=idle,
            contact_type="phone",
            contact_with="employer",
            author=manager,
            notes="Mentor: not seen at work on study days.",
        )
        case = case_advance(case=case, by=None, reason="Deadline passed")
    request = case.withdrawal_requests.get()
    version = PolicyVersion.objects.filter(policy__key="bpn", status="published").latest("number")

    log_in(page, live_server.url, tutor.username)
    _shots(page, f"{live_server.url}/learners/{amber.pk}/", "learner-amber", artifacts_dir)
    expect(page.get_by_role("heading", name="What Amber asks for")).to_be_visible()
    _shots(page, f"{live_server.url}/policy/versions/{version.pk}/", "policy", artifacts_dir)
    expect(page.get_by_role("heading", name="What each rating asks for")).to_be_visible()

    page.context.clear_cookies()
    log_in(page, live_server.url, director.username)
    url = f"{live_server.url}/withdrawals/{request.pk}/"
    _shots(page, url, "withdrawal", artifacts_dir)
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_role("heading", name="Contact attempts before withdrawal")).to_be_visible()
    expect(page.get_by_role("heading", name="Performance Manager review")).to_be_visible()
    page.get_by_label("Approve the withdrawal").check()
    page.get_by_role("textbox", name="Reason for your decision").fill("No engagement.")
    page.get_by_label("ILR withdrawal reason (needed to approve)").select_option(index=1)
    page.get_by_label("Last day of learning (needed to approve)").fill("2026-10-30")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Log them first, or say why you approve without them.")).to_be_visible()
    page.screenshot(path=artifacts_dir / "bpn-withdrawal-refused-1280.png", full_page=True)
    assert axe_violations(page) == []
