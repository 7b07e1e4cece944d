"""Breaks in learning (Aspiration 5.1.2.1): starting one needs an expected return date; one
break at a time; the return puts the learner back on programme; the learner's status and
expected return date follow the break."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from demo.factories import BreakFactory, LearnerFactory
from escalation.breaks import break_end, break_return_date_set, break_start
from learners.models import BreakInLearning, LearnerStatus, RecordSource
from learners.services import LearnerClosedError
from policies.seeding import shipped_keys, shipped_spec

TODAY = dt.date(2026, 11, 23)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC), tick=False):
        yield


def start(learner, by, **overrides):
    data = {
        "started_on": TODAY - 7 * DAY,
        "expected_return_on": TODAY + 30 * DAY,
        "reason": "Caring responsibilities",
    }
    return break_start(learner=learner, by=by, **(data | overrides))


def field_errors(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_it_starts_a_break_and_puts_the_learner_on_it(learner, tutor):
    pause = start(learner, tutor)
    learner.refresh_from_db()
    assert (learner.status, learner.expected_return_date) == (
        LearnerStatus.BREAK_IN_LEARNING,
        TODAY + 30 * DAY,
    )
    assert (pause.occurred_on, pause.reason, pause.returned_on) == (
        TODAY - 7 * DAY,
        "Caring responsibilities",
        None,
    )
    assert (pause.source, pause.recorded_by) == (RecordSource.TUTOR, tutor)


def test_it_requires_an_expected_return_date_as_the_policy_says(learner, tutor):
    """Policy (5.1.2.1): "Learners on a temporary break in learning must provide an expected
    return date to learning" -- rule "expected return date required"."""
    with pytest.raises(ValidationError) as exc:
        start(learner, tutor, expected_return_on=None)
    assert "expected return date" in field_errors(exc)["expected_return_on"][0]
    learner.refresh_from_db()
    assert learner.status == LearnerStatus.ON_PROGRAMME
    assert not BreakInLearning.objects.exists()


def test_it_refuses_an_expected_return_not_after_the_start(learner, tutor):
    with pytest.raises(ValidationError) as exc:
        start(learner, tutor, started_on=TODAY, expected_return_on=TODAY)
    assert "after the start date" in field_errors(exc)["expected_return_on"][0]


def test_it_refuses_a_start_in_the_future(learner, tutor):
    with pytest.raises(ValidationError) as exc:
        start(learner, tutor, started_on=TODAY + DAY, expected_return_on=TODAY + 40 * DAY)
    assert "not a future date" in field_errors(exc)["started_on"][0]
    assert not BreakInLearning.objects.exists()


def test_it_refuses_a_start_before_the_programme_began(learner, tutor):
    with pytest.raises(ValidationError) as exc:
        start(learner, tutor, started_on=learner.start_date - DAY)
    assert "before the programme" in field_errors(exc)["started_on"][0]


def test_it_asks_for_a_reason(learner, tutor):
    with pytest.raises(ValidationError) as exc:
        start(learner, tutor, reason="   ")
    assert "reason" in field_errors(exc)


def test_it_refuses_a_second_break_while_one_is_open(learner, tutor):
    start(learner, tutor)
    with pytest.raises(ValidationError, match="already on a break"):
        start(learner, tutor, started_on=TODAY)
    assert BreakInLearning.objects.filter(learner=learner).count() == 1


def test_it_refuses_a_break_overlapping_the_previous_one(learner, tutor):
    BreakFactory(learner=learner, occurred_on=TODAY - 40 * DAY, returned_on=TODAY - 10 * DAY)
    with pytest.raises(ValidationError) as exc:
        start(learner, tutor, started_on=TODAY - 20 * DAY)
    assert "overlaps the previous break" in field_errors(exc)["started_on"][0]
    start(learner, tutor, started_on=TODAY - 5 * DAY)  # after the return: fine


@pytest.mark.parametrize(
    "closed",
    [{"status": LearnerStatus.WITHDRAWN}, {"status": LearnerStatus.COMPLETED}, {"archived": True}],
)
def test_it_refuses_a_closed_learner(tutor, team, closed):
    learner = LearnerFactory(tutor=tutor, team=team, **closed)
    with pytest.raises(LearnerClosedError):
        start(learner, tutor)
    assert not BreakInLearning.objects.exists()


def test_it_records_the_return_and_puts_the_learner_back_on_programme(learner, tutor):
    start(learner, tutor)
    pause = break_end(learner=learner, returned_on=TODAY - DAY, by=tutor)
    learner.refresh_from_db()
    assert pause.returned_on == TODAY - DAY
    assert (learner.status, learner.expected_return_date) == (LearnerStatus.ON_PROGRAMME, None)
    # Back on programme: a new break may start later.
    start(learner, tutor, started_on=TODAY, expected_return_on=TODAY + 10 * DAY)


def test_it_refuses_a_return_when_not_on_a_break(learner, tutor):
    with pytest.raises(ValidationError, match="not on a break"):
        break_end(learner=learner, returned_on=TODAY, by=tutor)


def test_it_refuses_a_return_before_the_start_or_in_the_future(learner, tutor):
    start(learner, tutor)
    with pytest.raises(ValidationError) as exc:
        break_end(learner=learner, returned_on=TODAY - 8 * DAY, by=tutor)
    assert "cannot be before" in field_errors(exc)["returned_on"][0]
    with pytest.raises(ValidationError) as exc:
        break_end(learner=learner, returned_on=TODAY + DAY, by=tutor)
    assert "not a future date" in field_errors(exc)["returned_on"][0]
    learner.refresh_from_db()
    assert learner.status == LearnerStatus.BREAK_IN_LEARNING


def test_it_changes_the_expected_return_date_on_the_break_and_the_learner(learner, tutor):
    start(learner, tutor)
    pause = break_return_date_set(learner=learner, expected_return_on=TODAY + 60 * DAY, by=tutor)
    learner.refresh_from_db()
    assert pause.expected_return_on == learner.expected_return_date == TODAY + 60 * DAY
    assert learner.status == LearnerStatus.BREAK_IN_LEARNING


def test_it_refuses_a_new_return_date_in_the_past_or_missing(learner, tutor):
    start(learner, tutor)
    for bad in (TODAY - DAY, None):
        with pytest.raises(ValidationError) as exc:
            break_return_date_set(learner=learner, expected_return_on=bad, by=tutor)
        assert "expected_return_on" in field_errors(exc)
    learner.refresh_from_db()
    assert learner.expected_return_date == TODAY + 30 * DAY


def test_it_refuses_a_new_return_date_when_not_on_a_break(learner, tutor):
    with pytest.raises(ValidationError, match="not on a break"):
        break_return_date_set(learner=learner, expected_return_on=TODAY + DAY, by=tutor)


def test_every_preset_has_a_break_contact_period():
    assert all(preset.break_contact_days > 0 for preset in map(shipped_spec, shipped_keys()))
