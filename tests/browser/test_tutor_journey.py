"""The tutor's daily work in Chromium: log a call, raise the rating, see both on the timeline."""

import re

import pytest
from playwright.sync_api import Page, expect

from demo.factories import AgreedActionFactory, SupportRecordFactory
from riskcases.models import ContactLogEntry, RiskRating
from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_tutor_logs_a_call_then_raises_the_rating_to_high(
    page: Page, live_server, tutor, learner, artifacts_dir
):
    log_in(page, live_server.url, tutor.username)
    page.get_by_role("link", name=learner.full_name).click()

    page.get_by_role("link", name="Log a contact").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Log a contact")
    page.get_by_label("Type").select_option(label="Phone call")
    page.get_by_label("Outcome").select_option(label="No response")
    page.get_by_label("Notes").fill("Rang at 10:00 and 14:00; no answer, voicemail full.")
    page.screenshot(path=artifacts_dir / "contact-form.png", full_page=True)
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("status").first).to_contain_text("Contact logged.")

    page.get_by_role("link", name="Change rating").click()
    page.get_by_label(re.compile(r"High: ")).check()
    page.get_by_label("Reason").fill("Three sessions missed and no reply to calls.")
    page.get_by_label("Poor attendance at work or on programme (disengagement)").check()
    page.screenshot(path=artifacts_dir / "rating-form.png", full_page=True)
    page.get_by_role("button", name="Change rating").click()
    expect(page.get_by_role("status").first).to_contain_text("Rating changed to High.")

    timeline = page.locator("#timeline")
    expect(timeline.locator(".timeline-case").nth(0)).to_contain_text("Opened")
    expect(timeline.locator(".timeline-rating").nth(0)).to_contain_text("from Low to High")
    expect(timeline.locator(".timeline-rating").nth(0)).to_contain_text("Poor attendance")
    call = timeline.locator(".timeline-contact")
    expect(call).to_contain_text("No response")
    expect(call).to_contain_text("voicemail full")
    expect(page.get_by_text("Consider a support plan and engagement contract")).to_be_visible()
    page.screenshot(path=artifacts_dir / "learner-timeline.png", full_page=True)

    assert RiskRating.objects.get(learner=learner, ended_at__isnull=True).level == "high"
    assert ContactLogEntry.objects.filter(learner=learner).count() == 2

    # The timeline filter narrows in place (htmx) and keeps keyboard focus on the page.
    page.get_by_label("Contacts").uncheck()
    expect(timeline.locator(".timeline-contact")).to_have_count(0)
    expect(timeline.locator(".timeline-rating").first).to_contain_text("from Low to High")
    expect(page).to_have_url(re.compile(r"show=rating"))


def test_a_tutor_ticks_off_an_action_without_leaving_the_page(
    page: Page, live_server, tutor, learner, artifacts_dir
):
    action = AgreedActionFactory(
        support_record=SupportRecordFactory(learner=learner), description="Submit unit 3 draft"
    )
    log_in(page, live_server.url, tutor.username)
    page.goto(f"{live_server.url}/learners/{learner.pk}/")
    page.get_by_role("button", name=re.compile("Mark done")).click()
    expect(page.locator(f"#action-{action.pk}")).to_contain_text("Done")
    action.refresh_from_db()
    assert action.is_done
    page.screenshot(path=artifacts_dir / "action-done.png")
