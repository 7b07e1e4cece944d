"""The sweeps work a batch of cases per transaction: set-based reads, bulk writes, the whole
batch rolled back when anything in it fails, and two sweeps at once still doing each case once."""

import datetime as dt
import threading
import time

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from demo.factories import (
    ContactLogEntryFactory,
    LearnerFactory,
    ManagerFactory,
    SupportRecordFactory,
    open_case,
)
from escalation.models import EscalationCase, StageChange
from escalation.services import case_advance
from escalation.sweeps import announce, batches, selectors
from escalation.sweeps.selectors import cases_success_since_stage_start
from escalation.tasks import sweep_overdue_cases, sweep_stage_reminders
from notifications.models import EmailDelivery, Notification
from riskcases.models import Outcome, SupportKind
from tests.concurrency import run_at_once

MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # Stage 1 started -> due Mon 30 Nov
DAY_AFTER = dt.datetime(2026, 12, 1, 6, 30, tzinfo=dt.UTC)


def at_stage_1(tutor, team, count: int) -> list[EscalationCase]:
    with time_machine.travel(MONDAY, tick=False):
        return [
            case_advance(
                case=open_case(LearnerFactory(tutor=tutor, team=team)), by=tutor, reason="no reply"
            )
            for _ in range(count)
        ]


def sweep_on(day: dt.datetime) -> dict:
    with time_machine.travel(day, tick=False):
        return sweep_overdue_cases()


@pytest.fixture
def team_manager(team):
    manager = ManagerFactory()
    team.managers.add(manager)
    return manager


def test_a_batch_costs_the_same_queries_for_three_cases_as_for_nine(tutor, team, team_manager):
    counts = []
    for count in (3, 9):
        cases = at_stage_1(tutor, team, count)
        with CaptureQueriesContext(connection) as queries:
            result = sweep_on(DAY_AFTER)
        assert sorted(result["advanced"]) == sorted(c.pk for c in cases)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 20, counts


def test_a_batch_tells_each_new_stages_people_and_emails_them(tutor, team, team_manager):
    cases = at_stage_1(tutor, team, 4)
    result = sweep_on(DAY_AFTER)
    assert sorted(result["advanced"]) == sorted(c.pk for c in cases)
    for case in cases:
        case.refresh_from_db()
        assert (case.stage, case.change_count) == ("stage_2", 3)
        [change] = case.changes.filter(sequence=3)
        assert change.kind == "advanced" and change.by_sweep and change.to_stage == "stage_2"
        assert change.due_on == case.stage_due_on == dt.date(2026, 12, 8)
        told = Notification.objects.filter(dedupe_key=f"case:{case.pk}:change:3")
        assert {n.recipient_id for n in told} == {tutor.pk, team_manager.pk}
    assert EmailDelivery.objects.filter(dedupe_key__contains=":change:3").count() == 8


def test_success_for_a_batch_is_read_in_two_queries(tutor, team, django_assert_num_queries):
    committed, contracted, nothing = at_stage_1(tutor, team, 3)
    ContactLogEntryFactory(
        learner=committed.learner,
        author=tutor,
        outcome=Outcome.COMMITMENT_AGREED,
        occurred_at=dt.datetime(2026, 11, 27, 11, tzinfo=dt.UTC),
    )
    ContactLogEntryFactory(  # before the stage began: does not count
        learner=nothing.learner,
        author=tutor,
        outcome=Outcome.COMMITMENT_AGREED,
        occurred_at=dt.datetime(2026, 11, 20, 11, tzinfo=dt.UTC),
    )
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC), tick=False):
        SupportRecordFactory(
            learner=contracted.learner,
            kind=SupportKind.SUPPORT_CONTRACT,
            agreed_on=dt.date(2026, 11, 26),
        )
    cases = list(EscalationCase.objects.filter(pk__in=[committed.pk, contracted.pk, nothing.pk]))
    with django_assert_num_queries(2):
        found = cases_success_since_stage_start(cases=cases)
    assert found == {
        committed.pk: "commitment agreed on 27 Nov 2026",
        contracted.pk: "support contract agreed on 26 Nov 2026",
    }
    assert selectors.case_success_since_stage_start(contracted) == found[contracted.pk]


