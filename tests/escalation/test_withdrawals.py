"""Stage 3 "Notification of Withdrawal": director approval with four eyes, the employer's
agreement for apprentices, completion, rejection, the written confirmation and the exit review."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from demo.factories import LearnerFactory, SupportRecordFactory
from escalation.models import CaseStatus, ChangeKind
from escalation.services import IllegalMove, case_step_down
from learners.models import LearnerStatus
from notifications.models import Notification
from riskcases.models import SupportKind
from tests.concurrency import run_at_once
from tests.conftest import MONDAY
from tests.escalation.withdrawal_steps import agreement, approve, at_withdrawal_stage
from withdrawals.models import (
    EventKind,
    ExitTheme,
    RequestStatus,
    WithdrawalEvent,
    WithdrawalRequest,
)
from withdrawals.services import (
    exit_review_record,
    ilr_year_of,
    withdrawal_confirmation_record,
    withdrawal_reasons_for,
    withdrawal_reject,
    withdrawal_request_raise,
)

pytestmark = pytest.mark.usefixtures("monday")  # tests/conftest.py


@pytest.fixture
def second_director(user_with_role):
    return user_with_role("director", username="dan.director")


class TestRaising:
    def test_rule_reaching_stage_3_raises_the_notification_of_withdrawal(
        self, learner, manager, director
    ):
        case = at_withdrawal_stage(learner, manager)
        request = case.withdrawal_requests.get()
        assert request.status == RequestStatus.PENDING
        assert request.raised_by == manager and "No response" in request.grounds
        assert request.events.get().kind == EventKind.RAISED
        assert Notification.objects.filter(recipient=director, kind="withdrawal").exists()

    def test_it_raises_one_request_per_case_at_a_time(self, raised, manager):
        with pytest.raises(IllegalMove):
            withdrawal_request_raise(case=raised.case, by=manager, grounds="Again")
        with pytest.raises(IntegrityError), transaction.atomic():
            WithdrawalRequest.objects.create(
                case=raised.case, learner=raised.learner, grounds="x", raised_at=MONDAY
            )

    def test_stepping_down_cancels_the_request(self, raised, tutor):
        SupportRecordFactory(learner=raised.learner, kind=SupportKind.SUPPORT_CONTRACT)
        case_step_down(case=raised.case, by=tutor, reason="Back in touch; contract agreed")
        raised.refresh_from_db()
        assert raised.status == RequestStatus.CANCELLED
        assert raised.events.last().kind == EventKind.CANCELLED


class TestFourEyes:
    def test_rule_the_person_who_raised_it_cannot_approve_it(self, learner, director):
        director.groups.add(*learner.tutor.groups.all())
        case = at_withdrawal_stage(learner, director)
        request = case.withdrawal_requests.get()
        with pytest.raises(ValidationError, match="another director"):
            approve(request, director)
        request.refresh_from_db()
        assert request.status == RequestStatus.PENDING

    def test_rule_four_eyes_is_also_a_database_check(self, raised, manager):
        raised.decided_by = manager
        with pytest.raises(IntegrityError), transaction.atomic():
            raised.save()

    def test_only_directors_decide(self, raised, tutor):
        with pytest.raises(PermissionDenied):
            approve(raised, tutor)
        with pytest.raises(PermissionDenied):
            withdrawal_reject(request=raised, by=tutor, reason="No")


class TestApproval:
    def test_rule_an_apprentice_waits_for_the_employers_agreement(self, raised, director, manager):
        approve(raised, director)
        raised.refresh_from_db()
        raised.learner.refresh_from_db()
        assert raised.status == RequestStatus.AWAITING_EMPLOYER
        assert raised.learner.status == LearnerStatus.ON_PROGRAMME
        assert raised.case.status == CaseStatus.OPEN

        agreement(raised, manager)
        raised.refresh_from_db()
        raised.learner.refresh_from_db()
        assert raised.status == RequestStatus.WITHDRAWN
        assert raised.learner.status == LearnerStatus.WITHDRAWN
        raised.case.refresh_from_db()
        assert raised.case.status == CaseStatus.WITHDRAWN
        assert raised.case.changes.last().kind == ChangeKind.WITHDRAWN

    def test_an_agreement_recorded_first_lets_approval_complete_at_once(
        self, raised, director, manager
    ):
        agreement(raised, manager)
        approve(raised, director)
        raised.refresh_from_db()
        assert raised.status == RequestStatus.WITHDRAWN
        assert raised.last_day_of_learning == dt.date(2026, 10, 30)
        assert raised.ilr_reason.code == 44

    def test_rule_other_programmes_need_no_employer_agreement(self, tutor, team, manager, director):
        trainee = LearnerFactory(tutor=tutor, team=team, programme_type="short_course")
        request = at_withdrawal_stage(trainee, manager).withdrawal_requests.get()
        approve(request, director)
        request.refresh_from_db()
        assert request.status == RequestStatus.WITHDRAWN

    def test_rule_written_confirmation_is_due_in_10_working_days(self, raised, director, manager):
        agreement(raised, manager)
        approve(raised, director)
        raised.refresh_from_db()
        # Monday 23 Nov + 10 working days = Monday 7 Dec 2026.
        assert raised.confirmation_due_on == dt.date(2026, 12, 7)
        withdrawal_confirmation_record(request=raised, by=manager, sent_on=dt.date(2026, 11, 23))
        raised.refresh_from_db()
        assert raised.confirmation_sent_on == dt.date(2026, 11, 23)

    def test_the_agreement_needs_its_proof(self, raised, manager):
        with pytest.raises(ValidationError) as error:
            agreement(raised, manager, upload=None)
        assert "file" in error.value.error_dict
        renamed = SimpleUploadedFile("agreement.pdf", b"MZ\x90\x00" + b"\x00" * 200)
        with pytest.raises(ValidationError):
            agreement(raised, manager, upload=renamed)
        assert not hasattr(raised, "employer_agreement") or raised.employer_agreement is None

    def test_approval_needs_a_last_day_inside_the_programme(self, raised, director):
        with pytest.raises(ValidationError) as error:
            approve(raised, director, last_day_of_learning=dt.date(2026, 12, 1))
        assert "last_day_of_learning" in error.value.error_dict
        raised.refresh_from_db()
        assert raised.status == RequestStatus.PENDING and raised.decided_by is None

    def test_approving_twice_is_refused(self, raised, director, second_director, manager):
        agreement(raised, manager)
        approve(raised, director)
        with pytest.raises(IllegalMove):
            approve(raised, second_director)
        assert raised.events.filter(kind=EventKind.APPROVED).count() == 1


class TestRejection:
    def test_rule_reject_returns_the_case_to_stage_3_with_the_reason(self, raised, director):
        withdrawal_reject(request=raised, by=director, reason="Welfare calls not yet tried")
        raised.refresh_from_db()
        case = raised.case
        case.refresh_from_db()
        assert raised.status == RequestStatus.REJECTED
        assert (case.stage, case.status) == ("stage_3", CaseStatus.OPEN)
        change = case.changes.last()
        assert change.kind == ChangeKind.WITHDRAWAL_REJECTED
        assert "Welfare calls not yet tried" in change.reason and change.by == director

    def test_a_new_request_can_be_raised_after_a_rejection(self, raised, director, manager):
        withdrawal_reject(request=raised, by=director, reason="Try the employer first")
        again = withdrawal_request_raise(case=raised.case, by=manager, grounds="Employer agrees")
        assert again.status == RequestStatus.PENDING


class TestExitReview:
    def test_it_records_the_exit_review_once(self, raised, director, manager):
        agreement(raised, manager)
        approve(raised, director)
        themes = ExitTheme.objects.filter(code__in=["workload-time", "financial"])
        exit_review_record(
            request=raised,
            by=manager,
            reasons="Could not fit study around shifts.",
            themes=themes,
            might_have_kept="Fewer evening sessions.",
            learner_took_part=True,
        )
        assert set(raised.exit_review.themes.values_list("code", flat=True)) == {
            "workload-time",
            "financial",
        }
        with pytest.raises(IllegalMove):
            exit_review_record(
                request=raised,
                by=manager,
                reasons="x",
                themes=themes,
                might_have_kept="y",
                learner_took_part=False,
            )


class TestReasons:
    def test_rule_ilr_years_run_from_1_august(self):
        assert ilr_year_of(dt.date(2026, 7, 31)) == "2025/26"
        assert ilr_year_of(dt.date(2026, 8, 1)) == "2026/27"

    def test_it_offers_the_codes_asked_for(self, db):
        codes = set(withdrawal_reasons_for(dt.date(2026, 11, 1)).values_list("code", flat=True))
        assert codes == {2, 3, 7, 28, 29, 40, 41, 43, 44, 46, 47, 48, 97, 98}

    def test_a_year_not_loaded_falls_back_to_the_newest(self, db):
        assert withdrawal_reasons_for(dt.date(2028, 1, 1)).first().ilr_year == "2026/27"


def test_withdrawal_history_is_append_only(raised):
    event = raised.events.get()
    event.note = "rewritten"
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 (a database error)
        event.save()
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        WithdrawalEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.django_db(transaction=True)
def test_two_directors_approving_at_once_store_one_decision(tutor, team, manager, user_with_role):
    learner = LearnerFactory(tutor=tutor, team=team, programme_type="short_course")
    request = at_withdrawal_stage(learner, manager).withdrawal_requests.get()
    directors = [user_with_role("director", username=f"director.{n}") for n in range(2)]
    outcomes = run_at_once(
        *(lambda director=director: approve(request, director) for director in directors),
        expect=(IllegalMove,),
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == [
        "IllegalMove",
        "WithdrawalRequest",
    ]
    assert request.events.filter(kind=EventKind.APPROVED).count() == 1
    assert request.case.changes.filter(kind=ChangeKind.WITHDRAWN).count() == 1
