"""Reads for case pages, the caseload and the cases list."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from escalation.models import (
    ACTIVE_STATUSES,
    Decision,
    EscalationCase,
    RiskNotification,
    StageChange,
)
from escalation.services import case_policy
from learners.access import learners_visible_to
from learners.models import BreakInLearning, Learner
from learners.record_kinds import timeline_filters
from riskcases.models import ContactLogEntry, ContactWith
from riskcases.selectors import TimelineItem, caseload_for


def case_get_for_user(*, user: AbstractBaseUser, pk: int) -> EscalationCase:
    case = (
        EscalationCase.objects.filter(learner__in=learners_visible_to(user))
        .select_related("learner__tutor", "learner__team", "learner__course", "learner__employer")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404("No such case in your caseload.")
    return case


def case_history(*, case: EscalationCase) -> list[StageChange]:
    """The case's changes in order, each with ``version_id`` (the version its to_stage is in)
    and ``from_version_id`` (the previous change's), so stage names read right across a move
    to a new version. Rows written before versions were recorded belong to the case's."""
    changes = list(case.changes.select_related("by").order_by("sequence"))
    previous = case.policy_version_id
    for change in changes:
        change.from_version_id = previous
        change.version_id = change.policy_version_id or case.policy_version_id
        previous = change.version_id
    return changes


def case_history_with_recommendations(*, case: EscalationCase) -> list:
    """The case's changes (case_history) and the recommendations recorded at its stages, in
    the order they happened; a recommendation has ``is_recommendation`` set."""
    recommendations = list(case.recommendations.select_related("by"))
    for recommendation in recommendations:
        recommendation.is_recommendation = True
    entries = [*case_history(case=case), *recommendations]
    return sorted(entries, key=lambda entry: entry.at)


def case_informal_moves(*, case: EscalationCase, policy) -> list[str]:
    """The case's moves between two informal stages, as "Stage 1 → Stage 2" (learners "moving
    back and forth through the informal stages ... is quite normal"), oldest first."""
    informal = {stage.key: stage.name for stage in policy.stages if stage.informal}
    if len(informal) < 2:
        return []
    changes = case.changes.filter(from_stage__in=informal, to_stage__in=informal).order_by(
        "sequence"
    )
    return [
        f"{informal[change.from_stage]} → {informal[change.to_stage]}"
        for change in changes.only("from_stage", "to_stage")
        if change.from_stage != change.to_stage
    ]


@dataclass
class ChecklistItem:
    label: str
    needed: int
    done: int
    entries: list[ContactLogEntry]
    channels_needed: int = 0  # different contact types the entries must use between them

    @property
    def channels(self) -> int:
        return len({entry.contact_type for entry in self.entries})

    @property
    def complete(self) -> bool:
        return self.done >= self.needed and self.channels >= self.channels_needed


def contact_reaches(entry: ContactLogEntry, party: str) -> bool:
    """The entry is with ``party`` ("learner" or "employer"; an entry with both reaches
    either); "" is anyone."""
    return not party or entry.contact_with in (party, ContactWith.BOTH)


def case_checklist(*, case: EscalationCase) -> list[ChecklistItem]:
    """The stage's required contacts, ticked off from the contact log since the stage began."""
    stage = case_policy(case).stage(case.stage)
    since = list(
        ContactLogEntry.objects.filter(
            learner_id=case.learner_id, occurred_at__gte=case.stage_started_at
        ).order_by("occurred_at")
    )
    items = []
    for requirement in stage.contacts:
        matching = [
            entry
            for entry in since
            if entry.contact_type in requirement.contact_types
            and (entry.welfare_check or not requirement.welfare_check)
            and contact_reaches(entry, requirement.contact_with)
        ]
        items.append(
            ChecklistItem(
                requirement.label,
                requirement.count,
                len(matching),
                matching,
                channels_needed=requirement.distinct_channels,
            )
        )
    return items


def caseload_with_cases(
    *, user: AbstractBaseUser, today: dt.date | None = None
) -> QuerySet[Learner]:
    active = EscalationCase.objects.filter(learner=OuterRef("pk"), status__in=ACTIVE_STATUSES)
    return caseload_for(user=user, today=today).annotate(
        case_id=Subquery(active.values("pk")[:1]),
        case_version=Subquery(active.values("policy_version_id")[:1]),
        case_stage=Subquery(active.values("stage")[:1]),
        case_status=Subquery(active.values("status")[:1]),
        case_due_on=Subquery(active.values("stage_due_on")[:1]),
        # A risk notification waiting for the tutor's decision shows on the row.
        risk_pending=Exists(
            RiskNotification.objects.filter(learner=OuterRef("pk"), status=Decision.PENDING)
        ),
    )


def cases_for(*, user: AbstractBaseUser) -> QuerySet[EscalationCase]:
    return (
        EscalationCase.objects.filter(
            learner__in=learners_visible_to(user), status__in=ACTIVE_STATUSES
        )
        .select_related("learner__tutor", "learner__team")
        .order_by(F("stage_due_on").asc(nulls_last=True), "pk")
    )


def today_local() -> dt.date:
    return timezone.localdate()


def learner_risk_notifications(*, learner: Learner) -> dict[str, list[RiskNotification]]:
    """Pending risk notifications (to decide) and the latest decided ones (for the record)."""
    notes = list(learner.risk_notifications.select_related("decided_by").order_by("-fired_at")[:20])
    return {
        "pending": [n for n in notes if n.status == Decision.PENDING],
        "decided": [n for n in notes if n.status != Decision.PENDING][:5],
    }


# What the escalation app adds to the learner timeline (see web/learners.py); the labels, the
# order and the record kinds each shows: learners/record_kinds.py.
TIMELINE_KINDS_ADDED = timeline_filters("case", "break")


def _midday(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def learner_case_timeline(*, learner: Learner, kinds: set[str]) -> list[TimelineItem]:
    """Stage changes and breaks in learning, as timeline items for the learner page (the
    withdrawal decisions and appeals beside them: withdrawals.selectors)."""
    items: list[TimelineItem] = []
    if "case" in kinds:
        changes = StageChange.objects.filter(case__learner=learner).select_related("by", "case")
        for change in changes:
            items.append(
                TimelineItem(
                    "case",
                    change.at,
                    change.get_kind_display(),
                    change,
                    template="web/learners/_timeline_stage.html",
                )
            )
    if "break" in kinds:
        for pause in BreakInLearning.objects.filter(learner=learner).select_related("recorded_by"):
            template = "web/learners/_timeline_break.html"
            items.append(
                TimelineItem("break", _midday(pause.occurred_on), "Break", pause, template=template)
            )
            if pause.returned_on:
                items.append(
                    TimelineItem(
                        "break",
                        _midday(pause.returned_on),
                        "Returned",
                        pause,
                        extra={"returned": True},
                        template=template,
                    )
                )
    return items
