"""The same decision submitted twice at the same instant (a double click, two tabs, two
directors): two POSTs through the pages from two threads, each with its own connection and
session. One decision or history row is stored; the other person is told plainly, never a 500."""

import datetime as dt
import re
import uuid
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from demo.factories import (
    EmploymentChangeFactory,
    LearnerFactory,
    ProgressEventFactory,
    SubmissionFactory,
)
from escalation.models import ChangeKind, RiskNotification
from escalation.triggers.evaluate import triggers_evaluate
from learners.models import EmploymentChangeKind
from riskcases.models import ContactLogEntry, RiskRating
from tests.concurrency import run_at_once
from tests.conftest import MONDAY
from tests.escalation.withdrawal_steps import agreement, approve, reason
from tests.samples import PDF
from withdrawals.appeals import appeal_lodge
from withdrawals.models import AppealStatus, EventKind

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("monday")]


def post_twice_at_once(user, url: str, data: Callable[[], dict]) -> list[str]:
    """Two signed-in browsers post the form at once; each page they end on, as text."""
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(user)
        clients.append(client)
    responses = run_at_once(*(lambda c=c: c.post(url, data(), follow=True) for c in clients))
    assert [r.status_code for r in responses] == [200, 200]
    return [r.content.decode() for r in responses]


def one_each(pages: list[str], done: str, refused: str) -> None:
    """One page says it was done, the other why it was not."""
    assert sorted((done in page, refused in page) for page in pages) == [
        (False, True),
        (True, False),
    ], [re.findall(r'class="alert[^>]*>([^<]*)<', page) for page in pages]


def test_rule_a_stage_3_approval_sent_twice_is_stored_once(director, raised):
    form = {
        "decision": "approve",
        "reason": "All stages tried.",
        "ilr_reason": reason().pk,
        "last_day_of_learning": "2026-10-30",
    }
    url = reverse("withdrawal_decide", args=[raised.pk])
    pages = post_twice_at_once(director, url, lambda: form)
    one_each(pages, "Decision recorded.", "so that cannot be done.")
    assert raised.events.filter(kind=EventKind.APPROVED).count() == 1


def test_rule_an_employer_agreement_sent_twice_is_stored_once(manager, raised):
    def form() -> dict:
        return {
            "agreed_by_name": "Pat Boss",
            "agreed_by_role": "Line manager",
            "agreed_on": "2026-11-20",
            "method": "email",
            "file": SimpleUploadedFile("agreement.pdf", PDF, content_type="application/pdf"),
        }

    url = reverse("employer_agreement_create", args=[raised.pk])
    pages = post_twice_at_once(manager, url, form)
    one_each(
        pages,
        "The employer&#x27;s agreement is recorded.",
        "The employer&#x27;s agreement is already recorded.",
    )
    assert raised.events.filter(kind=EventKind.EMPLOYER_AGREED).count() == 1


def test_rule_an_appeal_decision_sent_twice_is_stored_once(manager, director, raised):
    agreement(raised, manager)
    approve(raised, director)
    appeal = appeal_lodge(
        request=raised, by=manager, appellant="learner", received_on=MONDAY.date(), grounds="Ill"
    )
    url = reverse("appeal_decide", args=[appeal.pk])
    pages = post_twice_at_once(
        director,
        url,
        lambda: {"outcome": "overturn", "reason": "Agreed error", "reinstate_at_stage": "stage_1"},
    )
    one_each(pages, "Appeal decided.", "This appeal is overturned")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OVERTURNED
    assert raised.events.filter(kind=EventKind.APPEAL_OVERTURNED).count() == 1
    assert raised.case.changes.filter(kind=ChangeKind.REINSTATED).count() == 1


def test_rule_a_risk_notification_decided_twice_is_stored_once(tutor, learner):
    today = MONDAY.date()
    ProgressEventFactory(learner=learner, occurred_on=today - dt.timedelta(days=1))
    for day in (today - dt.timedelta(days=40), today - dt.timedelta(days=1)):
        SubmissionFactory(learner=learner, occurred_on=day)
    EmploymentChangeFactory(learner=learner, occurred_on=today, kind=EmploymentChangeKind.LEFT)
    [note_id] = triggers_evaluate(today=today, learner_ids=[learner.pk])["fired"]
    ratings = RiskRating.objects.filter(learner=learner).count()
    url = reverse("risk_notification_decide", args=[note_id])
    pages = post_twice_at_once(tutor, url, lambda: {"decision": "accept"})
    one_each(pages, "Decision recorded: rating", "This risk notification has already been decided.")
    note = RiskNotification.objects.get(pk=note_id)
    assert note.decided_by == tutor
    assert RiskRating.objects.filter(learner=learner).count() == ratings + 1


def test_rule_a_rating_change_form_sent_twice_is_stored_once(tutor, team):
    learner = LearnerFactory(tutor=tutor, team=team)
    form = {"level": "high", "reason": "No contact for 3 weeks", "submission_token": uuid.uuid4()}
    url = reverse("rating_change", args=[learner.pk])
    pages = post_twice_at_once(tutor, url, lambda: form)
    # The same form (its submission token) twice is one change; both pages say it is done.
    assert all("Rating changed to High." in page for page in pages)
    assert RiskRating.objects.filter(learner=learner).count() == 2  # Low at enrolment + High
    assert ContactLogEntry.objects.filter(learner=learner, contact_type="risk_rating").count() == 1
    assert learner.cases.count() == 1
