"""Each trigger rule of the policies, by name, at its boundary. Time is fixed by passing
``today``; records dated after it are ignored."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from demo.factories import (
    BreakFactory,
    ContactLogEntryFactory,
    EmploymentChangeFactory,
    LearnerFactory,
    ProgressEventFactory,
    ProgressSnapshotFactory,
    SessionFactory,
    SubmissionFactory,
    VisitFactory,
    WorkAbsenceFactory,
)
from escalation.triggers.registry import HOLDING, KIND_MODULES, triggers_holding
from learners.models import Attendance, Learner, LearnerStatus, Nation, VisitOutcome
from policies.seeding import shipped_keys, shipped_spec
from policies.trigger_kinds import INACTIVITY, MISSED_SESSIONS, TRIGGER_KINDS
from riskcases.models import Outcome

TODAY = dt.date(2026, 11, 23)
ASPIRATION = shipped_spec("aspiration")


# No shipped policy names inactivity as a trigger (BPN's inactivity drives its ladder: see
# tests/escalation/test_drivers.py); the kind is tested as a version would use it: 2 weeks.
INACTIVITY_RULE = INACTIVITY.rule(days=14)


def holds(rule_key: str, learner: Learner, today: dt.date = TODAY, preset=ASPIRATION):
    rule = INACTIVITY_RULE if rule_key == "inactivity" else preset.trigger(rule_key)
    return HOLDING[rule.kind](rule, Learner.objects.filter(pk=learner.pk), today)


def days_before(n: int, today: dt.date = TODAY) -> dt.date:
    return today - dt.timedelta(days=n)


def sessions(learner, *attendances):
    for i, attendance in enumerate(attendances):
        SessionFactory(
            learner=learner, occurred_on=days_before(len(attendances) - i), attendance=attendance
        )


ATTENDED, MISSED = Attendance.ATTENDED, Attendance.MISSED


class TestMissedSessions:
    def test_rule_3_consecutive_missed_sessions_fires_on_the_third(self, learner):
        sessions(learner, ATTENDED, MISSED, MISSED)
        assert holds("missed_sessions", learner) == []
        SessionFactory(learner=learner, occurred_on=TODAY, attendance=MISSED)
        [firing] = holds("missed_sessions", learner)
        assert firing.evidence.count("missed") == 3

    def test_rule_calling_in_breaks_the_run(self, learner):
        sessions(learner, MISSED, Attendance.MISSED_CALLED_IN, MISSED, MISSED)
        assert holds("missed_sessions", learner) == []

    def test_rule_sessions_we_cancelled_neither_count_nor_break_the_run(self, learner):
        sessions(learner, MISSED, Attendance.CANCELLED, MISSED, Attendance.CANCELLED, MISSED)
        assert len(holds("missed_sessions", learner)) == 1

    def test_it_keeps_the_same_fingerprint_while_the_run_grows(self, learner):
        sessions(learner, ATTENDED, MISSED, MISSED, MISSED)
        first = holds("missed_sessions", learner)[0].fingerprint
        SessionFactory(learner=learner, occurred_on=TODAY, attendance=MISSED)
        assert holds("missed_sessions", learner)[0].fingerprint == first

    def test_it_ignores_sessions_after_today(self, learner):
        sessions(learner, MISSED, MISSED)
        SessionFactory(learner=learner, occurred_on=TODAY + dt.timedelta(days=1), attendance=MISSED)
        assert holds("missed_sessions", learner) == []


class TestMissedHomework:
    def test_rule_4_consecutive_homeworks_missed_fires_on_the_fourth(self, learner):
        for n in range(3):
            SubmissionFactory(learner=learner, occurred_on=days_before(10 - n), outcome="missed")
        assert holds("missed_homework", learner) == []
        SubmissionFactory(learner=learner, occurred_on=days_before(1), outcome="missed")
        assert len(holds("missed_homework", learner)) == 1

    def test_rule_handing_one_in_breaks_the_run(self, learner):
        for n, outcome in enumerate(["missed", "missed", "submitted", "missed", "missed"]):
            SubmissionFactory(learner=learner, occurred_on=days_before(10 - n), outcome=outcome)
        assert holds("missed_homework", learner) == []


class TestBehindProgress:
    def test_rule_30_percent_behind_planned_progression_fires_at_30_points(self, learner):
        ProgressSnapshotFactory(
            learner=learner, occurred_on=TODAY, actual_percent=21, planned_percent=50
        )
        assert holds("behind_progress", learner) == []
        ProgressSnapshotFactory(
            learner=learner,
            occurred_on=TODAY + dt.timedelta(days=1),
            actual_percent=20,
            planned_percent=50,
        )
        [firing] = holds("behind_progress", learner, TODAY + dt.timedelta(days=1))
        assert "30 points behind" in firing.evidence

    def test_rule_only_the_latest_snapshot_counts(self, learner):
        ProgressSnapshotFactory(
            learner=learner, occurred_on=days_before(7), actual_percent=10, planned_percent=50
        )
        ProgressSnapshotFactory(
            learner=learner, occurred_on=TODAY, actual_percent=45, planned_percent=50
        )
        assert holds("behind_progress", learner) == []


class TestWorkAbsences:
    def test_rule_more_than_2_unexplained_absences_at_work(self, learner):
        WorkAbsenceFactory(learner=learner, occurred_on=days_before(20))
        WorkAbsenceFactory(learner=learner, occurred_on=days_before(10))
        WorkAbsenceFactory(learner=learner, occurred_on=days_before(5), explained=True)
        assert holds("work_absences", learner) == []
        WorkAbsenceFactory(learner=learner, occurred_on=days_before(1))
        [firing] = holds("work_absences", learner)
        assert firing.evidence.startswith("3 unexplained absences")


class TestEmployment:
    def test_rule_left_employment_fires_at_once(self, learner):
        EmploymentChangeFactory(learner=learner, occurred_on=TODAY, employer_name="Acme")
        [firing] = holds("left_employment", learner)
        assert "Left Acme" in firing.evidence

    def test_rule_30_days_since_leaving_with_no_new_employer(self, learner):
        EmploymentChangeFactory(learner=learner, occurred_on=days_before(29))
        assert holds("no_new_employer", learner) == []
        assert len(holds("no_new_employer", learner, TODAY + dt.timedelta(days=1))) == 1

    def test_rule_a_new_employer_stops_the_30_day_rule(self, learner):
        EmploymentChangeFactory(learner=learner, occurred_on=days_before(40))
        EmploymentChangeFactory(learner=learner, occurred_on=days_before(35), kind="started")
        assert holds("no_new_employer", learner) == []

    def test_rule_employment_rules_are_for_apprentices_only(self, tutor, team):
        trainee = LearnerFactory(tutor=tutor, team=team, programme_type="traineeship")
        EmploymentChangeFactory(learner=trainee, occurred_on=TODAY)
        holding = triggers_holding(
            learners=Learner.objects.filter(pk=trainee.pk), today=TODAY, policy=ASPIRATION
        )
        assert "left_employment" not in {f.rule.key for f in holding}


class TestNoProgress:
    def test_rule_no_recorded_progress_within_42_days_england(self, learner):
        ProgressEventFactory(learner=learner, occurred_on=days_before(41))
        assert holds("no_progress", learner) == []
        [firing] = holds("no_progress", learner, TODAY + dt.timedelta(days=1))
        assert "42 days" in firing.evidence

    def test_rule_no_recorded_progress_within_49_days_wales(self, tutor, team):
        welsh = LearnerFactory(tutor=tutor, team=team, nation=Nation.WALES)
        ProgressEventFactory(learner=welsh, occurred_on=days_before(48))
        assert holds("no_progress", welsh) == []
        assert len(holds("no_progress", welsh, TODAY + dt.timedelta(days=1))) == 1

    def test_rule_counts_from_the_start_when_nothing_is_recorded(self, tutor, team):
        fresh = LearnerFactory(tutor=tutor, team=team, start_date=days_before(41))
        assert holds("no_progress", fresh) == []
        [firing] = holds("no_progress", fresh, TODAY + dt.timedelta(days=1))
        assert "since the start" in firing.evidence

    def test_rule_the_progress_clock_stops_during_a_break(self, on_break):
        assert holds("no_progress", on_break) == []

    def test_rule_the_progress_clock_restarts_on_return(self, learner):
        BreakFactory(learner=learner, occurred_on=dt.date(2026, 9, 14), returned_on=days_before(41))
        assert holds("no_progress", learner) == []
        [firing] = holds("no_progress", learner, TODAY + dt.timedelta(days=1))
        assert "return from a break" in firing.evidence


class TestCancelledVisits:
    def test_rule_2_cancelled_visits_within_4_weeks(self, learner):
        VisitFactory(
            learner=learner, occurred_on=days_before(27), outcome=VisitOutcome.CANCELLED_BY_LEARNER
        )
        VisitFactory(
            learner=learner,
            occurred_on=TODAY,
            kind="review",
            outcome=VisitOutcome.CANCELLED_BY_EMPLOYER,
        )
        assert len(holds("cancelled_visits", learner)) == 1

    def test_rule_cancellations_28_days_apart_are_not_within_4_weeks(self, learner):
        VisitFactory(
            learner=learner, occurred_on=days_before(28), outcome=VisitOutcome.CANCELLED_BY_LEARNER
        )
        VisitFactory(learner=learner, occurred_on=TODAY, outcome=VisitOutcome.CANCELLED_BY_LEARNER)
        assert holds("cancelled_visits", learner) == []

    def test_rule_a_held_visit_is_not_a_cancellation(self, learner):
        VisitFactory(learner=learner, occurred_on=days_before(3), outcome=VisitOutcome.HELD)
        VisitFactory(learner=learner, occurred_on=TODAY, outcome=VisitOutcome.CANCELLED_BY_LEARNER)
        assert holds("cancelled_visits", learner) == []


@pytest.fixture
def on_break(tutor, team):
    learner = LearnerFactory(
        tutor=tutor,
        team=team,
        status=LearnerStatus.BREAK_IN_LEARNING,
        expected_return_date=dt.date(2027, 3, 1),
    )
    BreakFactory(
        learner=learner, occurred_on=dt.date(2026, 8, 23), expected_return_on=dt.date(2027, 3, 1)
    )
    return learner


class TestBreaks:
    def test_rule_no_response_for_3_months_on_a_break(self, on_break):
        assert holds("break_silence", on_break, dt.date(2026, 11, 22)) == []
        [firing] = holds("break_silence", on_break, dt.date(2026, 11, 23))
        assert "no response since" in firing.evidence

    def test_rule_a_reply_restarts_the_3_months(self, on_break):
        ContactLogEntryFactory(
            learner=on_break,
            occurred_at=timezone.make_aware(dt.datetime(2026, 10, 1, 10)),
            outcome=Outcome.RESPONDED,
        )
        assert holds("break_silence", on_break) == []

    def test_rule_a_break_past_its_return_date_is_flagged(self, on_break):
        assert holds("break_no_return", on_break, dt.date(2027, 3, 1)) == []
        [firing] = holds("break_no_return", on_break, dt.date(2027, 3, 2))
        assert "has passed" in firing.evidence

    def test_rule_a_break_without_a_return_date_is_flagged(self, learner):
        BreakFactory(learner=learner, occurred_on=days_before(5), expected_return_on=None)
        [firing] = holds("break_no_return", learner)
        assert "no expected return date" in firing.evidence


class TestInactivity:
    def test_rule_no_activity_for_2_weeks(self, learner):
        SessionFactory(learner=learner, occurred_on=days_before(13), attendance=ATTENDED)
        assert holds("inactivity", learner) == []
        assert len(holds("inactivity", learner, TODAY + dt.timedelta(days=1))) == 1

    def test_rule_a_learner_on_a_break_is_not_inactive(self, on_break):
        assert holds("inactivity", on_break) == []

    def test_rule_a_reply_from_the_learner_is_activity(self, learner):
        ContactLogEntryFactory(
            learner=learner, occurred_at=timezone.now(), outcome=Outcome.RESPONDED
        )
        assert holds("inactivity", learner, timezone.localdate()) == []


class TestNoActiveLearningMonth:
    def test_rule_no_active_learning_in_a_calendar_month(self, learner):
        [firing] = holds("no_active_learning_month", learner)
        assert firing.fingerprint == "month:2026-10"
        assert "October 2026" in firing.evidence

    def test_rule_any_activity_in_the_month_counts(self, learner):
        SubmissionFactory(learner=learner, occurred_on=dt.date(2026, 10, 31))
        assert holds("no_active_learning_month", learner) == []

    def test_rule_a_month_partly_on_a_break_is_not_judged(self, learner):
        BreakFactory(
            learner=learner, occurred_on=dt.date(2026, 9, 20), returned_on=dt.date(2026, 10, 5)
        )
        assert holds("no_active_learning_month", learner) == []

    def test_rule_a_learner_who_started_mid_month_is_not_judged_on_it(self, tutor, team):
        late = LearnerFactory(tutor=tutor, team=team, start_date=dt.date(2026, 10, 2))
        assert holds("no_active_learning_month", late) == []


def test_it_evaluates_only_open_learners(tutor, team):
    gone = LearnerFactory(tutor=tutor, team=team, status=LearnerStatus.WITHDRAWN)
    archived = LearnerFactory(tutor=tutor, team=team, archived=True)
    scope = Learner.objects.filter(pk__in=[gone.pk, archived.pk])
    assert triggers_holding(learners=scope, today=TODAY, policy=ASPIRATION) == []


def test_every_preset_trigger_has_a_test_and_a_real_stage():
    for preset in map(shipped_spec, shipped_keys()):
        stage_keys = {s.key for s in preset.stages}
        for rule in preset.triggers:
            assert rule.kind in HOLDING, (preset.key, rule.key)
            assert rule.opens_at in stage_keys | {None}, (preset.key, rule.key)


def test_each_declared_kind_has_one_module_binding_its_query_to_the_object():
    """One module per kind, named by its key, binding the declared object (not a key)."""
    assert len(KIND_MODULES) == len(TRIGGER_KINDS) == len(HOLDING)
    for module in KIND_MODULES:
        assert module.__name__ == f"escalation.triggers.{module.KIND.key}"
        assert TRIGGER_KINDS[module.KIND.key] is module.KIND
        assert HOLDING[module.KIND] is module.holding
    # A preset's rule refers to the declared object; its key and words are the kind's.
    rule = ASPIRATION.trigger(MISSED_SESSIONS)
    assert rule is ASPIRATION.trigger("missed_sessions")
    assert rule.kind is MISSED_SESSIONS and rule.key == "missed_sessions"
    assert rule.name == "3 consecutive missed sessions without calling in"


def test_a_kind_declared_without_a_holding_query_fails_at_import(monkeypatch):
    import importlib

    from escalation.triggers import registry
    from policies import trigger_kinds
    from policies.spec import TriggerKind

    orphan = TriggerKind(key="orphan", words=lambda rule: "Orphan", source="")
    monkeypatch.setitem(trigger_kinds.TRIGGER_KINDS, "orphan", orphan)
    with pytest.raises(ImproperlyConfigured, match="no holding query: orphan"):
        importlib.reload(registry)
    monkeypatch.undo()
    importlib.reload(registry)
    assert set(registry.HOLDING) == set(trigger_kinds.TRIGGER_KINDS.values())
