"""The beat sweeps' work, a batch of cases per transaction: advance the overdue ones, remind
the day before a stage is due, tell the people acting at a stage a person decides that it is
overdue, and tell everyone a case moved.

A batch locks its cases (``FOR UPDATE OF`` the case rows only), re-checks under the lock that
the work is still due, and does it for the whole batch with set-based reads and bulk writes.
Two sweeps at once: a case the other one has done is no longer due when re-checked, so nothing
happens twice; with ``skip_locked`` a batch passes over the cases another transaction holds
(the caller asks again for those, waiting, at the end: escalation/sweeps.py). A worker dying
mid-batch rolls the whole batch back, and the next run redoes it.
"""

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from escalation.models import CaseStatus, ChangeKind, EscalationCase, StageChange
from escalation.services import (
    case_preset,
    case_stage_start,
    change_raises_withdrawal,
    stage_change_build,
)
from escalation.sweep_selectors import Audience, audiences_resolve, cases_success_since_stage_start
from escalation.withdrawal_records import withdrawal_requests_create_many
from learners.services import CLOSED_STATUSES
from notifications.services import NotificationItem, notifications_send_many

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchResult:
    done: list[int]  # the cases the batch did its work on
    # Asked-for cases it did not lock: held by another transaction (with skip_locked), or no
    # longer matching (done by another sweep, closed meanwhile).
    not_locked: list[int]


def _locked(cases: QuerySet, *, case_ids: Sequence[int], skip_locked: bool) -> list:
    # Ordered by pk: two waiting lockers take the rows in one order, so they cannot deadlock.
    return list(
        cases.filter(pk__in=case_ids)
        .select_for_update(of=("self",), skip_locked=skip_locked)
        .select_related("learner")
        .order_by("pk")
    )


def _not_locked(case_ids: Sequence[int], locked: list[EscalationCase]) -> list[int]:
    seen = {case.pk for case in locked}
    return [pk for pk in case_ids if pk not in seen]


def _active_learner(case: EscalationCase) -> bool:
    learner = case.learner
    return not learner.archived and learner.status not in CLOSED_STATUSES


def _advanceable(case: EscalationCase) -> bool:
    preset = case_preset(case)
    if not preset.stage(case.stage).auto_advance:
        return False
    if preset.next_stage(case.stage) is None:
        # A preset whose last stage auto-advances is a mistake in its data; the case stays
        # (case_advance would refuse it) rather than failing the whole batch every morning.
        logger.error("Case %s: %s auto-advances but is the last stage", case.pk, case.stage)
        return False
    return _active_learner(case)


def cases_advance_overdue(
    *, case_ids: Sequence[int], today: dt.date, skip_locked: bool = False
) -> BatchResult:
    """Advance by the sweep, in one transaction, those of these cases that under their row
    locks are still open and overdue, at an auto-advancing stage, with a current learner and
    no success recorded since the stage began; then tell each new stage's people."""
    with transaction.atomic():
        overdue = EscalationCase.objects.filter(status=CaseStatus.OPEN, stage_due_on__lt=today)
        locked = _locked(overdue, case_ids=case_ids, skip_locked=skip_locked)
        candidates = [case for case in locked if _advanceable(case)]
        successes = cases_success_since_stage_start(cases=candidates)
        moving = [case for case in candidates if case.pk not in successes]
        if moving:
            _cases_advance(moving)
    return BatchResult(done=[case.pk for case in moving], not_locked=_not_locked(case_ids, locked))


