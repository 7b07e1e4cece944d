"""Reads for the withdrawal pages: the approvals queue, the follow-up lists, the evidence a
director reads before deciding, and what the learner and case pages show of withdrawals."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, Max, OuterRef, Prefetch, QuerySet
from django.http import Http404

from escalation.models import EscalationCase, StageChange
from escalation.services import case_policy
from learners.access import learners_visible_to
from learners.models import (
    Attendance,
    Learner,
    ProgressEvent,
    ScheduledSession,
    Submission,
    SubmissionOutcome,
    Visit,
    VisitOutcome,
)
from riskcases.models import ContactLogEntry, ContactType, RiskRating, SupportRecord
from riskcases.selectors import TimelineItem, can_read_confidential
from withdrawals.models import (
    LIVE_REQUEST_STATUSES,
    Appeal,
    AppealStatus,
    EmployerAgreement,
    ExitReview,
    RequestStatus,
    WithdrawalEvent,
    WithdrawalRequest,
)

RELATED = (
    "learner__tutor",
    "learner__team",
    "learner__course",
    "learner__employer",
    "raised_by",
    "decided_by",
    "ilr_reason",
    "case",
)


def _visible(user: AbstractBaseUser) -> QuerySet[WithdrawalRequest]:
    return WithdrawalRequest.objects.filter(learner__in=learners_visible_to(user)).select_related(
        *RELATED
    )


def withdrawal_get_for_user(*, user: AbstractBaseUser, pk: int) -> WithdrawalRequest:
    request = _visible(user).filter(pk=pk).first()
    if request is None:
        raise Http404("No such withdrawal in your caseload.")
    return request


def appeal_get_for_user(*, user: AbstractBaseUser, pk: int) -> tuple[Appeal, WithdrawalRequest]:
    """An appeal and its withdrawal, when the withdrawal's learner is visible to ``user``."""
    appeal = Appeal.objects.filter(pk=pk).first()
    if appeal is None:
        raise Http404("No such appeal.")
    return appeal, withdrawal_get_for_user(user=user, pk=appeal.request_id)


def withdrawal_agreement(*, request: WithdrawalRequest) -> EmployerAgreement | None:
    return EmployerAgreement.objects.filter(request=request).select_related("recorded_by").first()


def withdrawal_exit_review(*, request: WithdrawalRequest) -> ExitReview | None:
    return ExitReview.objects.filter(request=request).prefetch_related("themes").first()


def withdrawal_appeals(*, request: WithdrawalRequest) -> list[Appeal]:
    return list(request.appeals.select_related("recorded_by", "decided_by", "late_accepted_by"))


def withdrawal_events(*, request: WithdrawalRequest) -> QuerySet[WithdrawalEvent]:
    return request.events.select_related("by")


def approvals_queue(*, user: AbstractBaseUser) -> QuerySet[WithdrawalRequest]:
    """Requests waiting for a director or the employer, oldest first."""
    return (
        _visible(user)
        .filter(status__in=LIVE_REQUEST_STATUSES)
        .annotate(has_agreement=Exists(EmployerAgreement.objects.filter(request=OuterRef("pk"))))
        .order_by("raised_at", "pk")
    )


def withdrawals_to_follow_up(*, user: AbstractBaseUser) -> QuerySet[WithdrawalRequest]:
    """Withdrawn learners whose written confirmation is not yet sent, or whose appeal is open."""
    open_appeal = Appeal.objects.filter(request=OuterRef("pk"), status=AppealStatus.LODGED)
    return (
        _visible(user)
        .filter(status=RequestStatus.WITHDRAWN)
        .annotate(appeal_open=Exists(open_appeal))
        .filter(confirmation_sent_on__isnull=True)
        .order_by("confirmation_due_on", "pk")
    )


def appeals_to_decide(*, user: AbstractBaseUser) -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(
            status=AppealStatus.LODGED, request__learner__in=learners_visible_to(user)
        )
        .select_related("request__learner__team", "request__learner__tutor")
        .order_by("decision_due_on", "pk")
    )


