"""The reminder sweep (07:00, escalation.tasks.sweep_stage_reminders): remind the people acting
at a stage the working day before it is due, once per stage start; and tell the people acting
at a stage a person moves on (not the sweep) when it is overdue, once per stage start.
"""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.urls import reverse

from escalation.calendar import previous_working_day
from escalation.models import CaseStatus, EscalationCase
from escalation.services import case_policy
from escalation.sweeps.batches import (
    BatchResult,
    chunks,
    ids_not_locked,
    locked_cases,
    sweep_in_batches,
)
from escalation.sweeps.selectors import Audience, audiences_resolve
from notifications.services import NotificationItem, notifications_send_many
from policies.selectors import version_specs

# How far ahead the reminder sweep looks for due dates (a long weekend plus bank holidays).
REMINDER_LOOKAHEAD_DAYS = 7


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


def cases_remind(*, case_ids: Sequence[int], skip_locked: bool = False) -> BatchResult:
    """Remind the people acting at each case's stage that it is due on the next working day,
    once per stage start: those of these cases still open and not yet reminded, under lock."""
    with transaction.atomic():
        open_cases = EscalationCase.objects.filter(status=CaseStatus.OPEN)
        locked = locked_cases(open_cases, case_ids=case_ids, skip_locked=skip_locked)
        due = [case for case in locked if case.reminded_for_change != case.change_count]
        stages = [case_policy(case).stage(case.stage) for case in due]
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
    return BatchResult(done=[case.pk for case in due], not_locked=ids_not_locked(case_ids, locked))


def cases_overdue_to_announce(*, today: dt.date) -> list[int]:
    """Open cases past their stage deadline at a stage the sweep does not advance (a person
    decides), so the people acting there are told it is overdue."""
    candidates = EscalationCase.objects.filter(
        status=CaseStatus.OPEN, stage_due_on__lt=today
    ).values_list("pk", "policy_version_id", "stage")
    specs = version_specs({version_id for _, version_id, _ in candidates})
    return [
        pk
        for pk, version_id, stage in candidates
        if specs[version_id].automatic_forward(stage) is None
    ]


def cases_overdue_announce_all(*, case_ids: Sequence[int]) -> list[int]:
    """Announce in batches; returns the cases whose people were newly told."""
    return [pk for chunk in chunks(case_ids) for pk in cases_overdue_announce(case_ids=chunk)]


def cases_overdue_announce(*, case_ids: Sequence[int]) -> list[int]:
    """Tell the people acting at each case's stage (one a person moves on) that it is overdue,
    once per stage start (the dedupe key). Returns the cases whose people were newly told.
    No lock: the notification's dedupe key alone keeps two sweeps from telling twice."""
    with transaction.atomic():
        cases = list(
            EscalationCase.objects.filter(pk__in=case_ids).select_related("learner").order_by("pk")
        )
        stages = [case_policy(case).stage(case.stage) for case in cases]
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
