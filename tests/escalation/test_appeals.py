"""Appeals against a withdrawal: 10 working days each way (bank holidays excluded), late appeals
refused with the reason unless a director accepts them, upheld or overturned."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from demo.factories import BreakFactory
from escalation.models import CaseStatus, ChangeKind
from escalation.services import IllegalMove
from learners.models import LearnerStatus
from tests.escalation.withdrawal_steps import agreement, approve, at_withdrawal_stage
from withdrawals.appeals import appeal_accept_late, appeal_decide, appeal_lodge
from withdrawals.models import AppealStatus, EventKind, RequestStatus

# Withdrawn on Monday 14 December 2026. Ten working days, skipping Christmas Day (Fri 25) and
# the substitute Boxing Day (Mon 28), end on Wednesday 30 December.
WITHDRAWN_AT = dt.datetime(2026, 12, 14, 10, 0, tzinfo=dt.UTC)
LAST_DAY_TO_APPEAL = dt.date(2026, 12, 30)


@pytest.fixture
def withdrawn(learner, manager, director):
    with time_machine.travel(WITHDRAWN_AT - dt.timedelta(days=7), tick=False):
        request = at_withdrawal_stage(learner, manager).withdrawal_requests.get()
    with time_machine.travel(WITHDRAWN_AT, tick=False):
        agreement(request, manager)
        approve(request, director)
    request.refresh_from_db()
    return request


def lodge(request, by, received_on, **overrides):
    data = {
        "request": request,
        "by": by,
        "appellant": "learner",
        "received_on": received_on,
        "grounds": "I was in hospital and did not receive the letters.",
    }
    return appeal_lodge(**(data | overrides))


def on(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(11, 0), tzinfo=dt.UTC), tick=False)


def test_rule_the_appeal_window_is_10_working_days_around_christmas(withdrawn):
    assert withdrawn.notified_on == dt.date(2026, 12, 14)
    assert withdrawn.appeal_by == LAST_DAY_TO_APPEAL


def test_rule_an_appeal_on_the_last_day_is_lodged_and_due_in_10_working_days(withdrawn, manager):
    with on(dt.date(2026, 12, 31)):
        appeal = lodge(withdrawn, manager, LAST_DAY_TO_APPEAL)
    assert appeal.status == AppealStatus.LODGED
    # 10 working days after 30 Dec, skipping New Year's Day: Thursday 14 January 2027.
    assert appeal.decision_due_on == dt.date(2027, 1, 14)
    assert withdrawn.events.last().kind == EventKind.APPEAL_LODGED


def test_rule_a_late_appeal_is_refused_with_the_reason(withdrawn, manager):
    with on(dt.date(2027, 1, 4)):
        appeal = lodge(withdrawn, manager, dt.date(2026, 12, 31))
    assert appeal.status == AppealStatus.REFUSED_LATE
    assert "Wednesday 30 December 2026" in appeal.refusal_reason
    assert "10 working days" in appeal.refusal_reason
    assert appeal.decision_due_on is None
    assert withdrawn.events.last().kind == EventKind.APPEAL_REFUSED_LATE


def test_rule_a_director_may_accept_a_late_appeal_with_a_reason(withdrawn, manager, director):
    with on(dt.date(2027, 1, 4)):
        appeal = lodge(withdrawn, manager, dt.date(2026, 12, 31))
        with pytest.raises(PermissionDenied):
            appeal_accept_late(appeal=appeal, by=manager, reason="Post delayed")
        with pytest.raises(ValidationError) as error:
            appeal_accept_late(appeal=appeal, by=director, reason=" ")
        assert error.value.message_dict == {"reason": ["Say why the late appeal is accepted."]}
        appeal = appeal_accept_late(
            appeal=appeal, by=director, reason="Letter held up in the Christmas post"
        )
    assert appeal.status == AppealStatus.LODGED and appeal.late_accepted_by == director
    assert appeal.decision_due_on == dt.date(2027, 1, 18)


def test_rule_upheld_keeps_the_withdrawal_and_is_final(withdrawn, manager, director):
    with on(dt.date(2026, 12, 21)):
        appeal = lodge(withdrawn, manager, dt.date(2026, 12, 21), appellant="employer")
        appeal_decide(appeal=appeal, by=director, overturn=False, reason="Evidence is clear")
        appeal.refresh_from_db()
        assert appeal.status == AppealStatus.UPHELD
        withdrawn.learner.refresh_from_db()
        assert withdrawn.learner.status == LearnerStatus.WITHDRAWN
        with pytest.raises(IllegalMove, match="already open or decided"):
            lodge(withdrawn, manager, dt.date(2026, 12, 21))


def test_rule_overturn_reinstates_the_learner_at_the_agreed_stage(withdrawn, manager, director):
    with on(dt.date(2026, 12, 21)):
        appeal = lodge(withdrawn, manager, dt.date(2026, 12, 18))
        appeal_decide(
            appeal=appeal,
            by=director,
            overturn=True,
            reason="Hospital stay confirmed",
            reinstate_at_stage="stage_2",
        )
    withdrawn.refresh_from_db()
    learner, case = withdrawn.learner, withdrawn.case
    learner.refresh_from_db()
    case.refresh_from_db()
    assert withdrawn.status == RequestStatus.REINSTATED
    assert learner.status == LearnerStatus.ON_PROGRAMME
    assert (case.status, case.stage) == (CaseStatus.OPEN, "stage_2")
    change = case.changes.last()
    assert change.kind == ChangeKind.REINSTATED and "Hospital stay confirmed" in change.reason
    # Stage 2 restarts with its deadline: 5 working days from Monday 21 December.
    assert case.stage_due_on == dt.date(2026, 12, 30)


def test_only_directors_decide_appeals(withdrawn, manager):
    with on(dt.date(2026, 12, 21)):
        appeal = lodge(withdrawn, manager, dt.date(2026, 12, 21))
        with pytest.raises(PermissionDenied):
            appeal_decide(appeal=appeal, by=manager, overturn=True, reason="x")


def test_an_overturn_needs_the_stage_to_reopen_at(withdrawn, manager, director):
    with on(dt.date(2026, 12, 21)):
        appeal = lodge(withdrawn, manager, dt.date(2026, 12, 21))
        with pytest.raises(ValidationError) as error:
            appeal_decide(appeal=appeal, by=director, overturn=True, reason="Yes")
    assert "reinstate_at_stage" in error.value.error_dict
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.LODGED


def test_an_appeal_cannot_predate_the_notification(withdrawn, manager):
    with on(dt.date(2026, 12, 21)), pytest.raises(ValidationError) as error:
        lodge(withdrawn, manager, dt.date(2026, 12, 1))
    # The date's own error, not a refused move (IllegalMove is a ValidationError too).
    assert not isinstance(error.value, IllegalMove)
    assert error.value.message_dict == {
        "received_on": ["The date received must be between the notification and today."]
    }
    assert not withdrawn.appeals.exists()


def test_reinstating_a_learner_withdrawn_on_a_break_ends_the_break(withdrawn, manager, director):
    BreakFactory(learner=withdrawn.learner, occurred_on=dt.date(2026, 12, 1))
    with on(dt.date(2026, 12, 21)):
        appeal = lodge(withdrawn, manager, dt.date(2026, 12, 18))
        appeal_decide(
            appeal=appeal,
            by=director,
            overturn=True,
            reason="Break agreed in writing",
            reinstate_at_stage="stage_1",
        )
    assert withdrawn.learner.breaks.get().returned_on == dt.date(2026, 12, 21)
