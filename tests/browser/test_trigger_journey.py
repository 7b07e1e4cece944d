"""A tutor records the third missed session; the trigger fires at once; the tutor overrides the
proposed rating with a reason, keyboard and screen as a user would."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from demo.factories import ProgressEventFactory, SessionFactory, SubmissionFactory
from escalation.models import Decision, RiskNotification
from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_tutor_records_a_third_missed_session_and_overrides_the_proposal(
    page: Page, live_server, tutor, learner, artifacts_dir
):
    today = timezone.localdate()
    ProgressEventFactory(learner=learner, occurred_on=today - dt.timedelta(days=3))
    SubmissionFactory(learner=learner, occurred_on=today.replace(day=1) - dt.timedelta(days=10))
    for days_ago in (8, 4):
        SessionFactory(
            learner=learner, occurred_on=today - dt.timedelta(days=days_ago), attendance="missed"
        )
    log_in(page, live_server.url, tutor.username)
    page.goto(f"{live_server.url}/learners/{learner.pk}/")
    page.get_by_text("Add a record").click()
    page.get_by_role("link", name="Session attendance").click()
    page.get_by_label("Title").fill("Level 2 theory")
    page.get_by_label("Attendance").select_option(label="Missed")
    page.screenshot(path=artifacts_dir / "record-form.png", full_page=True)
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status").first).to_contain_text("Session attendance recorded.")
    panel = page.locator("#risk-notifications")
    expect(panel).to_contain_text("3 consecutive missed sessions without calling in")
    expect(panel).to_contain_text("Level 2 theory")
    page.screenshot(path=artifacts_dir / "risk-notification.png", full_page=True)

    panel.get_by_text("Override with a reason").click()
    panel.get_by_label("Rating you think is right").select_option(label="Low")
    panel.get_by_label("Why").fill("Hospital appointments, agreed with the employer in advance.")
    panel.get_by_role("button", name="Save the override").click()
    expect(page.get_by_role("status").first).to_contain_text("Decision recorded: rating Low.")
    expect(page.locator("#risk-notifications")).to_contain_text("Hospital appointments")

    note = RiskNotification.objects.get(learner=learner)
    assert note.status == Decision.OVERRIDDEN
