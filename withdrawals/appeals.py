"""Appeals against a withdrawal (BPN 11, Makers): lodged by the learner or the employer within
the preset's working days of the notification; a later one is refused with the reason unless a
director accepts it late with a reason; a director decides within as many working days.
Upheld keeps the withdrawal; overturned reinstates the learner and reopens the case."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from escalation.calendar import add_working_days
from escalation.models import CaseRecommendation
from escalation.services import IllegalMove, case_policy, case_reinstate
from learners.models import BreakInLearning, LearnerStatus
from withdrawals.models import Appeal, AppealStatus, EventKind, RequestStatus, WithdrawalRequest
from withdrawals.records import withdrawal_event_add
from withdrawals.services import (
    director_required,
    directors_active,
    request_check_move,
    request_lock,
    text_required,
    tutor_and_managers,
    withdrawal_tell,
)

# appeal move -> (statuses it may start from, status it leads to)
APPEAL_MOVES: dict[str, tuple[frozenset[str], str]] = {
    "accept_late": (frozenset({AppealStatus.REFUSED_LATE}), AppealStatus.LODGED),
    "uphold": (frozenset({AppealStatus.LODGED}), AppealStatus.UPHELD),
    "overturn": (frozenset({AppealStatus.LODGED}), AppealStatus.OVERTURNED),
}


def _decision_due(request: WithdrawalRequest, received: dt.date) -> dt.date:
    days = case_policy(request.case).appeal_decision_working_days
    return add_working_days(received, days, nation=request.learner.nation)


def _window_words(request: WithdrawalRequest) -> str:
    days = case_policy(request.case).appeal_working_days
    return (
        f"the appeal window closed on {request.appeal_by:%A %d %B %Y} ({days} working days "
        f"from the notification on {request.notified_on:%d %B %Y})"
    )


def appeal_lodge(
    *,
    request: WithdrawalRequest,
    by: AbstractBaseUser,
    appellant: str,
    received_on: dt.date,
    grounds: str,
) -> Appeal:
    """Record an appeal as received. One received after the window is stored as refused,
    with the reason, so the refusal itself is on record."""
    grounds = text_required(grounds, "grounds", "Record the grounds of the appeal.")
    with transaction.atomic():
        request = request_lock(request)
        request_check_move(request, "appeal")
        if request.appeals.exclude(status=AppealStatus.REFUSED_LATE).exists():
            # BPN 11: "Decision is final following review"; one open appeal at a time.
            raise IllegalMove("An appeal against this withdrawal is already open or decided.")
        if not request.notified_on <= received_on <= timezone.localdate():
            raise ValidationError(
                {"received_on": "The date received must be between the notification and today."}
            )
        now = timezone.now()
        appeal = Appeal(
            request=request,
            appellant=appellant,
            received_on=received_on,
            grounds=grounds,
            recorded_by=by,
            recorded_at=now,
        )
        if received_on > request.appeal_by:
            appeal.status = AppealStatus.REFUSED_LATE
            appeal.refusal_reason = (
                f"Received on {received_on:%A %d %B %Y}, after {_window_words(request)}. "
                "A director may accept it late with a reason."
            )
            appeal.save()
            withdrawal_event_add(
                request=request,
                kind=EventKind.APPEAL_REFUSED_LATE,
                by=by,
                at=now,
                note=appeal.refusal_reason,
            )
            return appeal
        appeal.status = AppealStatus.LODGED
        appeal.decision_due_on = _decision_due(request, received_on)
        appeal.save()
        withdrawal_event_add(
            request=request,
            kind=EventKind.APPEAL_LODGED,
            by=by,
            at=now,
            note=f"By the {appeal.get_appellant_display().lower()}, received "
            f"{received_on:%d %b %Y}; decision due {appeal.decision_due_on:%d %b %Y}.",
        )
        withdrawal_tell(
            request, directors_active(), f"Appeal to decide: {request.learner.full_name}", "appeal"
        )
    return appeal


def appeal_recommender_id(request: WithdrawalRequest) -> int | None:
    """Who recorded the recommendation the withdrawal followed (a Makers stage 5 Director's
    "notify a termination"): that person does not hear the appeal against it."""
    return (
        CaseRecommendation.objects.filter(case_id=request.case_id, at__lte=request.raised_at)
        .order_by("-at", "-pk")
        .values_list("by_id", flat=True)
        .first()
    )


def _lock_appeal(appeal: Appeal, move: str) -> Appeal:
    request_lock(appeal.request)
    appeal = (
        Appeal.objects.select_for_update(of=("self",)).select_related("request").get(pk=appeal.pk)
    )
    allowed, _ = APPEAL_MOVES[move]
    if appeal.status not in allowed:
        raise IllegalMove(f"This appeal is {appeal.get_status_display().lower()}.")
    return appeal


def appeal_accept_late(*, appeal: Appeal, by: AbstractBaseUser, reason: str) -> Appeal:
    """A director accepts an appeal received after the window, with a reason; the decision is
    due the preset's working days from today."""
    reason = text_required(reason, "reason", "Say why the late appeal is accepted.")
    director_required(by)
    with transaction.atomic():
        appeal = _lock_appeal(appeal, "accept_late")
        if appeal.request.appeals.exclude(status=AppealStatus.REFUSED_LATE).exists():
            raise IllegalMove("Another appeal against this withdrawal is open or decided.")
        appeal.status = AppealStatus.LODGED
        appeal.late_accepted_by, appeal.late_accepted_reason = by, reason
        appeal.decision_due_on = _decision_due(appeal.request, timezone.localdate())
        appeal.save()
        withdrawal_event_add(
            request=appeal.request,
            kind=EventKind.APPEAL_ACCEPTED_LATE,
            by=by,
            at=timezone.now(),
            note=f"{reason} Decision due {appeal.decision_due_on:%d %b %Y}.",
        )
    return appeal


