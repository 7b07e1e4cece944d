"""MTT Learner at Risk Policy (2025): its rules as a user meets them (docs/policies/mtt.md)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from demo.factories import LearnerFactory, VisitFactory, open_case, stage_letter_not_sent
from escalation.case_moves import case_move
from escalation.case_tasks import case_tasks_tell_overdue
from escalation.models import CaseTask, EscalationCase
from escalation.services import IllegalMove
from escalation.sweeps.overdue import cases_advance_all_overdue, cases_due_for_advance
from escalation.sweeps.rating_review import rating_reviews_flag
from learners.models.records import VisitKind, VisitOutcome
from notifications.models import Notification
from policies.seeding import shipped_spec
from riskcases.models import ContactType
from riskcases.services import contact_log
from tests.conftest import MONDAY
from tests.policy_helpers import team_follows

pytestmark = pytest.mark.usefixtures("monday")
TODAY = MONDAY.date()


@pytest.fixture
def mtt_learner(team, tutor):
    team_follows(team, "mtt")
    return LearnerFactory(tutor=tutor, team=team, first_name="Mo", last_name="Tee")


def _started(learner, days_ago: int):
    learner.start_date = TODAY - dt.timedelta(days=days_ago)
    learner.save(update_fields=["start_date"])
    return learner


class TestRatingReview:
    def test_rule_mtt_a_learner_past_6_weeks_with_no_rating_review_is_flagged_to_their_tutor(
        self, mtt_learner, tutor
    ):
        _started(mtt_learner, 42)
        assert rating_reviews_flag(today=TODAY) == 0  # day 42 is still inside the 6 weeks
        _started(mtt_learner, 43)
        assert rating_reviews_flag(today=TODAY) == 1
        note = Notification.objects.get(recipient=tutor, kind="rating_review_due")
        assert "no rating review in the first 42 days" in note.title
        assert rating_reviews_flag(today=TODAY) == 0  # daily and idempotent: told once
        assert rating_reviews_flag(today=TODAY + dt.timedelta(days=1)) == 0

    def test_rule_mtt_a_progress_review_held_counts_as_the_rating_review(self, mtt_learner):
        _started(mtt_learner, 60)
        VisitFactory(
            learner=mtt_learner,
            occurred_on=TODAY - dt.timedelta(days=20),
            kind=VisitKind.REVIEW,
            outcome=VisitOutcome.HELD,
        )
        assert rating_reviews_flag(today=TODAY) == 0

    def test_rule_mtt_the_6_weeks_is_the_versions_data_other_policies_have_none(
        self, learner, tutor
    ):
        _started(learner, 100)  # the default policy (Aspiration) sets no rating-review period
        assert rating_reviews_flag(today=TODAY) == 0
        assert shipped_spec("mtt").periods.rating_review_days == 42


class TestDirectorsDiscussion:
    def test_rule_mtt_team_and_directors_discuss_further_interventions_within_10_days(
        self, client, mtt_learner, tutor, director
    ):
        case = open_case(mtt_learner, by=tutor)
        task = case.tasks.get()
        assert task.due_on == TODAY + dt.timedelta(days=10)
        told = Notification.objects.get(recipient=director, kind="case_task")
        assert "Team and Directors discuss further interventions" in told.title
        client.force_login(tutor)
        page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
        assert "Dated tasks" in page and "Thursday 3 December 2026" in page
        # Overdue like any other: past its date the page says so and its people are told once.
        later = TODAY + dt.timedelta(days=11)
        assert case_tasks_tell_overdue(today=later) == 1
        assert case_tasks_tell_overdue(today=later) == 0
        assert Notification.objects.filter(recipient=director, kind="case_task_overdue").exists()
        with time_machine.travel(MONDAY + dt.timedelta(days=11), tick=False):
            client.force_login(tutor)  # a fresh session: the old one has expired
            page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
            assert "overdue" in page
            url = reverse("case_task_done", args=[case.pk, task.pk])
            refused = client.post(url, {"note": ""})
            assert "This field is required" in refused.content.decode()
            client.post(url, {"note": "Mentor support and weekly calls agreed"})
        task.refresh_from_db()
        assert task.is_done and task.done_note == "Mentor support and weekly calls agreed"


def test_rule_mtt_quality_lead_discussion_and_agreed_steps_show_on_the_case_page(
    client, mtt_learner, tutor
):
    case = open_case(mtt_learner, by=tutor)
    contact_log(
        learner=mtt_learner,
        author=tutor,
        occurred_at=MONDAY,
        contact_type=ContactType.CASE_DISCUSSION,
        notes="Discussed with the Quality Lead: three-way meeting and a mentor agreed.",
    )
    client.force_login(tutor)
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "discussion with the Quality Lead" in page
    assert "(1 of 1 logged since the stage began)" in page
    assert "three-way meeting and a mentor agreed" in page


class TestImmediateEscalation:
    def test_rule_mtt_a_serious_case_is_escalated_immediately_with_its_reason(
        self, mtt_learner, tutor, director
    ):
        case = open_case(mtt_learner, by=tutor)
        with pytest.raises(IllegalMove, match="Only a director may make this move"):
            case_move(case=case, by=tutor, reason="Serious", move_key="escalate_now_stage_3")
        with pytest.raises(ValidationError, match="Say why"):
            case_move(case=case, by=director, reason=" ", move_key="escalate_now_stage_3")
        case = case_move(
            case=case,
            by=director,
            reason="Threatened to leave today; employer reports no attendance for 3 weeks.",
            move_key="escalate_now_stage_3",
        )
        assert case.stage == "stage_3"
        change = case.changes.order_by("-sequence").first()
        assert (change.from_stage, change.to_stage) == ("first_risk", "stage_3")
        assert change.reason.startswith("Threatened to leave today")
        assert case.withdrawal_requests.exists()  # Stage 3 is the Notification of Withdrawal

    def test_rule_mtt_a_manager_may_escalate_straight_to_stage_2(self, mtt_learner, manager):
        case = open_case(mtt_learner)
        case = case_move(
            case=case, by=manager, reason="Disclosed a crisis", move_key="escalate_now_stage_2"
        )
        assert case.stage == "stage_2"
        # A plain advance is still the next stage: the jump is made only by its own key.
        assert shipped_spec("mtt").move("first_risk_forward").to_stage is None


class TestDeadlines:
    def test_rule_mtt_stage_1_unsuccessful_within_5_working_days_moves_to_stage_2(
        self, mtt_learner
    ):
        case = open_case(mtt_learner, stage="stage_1")
        assert case.stage_due_on == dt.date(2026, 11, 30)
        day_after = dt.date(2026, 12, 1)
        cases_advance_all_overdue(case_ids=cases_due_for_advance(today=day_after), today=day_after)
        case.refresh_from_db()
        assert case.stage == "stage_2"
        assert case.changes.order_by("-sequence").first().by_sweep

    def test_rule_mtt_stage_2_has_10_working_days_then_stage_3(self, mtt_learner):
        case = open_case(mtt_learner, stage="stage_2")
        assert case.stage_due_on == dt.date(2026, 12, 7)
        day_after = dt.date(2026, 12, 8)
        cases_advance_all_overdue(case_ids=cases_due_for_advance(today=day_after), today=day_after)
        case.refresh_from_db()
        assert case.stage == "stage_3"
        assert case.withdrawal_requests.exists()

    def test_rule_mtt_first_risk_has_no_deadline_its_10_day_task_goes_overdue(self, mtt_learner):
        case = open_case(mtt_learner)
        assert case.stage_due_on is None
        months_later = TODAY + dt.timedelta(days=120)
        assert case.pk not in cases_due_for_advance(today=months_later)
        assert case_tasks_tell_overdue(today=months_later) == 1

    def test_rule_mtt_stage_1_is_the_directors_email_and_two_welfare_attempts(
        self, mtt_learner, tutor, director
    ):
        mtt = shipped_spec("mtt")
        stage = mtt.stage("stage_1")
        assert stage.letter == "stage_1" and stage.actor_roles == ("director",)
        assert [c.count for c in stage.contacts] == [1, 2] and stage.contacts[1].welfare_check
        case = open_case(mtt_learner, stage="stage_1")
        with pytest.raises(IllegalMove, match="has not been notified"):
            case_move(case=case, by=director, reason="No reply", move_key="stage_1_forward")
        stage_letter_not_sent(case, by=director)
        assert case_move(case=case, by=director, reason="No reply", move_key="stage_1_forward")


def test_rule_mtt_stage_2_is_learner_support_or_safeguarding_and_stage_3_the_director():
    mtt = shipped_spec("mtt")
    assert set(mtt.stage("stage_2").actor_roles) == {"safeguarding", "manager"}
    assert mtt.stage("stage_3").actor_roles == ("director",)
    assert mtt.stage("stage_3").withdrawal


def test_rule_mtt_the_documents_indicators_and_numbers(mtt_learner):
    mtt = shipped_spec("mtt")
    assert mtt.trigger("behind_progress").percent == 30
    assert mtt.trigger("missed_sessions").count == 3
    assert mtt.trigger("missed_homework").count == 4
    assert mtt.trigger("work_absences").count == 2  # "more than 2"
    assert mtt.trigger("no_progress").days_for("ENG") == 42
    assert (mtt.trigger("cancelled_visits").count, mtt.trigger("cancelled_visits").days) == (2, 28)
    assert mtt.directors_told_within_days == 60
    assert {"missed_sessions", "no_progress", "cancelled_visits"} == {
        rule.key for rule in mtt.triggers if rule.opens_at == "stage_1"
    }


def test_rule_mtt_policy_page_reads_as_mtt(client, tutor):
    from policies.models import Policy
    from policies.selectors import policy_current_version_id

    version = policy_current_version_id(policy_id=Policy.objects.get(key="mtt").pk)
    client.force_login(tutor)
    page = client.get(reverse("policy_version", args=[version])).content.decode()
    assert "Team and Directors discuss further interventions within 10 days" in page
    assert "within the first 42 days on programme" in page
    assert "Escalate immediately to Stage 3" in page
    assert "a reason why, kept in the stage history" in page


def test_every_mtt_task_is_unique_per_stage_start(mtt_learner):
    case = open_case(mtt_learner)
    assert CaseTask.objects.filter(case=case).count() == 1
    assert EscalationCase.objects.get(pk=case.pk).stage == "first_risk"


def test_rule_mtt_back_on_track_period_is_our_addition():
    mtt = shipped_spec("mtt")
    assert mtt.back_on_track_days == 28
    assert "Consistently at or above" in mtt.addition("periods.back_on_track_days")
    assert any(move.kind == "close" for move in mtt.moves)
