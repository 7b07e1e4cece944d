"""The withdrawal pages: the approvals queue by role, the evidence, the director's decision and
the recording of agreements, reviews, confirmations and appeals through the browser's forms."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demo.factories import LearnerFactory, SupportRecordFactory
from learners.models import LearnerStatus
from riskcases.services import contact_log
from tests.conftest import MONDAY
from tests.escalation.withdrawal_steps import agreement, approve, at_withdrawal_stage, reason
from tests.samples import PDF
from withdrawals.models import AppealStatus, ExitTheme, RequestStatus

pytestmark = pytest.mark.usefixtures("monday")  # tests/conftest.py


@pytest.fixture
def raised(raised, learner, tutor):
    """The shared request (tests/conftest.py) with the stage 3 contacts and support on record."""
    # Logged afterwards, dated inside stage 3.
    contact_log(
        learner=learner,
        author=tutor,
        occurred_at=MONDAY - dt.timedelta(days=13),
        contact_type="phone",
        outcome="no_response",
        notes="Stage 3 call: no answer",
    )
    contact_log(
        learner=learner,
        author=tutor,
        occurred_at=MONDAY - dt.timedelta(days=13),
        contact_type="letter",
        notes="Notification of Withdrawal sent",
    )
    contact_log(
        learner=learner,
        author=tutor,
        occurred_at=MONDAY - dt.timedelta(days=12),
        contact_type="meeting",
        confidential=True,
        notes="CANARY-disclosure",
    )
    SupportRecordFactory(learner=learner, summary="Weekly catch-up calls offered")
    return raised


def decide(client, request, **data):
    form = {
        "decision": "approve",
        "reason": "All stages tried.",
        "ilr_reason": reason().pk,
        "last_day_of_learning": "2026-10-30",
    } | data
    return client.post(reverse("withdrawal_decide", args=[request.pk]), form)


class TestQueue:
    def test_it_lists_requests_oldest_first_for_directors(
        self, client, director, raised, manager, team, tutor
    ):
        newer = LearnerFactory(tutor=tutor, team=team, last_name="Newer")
        at_withdrawal_stage(newer, manager)
        client.force_login(director)
        page = client.get(reverse("withdrawal_queue"))
        queue = list(page.context["queue"])
        assert [r.learner for r in queue] == [raised.learner, newer]

    def test_managers_see_their_teams_read_only(self, client, manager, raised, other_team):
        elsewhere = LearnerFactory(team=other_team)
        at_withdrawal_stage(elsewhere, manager)
        client.force_login(manager)
        page = client.get(reverse("withdrawal_queue"))
        assert [r.learner for r in page.context["queue"]] == [raised.learner]
        assert "Read only" in page.content.decode()
        detail = client.get(reverse("withdrawal_detail", args=[raised.pk]))
        assert "decision_form" not in detail.context
        assert decide(client, raised).status_code == 403

    def test_tutors_have_no_queue_but_see_their_learners_outcome(
        self, client, tutor, colleague, raised
    ):
        client.force_login(tutor)
        assert client.get(reverse("withdrawal_queue")).status_code == 403
        assert client.get(reverse("withdrawal_detail", args=[raised.pk])).status_code == 200
        client.force_login(colleague)
        assert client.get(reverse("withdrawal_detail", args=[raised.pk])).status_code == 404

    def test_the_queue_needs_no_query_per_row(self, client, director, manager, team, tutor):
        def count() -> int:
            client.force_login(director)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("withdrawal_queue")).status_code == 200
            return len(queries)

        at_withdrawal_stage(LearnerFactory(tutor=tutor, team=team), manager)
        few = count()
        for _ in range(5):
            at_withdrawal_stage(LearnerFactory(tutor=tutor, team=team), manager)
        assert count() == few


class TestEvidence:
    def test_the_director_reads_the_evidence_in_one_place(self, client, director, raised):
        client.force_login(director)
        page = client.get(reverse("withdrawal_detail", args=[raised.pk])).content.decode()
        for words in (
            "Rating history",
            "Stage 3",
            "Stage 3 call: no answer",
            "Weekly catch-up calls offered",
            "Notification of Withdrawal sent",
            "No response to the stage letter",
        ):
            assert words in page, words

    def test_confidential_notes_stay_hidden_from_directors(self, client, director, raised):
        client.force_login(director)
        page = client.get(reverse("withdrawal_detail", args=[raised.pk])).content.decode()
        assert "CANARY-disclosure" not in page
        assert "safeguarding team only" in page


class TestDecision:
    def test_a_director_approves_with_an_ilr_reason(self, client, director, raised, manager):
        agreement(raised, manager)
        client.force_login(director)
        response = decide(client, raised)
        assert response.status_code == 302
        raised.refresh_from_db()
        assert raised.status == RequestStatus.WITHDRAWN and raised.ilr_reason.code == 44
        learner_page = client.get(reverse("learner_detail", args=[raised.learner_id]))
        text = learner_page.content.decode()
        assert "Withdrawal: Learner withdrawn" in text
        assert "Approved by a director" in text  # on the learner timeline

    def test_approving_without_an_ilr_reason_is_a_form_error(self, client, director, raised):
        client.force_login(director)
        response = decide(client, raised, ilr_reason="", reason="Keep this text")
        assert response.status_code == 200
        form = response.context["decision_form"]
        assert "ilr_reason" in form.errors and form["reason"].value() == "Keep this text"
        raised.refresh_from_db()
        assert raised.status == RequestStatus.PENDING

    def test_the_director_who_raised_it_gets_no_form(self, client, director, learner):
        director.groups.add(*learner.tutor.groups.all())
        request = at_withdrawal_stage(learner, director).withdrawal_requests.get()
        client.force_login(director)
        page = client.get(reverse("withdrawal_detail", args=[request.pk]))
        assert "decision_form" not in page.context
        assert "another director must decide" in page.content.decode()
        decide(client, request)
        request.refresh_from_db()
        assert request.status == RequestStatus.PENDING

    def test_a_rejection_shows_on_the_case_page(self, client, director, raised):
        client.force_login(director)
        decide(client, raised, decision="reject", reason="Employer not yet phoned")
        page = client.get(reverse("case_detail", args=[raised.case_id])).content.decode()
        assert "Withdrawal rejected by a director" in page
        assert "Employer not yet phoned" in page
        assert "Raise the Notification of Withdrawal" in page


class TestRecording:
    def test_the_employers_agreement_is_uploaded(self, client, manager, raised):
        client.force_login(manager)
        url = reverse("employer_agreement_create", args=[raised.pk])
        data = {
            "agreed_by_name": "Pat Boss",
            "agreed_by_role": "Line manager",
            "agreed_on": "2026-11-20",
            "method": "email",
        }
        bad = client.post(url, data | {"file": SimpleUploadedFile("a.pdf", b"MZ" + b"\0" * 99)})
        assert bad.status_code == 200 and "file" in bad.context["agreement_form"].errors
        good = client.post(url, data | {"file": SimpleUploadedFile("a.pdf", PDF)})
        assert good.status_code == 302
        download = client.get(reverse("employer_agreement_download", args=[raised.pk]))
        assert download["Content-Disposition"].startswith("attachment")

    def test_exit_review_confirmation_and_a_late_appeal(self, client, manager, director, raised):
        agreement(raised, manager)
        approve(raised, director)
        client.force_login(manager)
        review = client.post(
            reverse("exit_review_create", args=[raised.pk]),
            {
                "reasons": "Shift work",
                "themes": [ExitTheme.objects.get(code="workload-time").pk],
                "might_have_kept": "Evening sessions",
                "learner_took_part": "on",
            },
        )
        assert review.status_code == 302
        client.post(reverse("confirmation_create", args=[raised.pk]), {"sent_on": "2026-11-23"})
        raised.refresh_from_db()
        assert raised.confirmation_sent_on == dt.date(2026, 11, 23)
        with time_machine.travel(dt.datetime(2026, 12, 10, 10, tzinfo=dt.UTC), tick=False):
            client.force_login(manager)  # a new day's session
            response = client.post(
                reverse("appeal_create", args=[raised.pk]),
                {"appellant": "learner", "received_on": "2026-12-09", "grounds": "Unwell"},
                follow=True,
            )
        assert "Appeal refused" in response.content.decode()
        assert raised.appeals.get().status == AppealStatus.REFUSED_LATE

    def test_an_overturn_through_the_page_reinstates(self, client, manager, director, raised):
        agreement(raised, manager)
        approve(raised, director)
        client.force_login(manager)
        client.post(
            reverse("appeal_create", args=[raised.pk]),
            {"appellant": "employer", "received_on": "2026-11-23", "grounds": "Wrong learner"},
        )
        appeal = raised.appeals.get()
        client.force_login(director)
        response = client.post(
            reverse("appeal_decide", args=[appeal.pk]),
            {"outcome": "overturn", "reason": "Agreed error", "reinstate_at_stage": "stage_1"},
        )
        assert response.status_code == 302
        raised.learner.refresh_from_db()
        assert raised.learner.status == LearnerStatus.ON_PROGRAMME
