"""The overdue sweep (06:30, escalation.tasks.sweep_overdue_cases): advance the open cases
whose stage deadline has passed at a stage the sweep advances, when no success has been
recorded since the stage began, and tell each new stage's people.

The candidates are read in one query; the work is done a batch of cases per transaction
(batches.py), each batch under its cases' row locks after re-checking that the case is still
due, so two sweeps running at once never advance a case twice, and a sweep that dies half way
leaves the batches it finished done and the rest for the next run.
"""

import datetime as dt
import logging
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from escalation.case_tasks import case_stage_tasks_set
from escalation.models import CaseStatus, ChangeKind, EscalationCase, StageChange
from escalation.services import (
    case_policy,
    case_stage_start,
    change_raises_withdrawal,
    change_starts_stage,
    stage_change_build,
)
from escalation.sweeps.announce import cases_change_announce
from escalation.sweeps.batches import BatchResult, ids_not_locked, locked_cases, sweep_in_batches
from escalation.sweeps.inactivity import case_close_for_activity, cases_inactivity_read
from escalation.sweeps.selectors import cases_success_since_stage_start
from escalation.withdrawal_records import withdrawal_requests_create_many
from learners.services import CLOSED_STATUSES
from policies.selectors import version_specs

logger = logging.getLogger(__name__)


def cases_due_for_advance(*, today: dt.date) -> list[int]:
    """Open cases whose stage deadline has passed and whose stage the sweep may advance."""
    candidates = EscalationCase.objects.filter(
        status=CaseStatus.OPEN, stage_due_on__lt=today
    ).values_list("pk", "policy_version_id", "stage")
    specs = version_specs({version_id for _, version_id, _ in candidates})
    return [
        pk
        for pk, version_id, stage in candidates
        if specs[version_id].automatic_forward(stage) is not None
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


def _active_learner(case: EscalationCase) -> bool:
    learner = case.learner
    return not learner.archived and learner.status not in CLOSED_STATUSES


def _advanceable(case: EscalationCase) -> bool:
    policy = case_policy(case)
    move = policy.automatic_forward(case.stage)
    if move is None:
        return False
    if policy.move_target(move, case.stage) is None:
        # A version whose last stage auto-advances is a mistake its validation refuses; the
        # case stays rather than failing the whole batch every morning.
        logger.error("Case %s: %s auto-advances but is the last stage", case.pk, case.stage)
        return False
    return _active_learner(case)


def cases_advance_overdue(
    *, case_ids: Sequence[int], today: dt.date, skip_locked: bool = False
) -> BatchResult:
    """Advance by the sweep, in one transaction, those of these cases that under their row
    locks are still open and overdue, at an auto-advancing stage, with a current learner and
    no success recorded since the stage began; then tell each new stage's people.

    A case the inactivity clock opened moves on only while the inactivity lasts: with activity
    recorded since its silence began it closes back on track instead, and while its learner is
    on a break it waits (escalation/sweeps/inactivity.py)."""
    with transaction.atomic():
        overdue = EscalationCase.objects.filter(status=CaseStatus.OPEN, stage_due_on__lt=today)
        locked = locked_cases(overdue, case_ids=case_ids, skip_locked=skip_locked)
        candidates = [case for case in locked if _advanceable(case)]
        ladder = cases_inactivity_read(cases=candidates, today=today)
        for case in candidates:
            if case.pk in ladder.active_again:
                case_close_for_activity(case=case, on=ladder.active_again[case.pk])
        candidates = [
            case
            for case in candidates
            if case.pk not in ladder.active_again and case.pk not in ladder.on_break
        ]
        successes = cases_success_since_stage_start(cases=candidates)
        moving = [case for case in candidates if case.pk not in successes]
        if moving:
            _cases_advance(moving)
    return BatchResult(
        done=[case.pk for case in moving], not_locked=ids_not_locked(case_ids, locked)
    )


def _cases_advance(cases: list[EscalationCase]) -> None:
    now = timezone.now()
    changes = []
    for case in cases:
        policy = case_policy(case)
        stage = policy.stage(case.stage)
        move = policy.automatic_forward(case.stage)
        still = (
            f" and no activity since {case.inactive_since:%d %b %Y}"
            if case.inactive_since is not None
            else ""
        )
        reason = (
            f"{stage.name} was due on {case.stage_due_on:%d %b %Y} ({case.due_rule}) "
            f"and no success was recorded{still}, so the sweep moved the case on."
        )
        from_stage, from_status = case.stage, case.status
        case_stage_start(case, policy.move_target(move, case.stage), now)
        changes.append(
            stage_change_build(
                case=case,
                kind=ChangeKind.ADVANCED,
                from_stage=from_stage,
                from_status=from_status,
                by=None,
                reason=reason,
                at=now,
                move_key=move.key,
            )
        )
    # One UPDATE per (stage, deadline, rule) the cases move to: a batch shares a few of these,
    # and bulk_update's CASE per row and field costs more in Python than the writes themselves.
    # change_count + 1 in SQL is the count just given to each case: its row lock is held.
    moves: dict[tuple, list[int]] = {}
    for case in cases:
        moves.setdefault((case.stage, case.stage_due_on, case.due_rule), []).append(case.pk)
    for (stage, due_on, due_rule), case_ids in moves.items():
        EscalationCase.objects.filter(pk__in=case_ids).update(
            stage=stage,
            stage_started_at=now,
            stage_due_on=due_on,
            due_rule=due_rule,
            change_count=F("change_count") + 1,
        )
    StageChange.objects.bulk_create(changes)
    for case, change in zip(cases, changes, strict=True):
        if change_starts_stage(change) and case_policy(case).stage(case.stage).dated_tasks:
            case_stage_tasks_set(case=case, change_sequence=change.sequence, at=now)
    withdrawal_requests_create_many(
        cases=[
            (case, change.reason)
            for case, change in zip(cases, changes, strict=True)
            if change_raises_withdrawal(case=case, kind=change.kind)
        ],
        by=None,
        at=now,
    )
    cases_change_announce(changes=changes, by=None)
