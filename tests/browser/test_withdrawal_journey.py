"""A director opens the approvals queue, reads the evidence for a Notification of Withdrawal and
approves it with an ILR reason; at desktop and phone widths, checked with axe."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from demo.factories import LearnerFactory, SessionFactory, SupportRecordFactory, UserFactory
from riskcases.services import contact_log
from tests.browser.accessibility import axe_violations
from tests.browser.pages import log_in
from tests.escalation.withdrawal_steps import agreement, approve, at_withdrawal_stage
from withdrawals.models import RequestStatus, WithdrawalRequest
from withdrawals.services import withdrawal_reject

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def request_to_decide(learner, manager, tutor):
    SessionFactory(learner=learner, occurred_on=dt.date(2026, 10, 30), attendance="attended")
    SupportRecordFactory(learner=learner, summary="Fortnightly catch-up calls and a study plan")
    wr = at_withdrawal_stage(learner, manager).withdrawal_requests.get()
    contact_log(
        learner=learner,
        author=tutor,
        occurred_at=timezone.now(),
        contact_type="phone",
        outcome="no_response",
        notes="Stage 3 call to the learner: no answer",
    )
    agreement(wr, manager)
    return wr


def test_a_director_approves_a_withdrawal_with_an_ilr_reason(
    page: Page, live_server, request_to_decide, artifacts_dir
):
    director = UserFactory(username="dee.director", first_name="Dee", roles=["director"])
    log_in(page, live_server.url, director.username)
    page.get_by_role("link", name="Withdrawals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdrawals")
    page.screenshot(path=artifacts_dir / "withdrawal-queue.png", full_page=True)
    assert axe_violations(page) == []

    page.get_by_role("link", name="Lily Learner").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Notification of Withdrawal")
    for section in ("Rating history", "Stages and the contact attempts at each", "Support offered"):
        expect(page.get_by_role("heading", name=section)).to_be_visible()
    expect(page.get_by_text("Stage 3 call to the learner: no answer")).to_be_visible()
    expect(page.get_by_text("Fortnightly catch-up calls and a study plan")).to_be_visible()
    expect(page.locator("#agreement")).to_contain_text("Line manager")

    page.get_by_label("Approve the withdrawal").check()
    page.get_by_label("Reason for your decision").fill(
        "Every stage followed; no reply to calls or letters; the employer agrees."
    )
    page.get_by_label("ILR withdrawal reason (needed to approve)").select_option(
        label="44: Other personal reasons"
    )
    last_day = page.get_by_label("Last day of learning (needed to approve)")
    expect(last_day).to_have_value("2026-10-30")  # the last attended session, suggested
    page.screenshot(path=artifacts_dir / "withdrawal-evidence.png", full_page=True)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Record the decision").click()

    expect(page.get_by_role("status").first).to_contain_text("Decision recorded.")
    expect(page.locator("#withdrawal-status")).to_have_text("Learner withdrawn")
    expect(page.get_by_text("44: Other personal reasons (ILR 2026/27)")).to_be_visible()
    page.screenshot(path=artifacts_dir / "withdrawal-approved.png", full_page=True)
    wr = WithdrawalRequest.objects.get(pk=request_to_decide.pk)
    assert wr.status == RequestStatus.WITHDRAWN and wr.ilr_reason.code == 44
    assert wr.decided_by == director

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=artifacts_dir / "withdrawal-approved-phone.png", full_page=True)
    assert axe_violations(page) == []


def test_the_other_withdrawal_pages_are_accessible(
    browser, live_server, request_to_decide, manager, tutor, artifacts_dir
):
    director = UserFactory(username="dan.director", roles=["director"])
    approve(request_to_decide, director)
    rejected = at_withdrawal_stage(
        LearnerFactory(tutor=tutor, team=request_to_decide.learner.team, last_name="Rejected"),
        manager,
    ).withdrawal_requests.get()
    withdrawal_reject(request=rejected, by=director, reason="Try a three-way meeting first")
    wr = request_to_decide.pk
    visits = [
        (manager, "withdrawals/", "withdrawal-queue-manager"),
        (manager, f"withdrawals/{wr}/exit-review/", "exit-review-form"),
        (manager, f"cases/{rejected.case_id}/", "case-withdrawal-rejected"),
        (tutor, f"withdrawals/{wr}/", "withdrawal-tutor"),
        (tutor, f"learners/{request_to_decide.learner_id}/", "learner-withdrawn"),
    ]
    for user, path, name in visits:
        context = browser.new_context()
        page = context.new_page()
        log_in(page, live_server.url, user.username)
        page.goto(f"{live_server.url}/{path}")
        expect(page.locator("h1")).to_be_visible()
        page.screenshot(path=artifacts_dir / f"tour-{name}.png", full_page=True)
        assert axe_violations(page) == [], name
        context.close()
