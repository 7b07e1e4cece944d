"""The beat sweeps' work: advance overdue cases, remind the day before a stage is due, and
tell the people acting at a stage a person decides when it is overdue.

The candidates are read in one query each; the work is done a batch of cases per transaction
(escalation/sweep_batches.py), each batch under its cases' row locks after re-checking that the
work is still due, so two sweeps running at once never do a case twice, and a sweep that dies
half way leaves the batches it finished done and the rest for the next run.
"""

import datetime as dt
from collections.abc import Callable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F

from escalation.calendar import previous_working_day
from escalation.models import CaseStatus, EscalationCase
from escalation.sweep_batches import (
    BatchResult,
    cases_advance_overdue,
    cases_change_announce,
    cases_overdue_announce,
    cases_remind,
)
from escalation.sweep_selectors import cases_success_since_stage_start
from learners.policies import PRESETS

# How far ahead the reminder sweep looks for due dates (a long weekend plus bank holidays).
REMINDER_LOOKAHEAD_DAYS = 7
# Cases per transaction: big enough that the per-batch queries are few, small enough that a
# batch's locks are held briefly and a worker dying mid-batch loses little.
BATCH_SIZE = 200


def _chunks(ids: Sequence[int]) -> list[list[int]]:
    return [list(ids[start : start + BATCH_SIZE]) for start in range(0, len(ids), BATCH_SIZE)]


def sweep_in_batches(*, case_ids: Sequence[int], work: Callable[..., BatchResult]) -> list[int]:
    """Run ``work`` over the cases a batch at a time; returns the cases it did.

    First pass: skip the cases another transaction holds, so two sweeps at once split the work
    instead of queueing. Then those passed over are asked again, waiting for their locks, so a
    case a person happened to be saving is not left for tomorrow; one the other sweep did is
    simply not due any more when re-checked."""
    done, passed_over = [], []
    for chunk in _chunks(case_ids):
        result = work(case_ids=chunk, skip_locked=True)
        done += result.done
        passed_over += result.not_locked
    for chunk in _chunks(passed_over):
        done += work(case_ids=chunk, skip_locked=False).done
    return done


def case_success_since_stage_start(case: EscalationCase) -> str | None:
    """What counts as success at the case's stage (see cases_success_since_stage_start)."""
    return cases_success_since_stage_start(cases=[case]).get(case.pk)


def cases_due_for_advance(*, today: dt.date) -> list[int]:
    """Open cases whose stage deadline has passed and whose stage the sweep may advance."""
    candidates = EscalationCase.objects.filter(
        status=CaseStatus.OPEN, stage_due_on__lt=today
    ).values_list("pk", "preset_key", "stage")
    return [
        pk for pk, preset_key, stage in candidates if PRESETS[preset_key].stage(stage).auto_advance
    ]


def cases_advance_all_overdue(*, case_ids: Sequence[int], today: dt.date) -> list[int]:
    """The overdue sweep's work over its candidates, in batches; returns the cases advanced."""
    return sweep_in_batches(
        case_ids=case_ids,
        work=lambda *, case_ids, skip_locked: cases_advance_overdue(
            case_ids=case_ids, today=today, skip_locked=skip_locked
        ),
    )


def case_advance_if_overdue(*, case_id: int, today: dt.date) -> bool:
    """Advance one case by the sweep if, under its row lock, it is still overdue, still at an
    auto-advancing stage, and no success has been recorded. True when it advanced."""
    return bool(cases_advance_overdue(case_ids=[case_id], today=today).done)


def case_change_announce(*, case: EscalationCase, by: AbstractBaseUser | None) -> int:
    """Tell the people who act at the case's stage now, and the tutor, that it moved (not the
    person who moved it). Once per change: the key is the change's sequence number."""
    change = case.changes.order_by("-sequence").select_related("by").first()
    change.case = case  # with its learner, as loaded
    return cases_change_announce(changes=[change], by=by)[0]


def cases_overdue_to_announce(*, today: dt.date) -> list[int]:
    """Open cases past their stage deadline at a stage the sweep does not advance (a person
    decides), so the people acting there are told it is overdue."""
    candidates = EscalationCase.objects.filter(
        status=CaseStatus.OPEN, stage_due_on__lt=today
    ).values_list("pk", "preset_key", "stage")
    return [
        pk
        for pk, preset_key, stage in candidates
        if not PRESETS[preset_key].stage(stage).auto_advance
    ]


def cases_overdue_announce_all(*, case_ids: Sequence[int]) -> list[int]:
    """Announce in batches; returns the cases whose people were newly told."""
    return [pk for chunk in _chunks(case_ids) for pk in cases_overdue_announce(case_ids=chunk)]


def cases_due_for_reminder(*, today: dt.date) -> list[int]:
    """Open cases whose stage is due on the next working day (today is the working day
    before), not yet reminded for their current stage."""
    candidates = (
        EscalationCase.objects.filter(
            status=CaseStatus.OPEN,
            stage_due_on__gt=today,
            stage_due_on__lte=today + dt.timedelta(days=REMINDER_LOOKAHEAD_DAYS),
        )
        .exclude(reminded_for_change=F("change_count"))
        .values_list("pk", "stage_due_on", "learner__nation")
    )
    return [
        pk
        for pk, due_on, nation in candidates
        if previous_working_day(due_on, nation=nation) == today
    ]


def cases_remind_all(*, case_ids: Sequence[int]) -> list[int]:
    """The reminder sweep's work over its candidates, in batches; returns the cases reminded."""
    return sweep_in_batches(case_ids=case_ids, work=cases_remind)