def _cases_advance(cases: list[EscalationCase]) -> None:
    now = timezone.now()
    changes = []
    for case in cases:
        preset = case_preset(case)
        stage = preset.stage(case.stage)
        reason = (
            f"{stage.name} was due on {case.stage_due_on:%d %b %Y} ({case.due_rule}) "
            "and no success was recorded, so the sweep moved the case on."
        )
        from_stage, from_status = case.stage, case.status
        case_stage_start(case, preset.next_stage(case.stage), now)
        changes.append(
            stage_change_build(
                case=case,
                kind=ChangeKind.ADVANCED,
                from_stage=from_stage,
                from_status=from_status,
                by=None,
                reason=reason,
                at=now,
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


def cases_change_announce(
    *, changes: Sequence[StageChange], by: AbstractBaseUser | None
) -> list[int]:
    """Tell the people who act at each case's stage now, and the tutor, that it moved (not
    the person who moved it). Once per change: the key is the change's sequence number.
    ``changes`` are each case's latest, with ``change.case`` its case (and its learner)."""
    stages = [case_preset(change.case).stage(change.case.stage) for change in changes]
    audiences = [
        Audience.stage(learner=change.case.learner, stage=stage, with_tutor=True)
        for change, stage in zip(changes, stages, strict=True)
    ]
    items = []
    for change, stage, people in zip(
        changes, stages, audiences_resolve(audiences=audiences), strict=True
    ):
        case = change.case
        due = f" Due {case.stage_due_on:%d %b %Y}." if case.stage_due_on else ""
        items.append(
            NotificationItem(
                recipients=[u for u in people if by is None or u.pk != by.pk],
                kind="stage_change",
                title=f"{case.learner.full_name}: {change.get_kind_display().lower()}, "
                f"now at {stage.name}",
                body=f"{stage.summary}{due} Why: {change.reason}",
                url=reverse("case_detail", args=[case.pk]),
                dedupe_key=f"case:{case.pk}:change:{case.change_count}",
            )
        )
    return notifications_send_many(items=items)


def cases_remind(*, case_ids: Sequence[int], skip_locked: bool = False) -> BatchResult:
    """Remind the people acting at each case's stage that it is due on the next working day,
    once per stage start: those of these cases still open and not yet reminded, under lock."""
    with transaction.atomic():
        open_cases = EscalationCase.objects.filter(status=CaseStatus.OPEN)
        locked = _locked(open_cases, case_ids=case_ids, skip_locked=skip_locked)
        due = [case for case in locked if case.reminded_for_change != case.change_count]
        stages = [case_preset(case).stage(case.stage) for case in due]
        audiences = [
            Audience.stage(learner=case.learner, stage=stage)
            for case, stage in zip(due, stages, strict=True)
        ]
        notifications_send_many(
            items=[
                NotificationItem(
                    recipients=people,
                    kind="stage_due_tomorrow",
                    title=f"{stage.name} for {case.learner.full_name} is due "
                    f"{case.stage_due_on:%a %d %b}",
                    body=stage.summary,
                    url=reverse("case_detail", args=[case.pk]),
                    dedupe_key=f"case:{case.pk}:reminder:{case.change_count}",
                )
                for case, stage, people in zip(
                    due, stages, audiences_resolve(audiences=audiences), strict=True
                )
            ]
        )
        EscalationCase.objects.filter(pk__in=[case.pk for case in due]).update(
            reminded_for_change=F("change_count")
        )
    return BatchResult(done=[case.pk for case in due], not_locked=_not_locked(case_ids, locked))


def cases_overdue_announce(*, case_ids: Sequence[int]) -> list[int]:
    """Tell the people acting at each case's stage (one a person moves on) that it is overdue,
    once per stage start (the dedupe key). Returns the cases whose people were newly told.
    No lock: the notification's dedupe key alone keeps two sweeps from telling twice."""
    with transaction.atomic():
        cases = list(
            EscalationCase.objects.filter(pk__in=case_ids).select_related("learner").order_by("pk")
        )
        stages = [case_preset(case).stage(case.stage) for case in cases]
        audiences = [
            Audience.stage(learner=case.learner, stage=stage)
            for case, stage in zip(cases, stages, strict=True)
        ]
        told = notifications_send_many(
            items=[
                NotificationItem(
                    recipients=people,
                    kind="stage_overdue",
                    title=f"Overdue: {stage.name} for {case.learner.full_name} was due "
                    f"{case.stage_due_on:%a %d %b}",
                    body=f"{case.due_rule}. {stage.summary}",
                    url=reverse("case_detail", args=[case.pk]),
                    # Once per stage start: a later change (a new deadline) may be overdue again.
                    dedupe_key=f"case:{case.pk}:overdue:{case.change_count}",
                )
                for case, stage, people in zip(
                    cases, stages, audiences_resolve(audiences=audiences), strict=True
                )
            ]
        )
    return [case.pk for case, count in zip(cases, told, strict=True) if count]