def appeal_decide(
    *,
    appeal: Appeal,
    by: AbstractBaseUser,
    overturn: bool,
    reason: str,
    reinstate_at_stage: str = "",
    due_on: dt.date | None = None,
) -> Appeal:
    """Upheld keeps the withdrawal; overturned reinstates the learner and reopens the case at
    the stage agreed (``reinstate_at_stage``)."""
    reason = text_required(reason, "reason", "Give the reason for the decision.")
    director_required(by)
    with transaction.atomic():
        appeal = _lock_appeal(appeal, "overturn" if overturn else "uphold")
        request = WithdrawalRequest.objects.select_related("learner", "case").get(
            pk=appeal.request_id
        )
        if by.pk == appeal_recommender_id(request):
            raise IllegalMove(
                "You made the recommendation this withdrawal followed: the appeal is heard by a "
                "director who did not."
            )
        now = timezone.now()
        appeal.decided_by, appeal.decided_at, appeal.decision_reason = by, now, reason
        if not overturn:
            appeal.status = AppealStatus.UPHELD
            appeal.save()
            withdrawal_event_add(
                request=request, kind=EventKind.APPEAL_UPHELD, by=by, at=now, note=reason
            )
            _announce_decision(request, appeal)
            return appeal
        preset = case_policy(request.case)
        if reinstate_at_stage not in {stage.key for stage in preset.stages}:
            raise ValidationError({"reinstate_at_stage": "Choose the stage the case reopens at."})
        request_check_move(request, "reinstate")
        case_reinstate(
            case=request.case,
            by=by,
            reason=f"Appeal overturned: {reason}",
            stage_key=reinstate_at_stage,
            due_on=due_on,
        )
        learner = request.learner
        learner.status = LearnerStatus.ON_PROGRAMME
        learner.save(update_fields=["status", "updated_at"])
        # Withdrawn while on a break: back on programme means the break is over too, or no
        # new break could ever start (one open break per learner).
        BreakInLearning.objects.filter(learner=learner, returned_on__isnull=True).update(
            returned_on=timezone.localdate()
        )
        request.status = RequestStatus.REINSTATED
        request.save(update_fields=["status"])
        appeal.status, appeal.reinstated_at_stage = AppealStatus.OVERTURNED, reinstate_at_stage
        appeal.save()
        withdrawal_event_add(
            request=request,
            kind=EventKind.APPEAL_OVERTURNED,
            by=by,
            at=now,
            note=f"{reason} Reopened at {preset.stage(reinstate_at_stage).name}.",
        )
        _announce_decision(request, appeal)
    return appeal


def _announce_decision(request: WithdrawalRequest, appeal: Appeal) -> None:
    withdrawal_tell(
        request,
        tutor_and_managers(request),
        f"Appeal {appeal.get_status_display().lower()}: {request.learner.full_name}",
        f"appeal:{appeal.pk}:decided",
    )
