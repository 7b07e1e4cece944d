"""A sweep's batch of firings joins or opens its cases in a few statements
(escalation/triggers/cases.py), doing what case_open / case_advance do one at a time."""

import time_machine
from django.db import connection

from demo.factories import LearnerFactory, SubmissionFactory, SupportRecordFactory, open_case
from escalation.models import ChangeKind, EscalationCase, RiskNotification
from escalation.services import case_step_down
from escalation.triggers.evaluate import triggers_evaluate
from policies.selectors import spec_cache_clear
from riskcases.models import SupportKind
from tests.escalation.test_trigger_firing import NOON, TODAY, keep_active, miss_sessions


def miss_homework(learner):
    for i in range(4):
        SubmissionFactory(learner=learner, occurred_on=TODAY, title=f"Set {i}", outcome="missed")


def sweep(learners):
    with time_machine.travel(NOON, tick=False):
        return triggers_evaluate(today=TODAY, learner_ids=[learner.pk for learner in learners])


def test_rule_two_triggers_on_one_learner_share_one_case_at_the_higher_stage(learner):
    keep_active(learner)
    miss_homework(learner)  # Aspiration: first risk identified
    miss_sessions(learner, 3)  # Aspiration: starts Stage 1
    result = sweep([learner])
    case = EscalationCase.objects.get(learner=learner)
    assert case.stage == "stage_1"
    notes = RiskNotification.objects.filter(pk__in=result["fired"])
    assert {note.case_id for note in notes} == {case.pk} and len(notes) == 2
    changes = list(case.changes.order_by("sequence"))
    assert [change.sequence for change in changes] == list(range(1, len(changes) + 1))
    assert changes[-1].to_stage == "stage_1" and all(change.by_sweep for change in changes)
    assert case.change_count == len(changes)


def test_it_moves_an_open_case_up_and_leaves_a_stepped_down_case_where_it_is(tutor, team, manager):
    rising, resting = (LearnerFactory(tutor=tutor, team=team) for _ in range(2))
    with time_machine.travel(NOON, tick=False):
        rising_case = open_case(rising)
        SupportRecordFactory(learner=resting, kind=SupportKind.SUPPORT_CONTRACT)
        resting_case = case_step_down(
            case=open_case(resting), by=manager, reason="Support contract agreed"
        )
    for learner in (rising, resting):
        keep_active(learner)
        miss_sessions(learner, 3)
    sweep([rising, resting])
    rising_case.refresh_from_db()
    resting_case.refresh_from_db()
    assert rising_case.stage == "stage_1"
    assert rising_case.changes.order_by("-sequence").first().kind == ChangeKind.ADVANCED
    assert resting_case.stage == "first_risk"  # joined: the note points to it, no move
    assert RiskNotification.objects.get(learner=resting).case == resting_case
    assert EscalationCase.objects.count() == 2


def test_it_fires_a_batch_in_a_constant_number_of_queries(tutor, team):
    def firing_learners(n):
        learners = []
        for i in range(n):
            learner = LearnerFactory(tutor=tutor, team=team)
            keep_active(learner)
            if i % 3 == 0:
                with time_machine.travel(NOON, tick=False):
                    open_case(learner)
            if i % 2:
                miss_homework(learner)
            miss_sessions(learner, 3)
            learners.append(learner)
        return learners

    def queries(learners):
        counted = []

        def counter(execute, sql, params, many, context):
            counted.append(sql)
            return execute(sql, params, many, context)

        spec_cache_clear()  # count the policy reads too, each time
        with connection.execute_wrapper(counter):
            fired = sweep(learners)["fired"]
        assert len(fired) >= len(learners)
        return len(counted)

    few, many = queries(firing_learners(3)), queries(firing_learners(12))
    assert few == many
    assert not EscalationCase.objects.filter(changes__isnull=True).exists()
    assert all(
        case.stage == "stage_1" for case in EscalationCase.objects.all()
    )  # every learner missed three sessions
