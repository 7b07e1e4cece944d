"""The beat sweeps' work: advance overdue cases, remind the day before a stage is due, and
tell the people acting at a stage a person decides when it is overdue.

Each case is handled in its own transaction under a row lock, after re-checking that the work
is still due, so two sweeps running at once advance a case once, and a sweep that dies half
way leaves the cases it finished done and the rest for the next run.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from escalation.calendar import previous_working_day
from escalation.models import CaseStatus, EscalationCase
from escalation.services import case_advance, case_preset
from learners.models import Learner
from learners.policies import PRESETS
from learners.policies.base import Stage
from learners.roles import Role
from learners.services import CLOSED_STATUSES
from notifications.services import notification_send
from riskcases.models import ContactLogEntry, Outcome, SupportKind, SupportRecord

# How far ahead the reminder sweep looks for due dates (a long weekend plus bank holidays).
REMINDER_LOOKAHEAD_DAYS = 7


def case_success_since_stage_start(case: EscalationCase) -> str | None:
    """What counts as success at a stage: the learner or employer agreed a commitment, or a
    support contract was agreed, since the stage began. Returns a description, or None."""
    commitment = (
        ContactLogEntry.objects.filter(
            learner_id=case.learner_id,
            outcome=Outcome.COMMITMENT_AGREED,
            occurred_at__gte=case.stage_started_at,
        )
        .order_by("occurred_at")
        .first()
    )
    if commitment is not None:
        return f"commitment agreed on {timezone.localtime(commitment.occurred_at):%d %b %Y}"
    contract = SupportRecord.objects.filter(
        learner_id=case.learner_id,
        kind=SupportKind.SUPPORT_CONTRACT,
        created_at__gte=case.stage_started_at,
    ).first()
    if contract is not None:
        return f"support contract agreed on {contract.agreed_on:%d %b %Y}"
    return None


def stage_actors(*, learner: Learner, stage: Stage) -> QuerySet:
    """The people who act at a stage for this learner: their tutor, their team's managers,
    and the organisation's directors or safeguarding team, as the stage's roles say."""
    return (
        get_user_model()
        .objects.filter(stage_actor_scope(learner=learner, stage=stage), is_active=True)
        .distinct()
    )


def stage_actor_scope(*, learner: Learner, stage: Stage) -> Q:
    scope = Q(pk__in=[])
    if Role.TUTOR in stage.actor_roles:
        scope |= Q(pk=learner.tutor_id)
    if Role.MANAGER in stage.actor_roles:
        scope |= Q(managed_teams=learner.team_id)
    for role in set(stage.actor_roles) - {Role.TUTOR, Role.MANAGER}:
        scope |= Q(groups__name=role)
    return scope


def _active_learner(case: EscalationCase) -> bool:
    learner = case.learner
    return not learner.archived and learner.status not in CLOSED_STATUSES


def cases_due_for_advance(*, today: dt.date) -> list[int]:
    """Open cases whose stage deadline has passed and whose stage the sweep may advance."""
    candidates = EscalationCase.objects.filter(
        status=CaseStatus.OPEN, stage_due_on__lt=today
    ).values_list("pk", "preset_key", "stage")
    return [
        pk for pk, preset_key, stage in candidates if PRESETS[preset_key].stage(stage).auto_advance
    ]


def case_advance_if_overdue(*, case_id: int, today: dt.date) -> bool:
    """Advance one case by the sweep if, under its row lock, it is still overdue, still at an
    auto-advancing stage, and no success has been recorded. True when it advanced."""
    with transaction.atomic():
        case = (
            EscalationCase.objects.select_for_update()
            .select_related("learner")
            .filter(pk=case_id, status=CaseStatus.OPEN, stage_due_on__lt=today)
            .first()
        )
        if case is None or not _active_learner(case):
            return False  # already advanced by another sweep, or closed meanwhile
        preset = case_preset(case)
        stage = preset.stage(case.stage)
        if not stage.auto_advance or case_success_since_stage_start(case):
            return False
        # case_advance returns the case as it saved it (re-read under the lock, with its
        # learner), so there is no need to read it again.
        case = case_advance(
            case=case,
            by=None,
            expected_stage=stage.key,
            reason=f"{stage.name} was due on {case.stage_due_on:%d %b %Y} ({case.due_rule}) "
            "and no success was recorded, so the sweep moved the case on.",
        )
        case_change_announce(case=case, by=None)
    return True


def case_change_announce(*, case: EscalationCase, by: AbstractBaseUser | None) -> int:
    """Tell the people who act at the case's stage now, and the tutor, that it moved (not the
    person who moved it). Once per change: the key is the change's sequence number."""
    change = case.changes.order_by("-sequence").select_related("by").first()
    stage = case_preset(case).stage(case.stage)
    scope = stage_actor_scope(learner=case.learner, stage=stage) | Q(pk=case.learner.tutor_id)
    recipients = get_user_model().objects.filter(scope, is_active=True)
    if by is not None:
        recipients = recipients.exclude(pk=by.pk)
    due = f" Due {case.stage_due_on:%d %b %Y}." if case.stage_due_on else ""
    return notification_send(
        recipients=recipients.distinct(),
        kind="stage_change",
        title=f"{case.learner.full_name}: {change.get_kind_display().lower()}, now at {stage.name}",
        body=f"{stage.summary}{due} Why: {change.reason}",
        url=reverse("case_detail", args=[case.pk]),
        dedupe_key=f"case:{case.pk}:change:{case.change_count}",
    )


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


def case_overdue_announce(*, case_id: int) -> int:
    case = EscalationCase.objects.select_related("learner").get(pk=case_id)
    stage = case_preset(case).stage(case.stage)
    return notification_send(
        recipients=stage_actors(learner=case.learner, stage=stage),
        kind="stage_overdue",
        title=f"Overdue: {stage.name} for {case.learner.full_name} was due "
        f"{case.stage_due_on:%a %d %b}",
        body=f"{case.due_rule}. {stage.summary}",
        url=reverse("case_detail", args=[case.pk]),
        # Once per stage start: a later change (a new deadline) may be overdue again.
        dedupe_key=f"case:{case.pk}:overdue:{case.change_count}",
    )


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


def case_remind(*, case_id: int, today: dt.date) -> bool:
    with transaction.atomic():
        case = (
            EscalationCase.objects.select_for_update()
            .select_related("learner")
            .filter(pk=case_id, status=CaseStatus.OPEN)
            .first()
        )
        if case is None or case.reminded_for_change == case.change_count:
            return False
        stage = case_preset(case).stage(case.stage)
        notification_send(
            recipients=stage_actors(learner=case.learner, stage=stage),
            kind="stage_due_tomorrow",
            title=f"{stage.name} for {case.learner.full_name} is due {case.stage_due_on:%a %d %b}",
            body=stage.summary,
            url=reverse("case_detail", args=[case.pk]),
            dedupe_key=f"case:{case.pk}:reminder:{case.change_count}",
        )
        case.reminded_for_change = case.change_count
        case.save(update_fields=["reminded_for_change"])
    return True