@dataclass
class StagePeriod:
    change: StageChange
    stage_name: str
    contacts: list[ContactLogEntry] = field(default_factory=list)


@dataclass
class Evidence:
    ratings: list[RiskRating]
    periods: list[StagePeriod]
    support: list[SupportRecord]
    letters: list[ContactLogEntry]
    can_read_confidential: bool


def withdrawal_evidence(*, request: WithdrawalRequest, user: AbstractBaseUser) -> Evidence:
    """Everything a director needs in one place: ratings, the stages with their dates and the
    contact attempts made in each, the support offered and the letters sent."""
    learner, case = request.learner, request.case
    preset = case_policy(case)
    changes = list(case.changes.select_related("by").order_by("sequence"))
    contacts = list(
        learner.contacts.filter(occurred_at__gte=case.opened_at)
        .exclude(contact_type=ContactType.RISK_RATING)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("occurred_at", "pk")
    )
    periods = []
    for index, change in enumerate(changes):
        ends = changes[index + 1].at if index + 1 < len(changes) else None
        stage_name = _stage_name(preset, change.to_stage)
        inside = [
            c
            for c in contacts
            if c.occurred_at >= change.at and (ends is None or c.occurred_at < ends)
        ]
        periods.append(StagePeriod(change, stage_name, inside))
    return Evidence(
        ratings=list(learner.ratings.select_related("set_by").order_by("started_at", "pk")),
        periods=periods,
        support=list(
            learner.support_records.select_related("created_by").prefetch_related(
                "interventions", Prefetch("actions")
            )
        ),
        letters=[c for c in contacts if c.contact_type == ContactType.LETTER],
        can_read_confidential=can_read_confidential(user),
    )


def _stage_name(preset, key: str) -> str:
    try:
        return preset.stage(key).name
    except KeyError:
        return key


def last_learning_activity(*, learner: Learner) -> dt.date | None:
    """The ILR's "last day of learning" suggestion: the latest day the learner took part."""
    latest = Max("occurred_on")
    days = [
        ScheduledSession.objects.filter(learner=learner, attendance=Attendance.ATTENDED),
        Submission.objects.filter(learner=learner, outcome=SubmissionOutcome.SUBMITTED),
        ProgressEvent.objects.filter(learner=learner),
        Visit.objects.filter(learner=learner, outcome=VisitOutcome.HELD),
    ]
    days = [records.aggregate(day=latest)["day"] for records in days]
    known = [day for day in days if day is not None]
    return max(known) if known else None


# --- what the learner and case pages show -------------------------------------------------


def learner_withdrawal_latest(*, learner: Learner) -> WithdrawalRequest | None:
    """The learner page's withdrawal panel: the newest request, whatever its status."""
    return learner.withdrawal_requests.order_by("-raised_at", "-pk").first()


def learner_live_withdrawal(*, learner: Learner) -> WithdrawalRequest | None:
    """The request still waiting for a director or the employer, if any."""
    return learner.withdrawal_requests.filter(status__in=LIVE_REQUEST_STATUSES).first()


def case_withdrawal_requests(*, case: EscalationCase) -> QuerySet[WithdrawalRequest]:
    """The case page's withdrawal card: every request with its history, newest first."""
    return (
        case.withdrawal_requests.select_related("raised_by")
        .prefetch_related("events__by")
        .order_by("-raised_at", "-pk")
    )


def case_has_live_withdrawal(*, case: EscalationCase) -> bool:
    return case.withdrawal_requests.filter(status__in=LIVE_REQUEST_STATUSES).exists()


def learner_withdrawal_timeline(*, learner: Learner, kinds: set[str]) -> list[TimelineItem]:
    """Withdrawal decisions and appeals as items of the learner timeline's "case" kind
    (beside the stage changes: escalation.selectors.learner_case_timeline)."""
    if "case" not in kinds:
        return []
    events = WithdrawalEvent.objects.filter(request__learner=learner).select_related("by")
    return [
        TimelineItem(
            "case",
            event.at,
            event.get_kind_display(),
            event,
            template="web/withdrawals/_timeline_event.html",
        )
        for event in events
    ]
