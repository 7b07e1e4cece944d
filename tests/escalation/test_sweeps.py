import datetime as dt

import pytest
import time_machine

from demo.factories import ContactLogEntryFactory, LearnerFactory, ManagerFactory, open_case
from escalation.models import EscalationCase, StageChange
from escalation.services import case_advance
from escalation.tasks import sweep_overdue_cases, sweep_stage_reminders
from notifications.models import Notification
from riskcases.models import Outcome
from tests.concurrency import run_at_once

MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # Stage 1 started -> due Mon 30 Nov
DUE = dt.date(2026, 11, 30)
DAY_AFTER = dt.datetime(2026, 12, 1, 6, 30, tzinfo=dt.UTC)


def sweep_on(day: dt.datetime):
    with time_machine.travel(day, tick=False):
        return sweep_overdue_cases()


def case_at_stage_1(learner):
    with time_machine.travel(MONDAY, tick=False):
        return case_advance(case=open_case(learner), by=learner.tutor, reason="no contact")


@pytest.fixture
def cases(tutor, team):
    """Three cases at Stage 1 due 30 Nov and one at First risk (no deadline)."""
    at_stage_1 = [case_at_stage_1(LearnerFactory(tutor=tutor, team=team)) for _ in range(3)]
    first_risk = open_case(LearnerFactory(tutor=tutor, team=team))
    return at_stage_1, first_risk


class TestOverdueSweep:
    def test_it_does_nothing_on_the_due_date(self, cases):
        result = sweep_on(dt.datetime(2026, 11, 30, 6, 30, tzinfo=dt.UTC))
        assert result["advanced"] == []

    def test_rule_the_day_after_the_deadline_it_advances_exactly_the_overdue_cases(self, cases):
        at_stage_1, first_risk = cases
        result = sweep_on(DAY_AFTER)
        assert sorted(result["advanced"]) == sorted(c.pk for c in at_stage_1)
        for case in at_stage_1:
            case.refresh_from_db()
            assert case.stage == "stage_2"
            assert case.stage_due_on == dt.date(2026, 12, 8)
            change = case.changes.last()
            assert change.by_sweep and change.by is None
            assert "was due on 30 Nov 2026" in change.reason
        first_risk.refresh_from_db()
        assert first_risk.stage == "first_risk"

    def test_running_it_again_does_nothing(self, cases):
        sweep_on(DAY_AFTER)
        before = StageChange.objects.count()
        assert sweep_on(DAY_AFTER)["advanced"] == []
        assert StageChange.objects.count() == before

    def test_rule_a_success_logged_before_the_deadline_stops_the_advance(self, cases, tutor):
        at_stage_1, _ = cases
        lucky = at_stage_1[0]
        ContactLogEntryFactory(
            learner=lucky.learner,
            author=tutor,
            outcome=Outcome.COMMITMENT_AGREED,
            occurred_at=dt.datetime(2026, 11, 27, 11, tzinfo=dt.UTC),
        )
        result = sweep_on(DAY_AFTER)
        assert lucky.pk not in result["advanced"] and len(result["advanced"]) == 2
        lucky.refresh_from_db()
        assert lucky.stage == "stage_1"

    def test_the_next_stages_people_get_the_work(self, cases, tutor):
        sweep_on(DAY_AFTER)
        told = Notification.objects.filter(recipient=tutor, kind="stage_change")
        assert told.count() == 3
        assert "Stage 2" in told.first().title and "Phone the learner" in told.first().body

    def test_withdrawn_learners_are_left_alone(self, cases):
        at_stage_1, _ = cases
        learner = at_stage_1[0].learner
        learner.status = "withdrawn"
        learner.save()
        assert at_stage_1[0].pk not in sweep_on(DAY_AFTER)["advanced"]


class TestReminders:
    def test_rule_reminders_go_out_the_working_day_before_a_stage_is_due(self, cases, tutor, team):
        manager = ManagerFactory()
        team.managers.add(manager)
        assert sweep_stage_reminders(today="2026-11-26")["reminded"] == []  # Thursday
        result = sweep_stage_reminders(today="2026-11-27")  # Friday before Monday 30th
        assert len(result["reminded"]) == 3
        # Aspiration Stage 1 is acted on by the tutor and the Sector Manager.
        assert Notification.objects.filter(recipient=tutor, kind="stage_due_tomorrow").count() == 3
        assert Notification.objects.filter(recipient=manager).count() == 3
        assert sweep_stage_reminders(today="2026-11-27")["reminded"] == []
        assert Notification.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_rule_two_sweeps_at_once_advance_each_case_once(tutor, team):
    cases = [case_at_stage_1(LearnerFactory(tutor=tutor, team=team)) for _ in range(6)]
    with time_machine.travel(DAY_AFTER, tick=False):
        results = run_at_once(sweep_overdue_cases)
    advanced = sorted(pk for r in results for pk in r["advanced"])
    assert advanced == sorted(c.pk for c in cases)  # each exactly once, between the two
    for case in cases:
        assert StageChange.objects.filter(case=case, kind="advanced").count() == 2  # 1 + sweep
        assert EscalationCase.objects.get(pk=case.pk).stage == "stage_2"