def test_a_failure_mid_batch_rolls_the_batch_back_and_the_next_run_redoes_it(
    tutor, team, monkeypatch
):
    cases = at_stage_1(tutor, team, 3)
    changes_before = StageChange.objects.count()

    def dies(**kwargs):
        raise RuntimeError("the worker died")

    monkeypatch.setattr(announce, "notifications_send_many", dies)
    with pytest.raises(RuntimeError):
        sweep_on(DAY_AFTER)
    assert StageChange.objects.count() == changes_before
    assert set(EscalationCase.objects.values_list("stage", flat=True)) == {"stage_1"}
    monkeypatch.undo()
    assert sorted(sweep_on(DAY_AFTER)["advanced"]) == sorted(c.pk for c in cases)
    assert Notification.objects.filter(kind="stage_change", recipient=tutor).count() == 3


def test_reminders_mark_their_batch_reminded(tutor, team, monkeypatch):
    monkeypatch.setattr(batches, "BATCH_SIZE", 2)
    cases = at_stage_1(tutor, team, 3)
    result = sweep_stage_reminders(today="2026-11-27")  # Friday before Monday 30th
    assert sorted(result["reminded"]) == sorted(c.pk for c in cases)
    for case in cases:
        case.refresh_from_db()
        assert case.reminded_for_change == case.change_count
    assert Notification.objects.filter(kind="stage_due_tomorrow").count() == 3
    assert sweep_stage_reminders(today="2026-11-27")["reminded"] == []


@pytest.mark.django_db(transaction=True)
def test_rule_two_sweeps_in_small_batches_split_the_work_and_tell_once(
    tutor, team, team_manager, monkeypatch
):
    monkeypatch.setattr(batches, "BATCH_SIZE", 2)
    cases = at_stage_1(tutor, team, 7)
    with time_machine.travel(DAY_AFTER, tick=False):
        results = run_at_once(sweep_overdue_cases)
    advanced = sorted(pk for r in results for pk in r["advanced"])
    assert advanced == sorted(c.pk for c in cases)  # each exactly once, between the two
    for case in cases:
        assert StageChange.objects.filter(case=case, kind="advanced").count() == 2
        told = Notification.objects.filter(dedupe_key=f"case:{case.pk}:change:3")
        assert told.count() == 2  # the tutor and the manager, once each
    assert EmailDelivery.objects.filter(dedupe_key__contains=":change:3").count() == 14


@pytest.mark.django_db(transaction=True)
def test_a_case_someone_else_holds_is_waited_for_not_left_for_tomorrow(tutor, team):
    held, *others = at_stage_1(tutor, team, 3)
    locked = threading.Event()

    def person_saving():
        try:
            with transaction.atomic():
                EscalationCase.objects.select_for_update().get(pk=held.pk)
                locked.set()
                time.sleep(1)
        finally:
            connection.close()

    thread = threading.Thread(target=person_saving)
    thread.start()
    assert locked.wait(timeout=10)
    result = sweep_on(DAY_AFTER)
    thread.join()
    assert sorted(result["advanced"]) == sorted(c.pk for c in [held, *others])
    assert result["advanced"][-1] == held.pk  # passed over first, then waited for


def test_a_batch_reaching_the_withdrawal_stage_raises_each_notification_of_withdrawal(
    tutor, team, user_with_role
):
    director = user_with_role("director", username="dee.director")
    with time_machine.travel(MONDAY, tick=False):
        cases = [
            open_case(LearnerFactory(tutor=tutor, team=team), stage="stage_2") for _ in range(3)
        ]
    assert sorted(sweep_on(DAY_AFTER)["advanced"]) == sorted(c.pk for c in cases)
    for case in cases:
        case.refresh_from_db()
        assert case.stage == "stage_3"
        [request] = case.withdrawal_requests.all()
        assert request.raised_by is None and "no success was recorded" in request.grounds
        assert request.events.get().kind == "raised"
        told = Notification.objects.get(dedupe_key=f"withdrawal:{request.pk}:raised")
        assert told.recipient == director and case.learner.full_name in told.title
