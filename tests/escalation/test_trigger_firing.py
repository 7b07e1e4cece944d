"""What a trigger does when it fires: a risk notification, a case opened or joined, a proposed
rating the tutor decides on, the directors told inside the first 60 days, never twice."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from demo.factories import (
    EmploymentChangeFactory,
    LearnerFactory,
    ProgressEventFactory,
    ProgressSnapshotFactory,
    SessionFactory,
    SubmissionFactory,
    open_case,
)
from escalation.models import CaseStatus, Decision, EscalationCase, RiskNotification
from escalation.services import IllegalMove
from escalation.tasks import sweep_triggers
from escalation.triggers.evaluate import triggers_evaluate
from escalation.triggers.firing import risk_notification_decide
from learners.models import Attendance, EmploymentChangeKind
from learners.roles import Role
from notifications.models import Notification
from policies.selectors import spec_cache_clear
from riskcases.services import rating_change, rating_current
from tests.concurrency import run_at_once

TODAY = dt.date(2026, 11, 23)
NOON = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def evaluate(learner, today=TODAY):
    with time_machine.travel(dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC), tick=False):
        return triggers_evaluate(today=today, learner_ids=[learner.pk])


def keep_active(learner, today=TODAY):
    """Recent progress and attendance so only the rule under test can fire."""
    ProgressEventFactory(learner=learner, occurred_on=today - dt.timedelta(days=1))
    for day in (dt.date(2026, 10, 15), today - dt.timedelta(days=1)):
        SubmissionFactory(learner=learner, occurred_on=day)


def miss_sessions(learner, n, today=TODAY):
    for i in range(n):
        SessionFactory(
            learner=learner,
            occurred_on=today - dt.timedelta(days=n - i),
            attendance=Attendance.MISSED,
        )


@pytest.fixture
def quality(user_with_role):
    return user_with_role(Role.QUALITY, username="iqa")


def test_it_raises_a_risk_notification_naming_the_rule_and_records(learner):
    keep_active(learner)
    miss_sessions(learner, 3)
    result = evaluate(learner)
    [note] = RiskNotification.objects.filter(pk__in=result["fired"])
    assert note.rule_name == "3 consecutive missed sessions without calling in"
    assert note.evidence.count("missed") == 3
    assert note.status == Decision.PENDING


def test_it_never_fires_twice_on_the_same_records(learner):
    keep_active(learner)
    miss_sessions(learner, 3)
    evaluate(learner)
    assert evaluate(learner)["fired"] == []
    SessionFactory(learner=learner, occurred_on=TODAY, attendance=Attendance.MISSED)
    assert evaluate(learner)["fired"] == []  # the same run of misses, one longer
    assert RiskNotification.objects.filter(learner=learner).count() == 1


def test_it_fires_again_on_a_new_run_after_attending(learner):
    keep_active(learner)
    miss_sessions(learner, 3, today=TODAY - dt.timedelta(days=10))
    evaluate(learner, TODAY - dt.timedelta(days=7))
    SessionFactory(learner=learner, occurred_on=TODAY - dt.timedelta(days=5))
    miss_sessions(learner, 3)
    assert len(evaluate(learner)["fired"]) == 1
    assert RiskNotification.objects.filter(rule_key="missed_sessions").count() == 2


def test_rule_stage_1_triggers_open_the_case_at_stage_1(learner):
    keep_active(learner)
    miss_sessions(learner, 3)  # Aspiration: non-attendance starts Stage 1
    evaluate(learner)
    case = EscalationCase.objects.get(learner=learner)
    assert case.stage == "stage_1"
    assert case.stage_due_on == dt.date(2026, 11, 30)  # 5 working days
    assert case.changes.get().by_sweep


def test_rule_other_triggers_open_the_case_at_first_risk(learner):
    keep_active(learner)
    for i in range(4):
        SubmissionFactory(learner=learner, occurred_on=TODAY, title=f"Set {i}", outcome="missed")
    evaluate(learner)
    assert EscalationCase.objects.get(learner=learner).stage == "first_risk"


def test_it_joins_an_open_case_and_moves_it_up_to_stage_1(learner):
    keep_active(learner)
    with time_machine.travel(NOON, tick=False):
        case = open_case(learner)
    miss_sessions(learner, 3)
    evaluate(learner)
    case.refresh_from_db()
    assert case.stage == "stage_1"
    assert RiskNotification.objects.get(learner=learner).case == case
    assert EscalationCase.objects.filter(learner=learner).count() == 1


def test_it_proposes_one_step_above_the_current_rating(learner, tutor):
    keep_active(learner)
    rating_change(learner=learner, level="medium", reason="Late work", set_by=tutor)
    miss_sessions(learner, 3)
    evaluate(learner)
    assert RiskNotification.objects.get(learner=learner).proposed_level == "high"


def test_it_tells_the_tutor_the_team_manager_and_iqa(learner, manager, quality, colleague):
    keep_active(learner)
    miss_sessions(learner, 3)
    evaluate(learner)
    told = set(
        Notification.objects.filter(kind="risk_notification").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"owner.tutor", "team.manager", "iqa"}


class TestFirst60Days:
    def test_rule_directors_are_told_at_once_inside_the_first_60_days(self, tutor, team, director):
        learner = LearnerFactory(tutor=tutor, team=team, start_date=TODAY - dt.timedelta(days=59))
        keep_active(learner)
        EmploymentChangeFactory(learner=learner, occurred_on=TODAY, kind=EmploymentChangeKind.LEFT)
        evaluate(learner)
        [alert] = Notification.objects.filter(kind="early_risk")
        assert alert.recipient == director
        assert "first 60 days" in alert.title
        assert RiskNotification.objects.get(learner=learner).within_first_days

    def test_rule_day_60_is_outside_the_first_60_days(self, tutor, team, director):
        learner = LearnerFactory(tutor=tutor, team=team, start_date=TODAY - dt.timedelta(days=60))
        keep_active(learner)
        EmploymentChangeFactory(learner=learner, occurred_on=TODAY, kind=EmploymentChangeKind.LEFT)
        evaluate(learner)
        assert not Notification.objects.filter(kind="early_risk").exists()


class TestDecision:
    @pytest.fixture
    def note(self, learner):
        keep_active(learner)
        miss_sessions(learner, 3)
        evaluate(learner)
        return RiskNotification.objects.get(learner=learner)

    def test_it_accepts_the_proposed_rating(self, note, tutor, learner):
        risk_notification_decide(notification=note, by=tutor, accept=True)
        assert rating_current(learner=learner).level == "medium"
        note.refresh_from_db()
        assert (note.status, note.decided_by) == (Decision.ACCEPTED, tutor)

    def test_rule_an_override_needs_a_reason(self, note, tutor, learner):
        with pytest.raises(ValidationError, match="Say why"):
            risk_notification_decide(notification=note, by=tutor, accept=False, level="low")
        assert rating_current(learner=learner).level == "low"

    def test_it_overrides_with_a_reason_and_may_keep_the_rating(self, note, tutor, learner):
        risk_notification_decide(
            notification=note, by=tutor, accept=False, level="low", reason="Off sick, called HR"
        )
        note.refresh_from_db()
        assert note.status == Decision.OVERRIDDEN
        assert note.decision_reason == "Off sick, called HR"
        assert rating_current(learner=learner).level == "low"

    def test_it_refuses_a_second_decision(self, note, tutor):
        risk_notification_decide(notification=note, by=tutor, accept=True)
        with pytest.raises(IllegalMove):
            risk_notification_decide(notification=note, by=tutor, accept=True)


class TestBackOnTrack:
    @pytest.fixture
    def case(self, learner):
        with time_machine.travel(NOON - dt.timedelta(days=60), tick=False):
            return open_case(learner)

    def on_target(self, learner, days_ago):
        ProgressSnapshotFactory(
            learner=learner,
            occurred_on=TODAY - dt.timedelta(days=days_ago),
            actual_percent=50,
            planned_percent=45,
        )

    def test_it_proposes_removal_after_the_preset_period_on_target(self, learner, case, manager):
        keep_active(learner)
        self.on_target(learner, 27)
        assert evaluate(learner)["proposed_removal"] == []
        self.on_target(learner, 28)
        assert evaluate(learner)["proposed_removal"] == [case.pk]
        case.refresh_from_db()
        assert case.removal_proposed_on == TODAY
        assert case.status == CaseStatus.OPEN  # a manager confirms
        assert Notification.objects.get(kind="back_on_track").recipient == manager

    def test_it_does_not_propose_while_a_trigger_holds(self, learner, case):
        keep_active(learner)
        self.on_target(learner, 40)
        miss_sessions(learner, 3)
        assert evaluate(learner)["proposed_removal"] == []

    def test_it_withdraws_the_proposal_when_a_trigger_holds_again(self, learner, case):
        keep_active(learner)
        self.on_target(learner, 40)
        evaluate(learner)
        miss_sessions(learner, 3)
        evaluate(learner)
        case.refresh_from_db()
        assert case.removal_proposed_on is None


def test_it_evaluates_every_learner_with_a_constant_number_of_queries(
    tutor, team, django_assert_max_num_queries
):
    def sweep_queries():
        spec_cache_clear()  # count the policy reads too, each time
        with time_machine.travel(NOON, tick=False), connection.execute_wrapper(counter):
            sweep_triggers(today=TODAY.isoformat())

    counted = []

    def counter(execute, sql, params, many, context):
        counted.append(sql)
        return execute(sql, params, many, context)

    def quiet_learner():
        learner = LearnerFactory(tutor=tutor, team=team, programme_type="short_course")
        keep_active(learner)
        return learner

    for _ in range(3):
        quiet_learner()
    sweep_queries()
    few = len(counted)
    counted.clear()
    for _ in range(20):
        quiet_learner()
    sweep_queries()
    assert len(counted) == few


@pytest.mark.django_db(transaction=True)
def test_it_stores_one_notification_when_two_sweeps_run_at_once(tutor, team):
    learner = LearnerFactory(tutor=tutor, team=team)
    keep_active(learner)
    EmploymentChangeFactory(learner=learner, occurred_on=TODAY, kind=EmploymentChangeKind.LEFT)
    results = run_at_once(lambda: triggers_evaluate(today=TODAY, learner_ids=[learner.pk]))
    assert sum(len(r["fired"]) for r in results) == RiskNotification.objects.count()
    assert RiskNotification.objects.filter(rule_key="left_employment").count() == 1
    assert EscalationCase.objects.filter(learner=learner).count() == 1
