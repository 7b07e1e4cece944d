"""Dated tasks a stage sets on a case (policies.spec.DatedTask): set when the stage starts, its
people told; ticked off with what was agreed; a daily check tells them once when one passes its
due date undone. MTT: "The team and Directors will discuss further interventions within 10
days" (How to escalate)."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from escalation.models import CaseTask, EscalationCase
from escalation.services import case_policy
from escalation.sweeps.selectors import Audience, audiences_resolve
from learners.roles import Role
from notifications.services import NotificationItem, notifications_send_many


def case_stage_tasks_set(*, case: EscalationCase, change_sequence: int, at: dt.datetime) -> int:
    """Set the dated tasks of the case's stage for the start written as ``change_sequence``,
    and tell each task's people and the tutor. Setting them again for the same start does
    nothing (a unique constraint). Returns how many were set."""
    stage = case_policy(case).stage(case.stage)
    if not stage.dated_tasks:
        return 0
    start = timezone.localtime(at).date()
    tasks = [
        CaseTask(
            case=case,
            stage_key=stage.key,
            change_sequence=change_sequence,
            label=task.label,
            due_on=start + dt.timedelta(days=task.days),
            set_at=at,
        )
        for task in stage.dated_tasks
    ]
    CaseTask.objects.bulk_create(tasks, ignore_conflicts=True)
    audiences = [
        Audience(learner=case.learner, roles=frozenset(task.tell_roles) | {Role.TUTOR})
        for task in stage.dated_tasks
    ]
    items = [
        NotificationItem(
            recipients=people,
            kind="case_task",
            title=f"{case.learner.full_name}: {task.label} by {task.due_on:%d %b %Y}",
            body=f"Set when the case reached {stage.name} ({stage.source}).",
            url=reverse("case_detail", args=[case.pk]),
            dedupe_key=f"case:{case.pk}:task:{change_sequence}:{task.label}"[:200],
        )
        for task, people in zip(tasks, audiences_resolve(audiences=audiences), strict=True)
    ]
    notifications_send_many(items=items)
    return len(tasks)


def case_task_done(*, task: CaseTask, by: AbstractBaseUser, note: str) -> CaseTask:
    """Tick the task off, with what was agreed (the policy's "further interventions")."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say what was agreed."})
    with transaction.atomic():
        task = CaseTask.objects.select_for_update().get(pk=task.pk)
        if task.is_done:
            return task
        task.done_at, task.done_by, task.done_note = timezone.now(), by, note
        task.save(update_fields=["done_at", "done_by", "done_note"])
    return task


def case_tasks_tell_overdue(*, today: dt.date) -> int:
    """Tell each undone task's people (and the tutor) once that it is past its due date, on
    active cases. Idempotent: a task is marked told under its row lock, and the notification's
    key is the task's. Returns how many tasks were told about."""
    with transaction.atomic():
        tasks = list(
            CaseTask.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(done_at__isnull=True, due_on__lt=today, overdue_told_on__isnull=True)
            .select_related("case__learner")
        )
        tasks = [task for task in tasks if task.case.is_active]
        if not tasks:
            return 0
        audiences = []
        for task in tasks:
            stage_tasks = [
                t
                for stage in case_policy(task.case).stages
                if stage.key == task.stage_key
                for t in stage.dated_tasks
                if t.label == task.label
            ]
            roles = frozenset(stage_tasks[0].tell_roles) if stage_tasks else frozenset()
            audiences.append(Audience(learner=task.case.learner, roles=roles | {Role.TUTOR}))
        notifications_send_many(
            items=[
                NotificationItem(
                    recipients=people,
                    kind="case_task_overdue",
                    title=f"{task.case.learner.full_name}: overdue since "
                    f"{task.due_on:%d %b %Y}: {task.label}",
                    url=reverse("case_detail", args=[task.case_id]),
                    dedupe_key=f"task:{task.pk}:overdue",
                )
                for task, people in zip(tasks, audiences_resolve(audiences=audiences), strict=True)
            ]
        )
        CaseTask.objects.filter(pk__in=[task.pk for task in tasks]).update(overdue_told_on=today)
    return len(tasks)
