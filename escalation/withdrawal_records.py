"""The lowest layer of the withdrawal process: creating and cancelling requests and writing
their history. Case moves (services.py) call it, so it imports nothing that moves a case."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from escalation.models import (
    LIVE_REQUEST_STATUSES,
    EscalationCase,
    EventKind,
    RequestStatus,
    WithdrawalEvent,
    WithdrawalRequest,
)
from learners.roles import Role
from notifications.services import notification_send


def withdrawal_event_add(
    *,
    request: WithdrawalRequest,
    kind: str,
    by: AbstractBaseUser | None,
    at: dt.datetime,
    note: str = "",
) -> WithdrawalEvent:
    return WithdrawalEvent.objects.create(request=request, kind=kind, by=by, at=at, note=note)


def withdrawal_request_create(
    *, case: EscalationCase, by: AbstractBaseUser | None, grounds: str, at: dt.datetime
) -> WithdrawalRequest | None:
    """Raise the case's Notification of Withdrawal; none when one is already in progress.
    The caller holds the case's row lock, so two callers cannot both see "none live"."""
    if case.withdrawal_requests.filter(status__in=LIVE_REQUEST_STATUSES).exists():
        return None
    request = WithdrawalRequest.objects.create(
        case=case, learner_id=case.learner_id, grounds=grounds, raised_at=at, raised_by=by
    )
    withdrawal_event_add(request=request, kind=EventKind.RAISED, by=by, at=at, note=grounds)
    directors = get_user_model().objects.filter(groups__name=Role.DIRECTOR, is_active=True)
    notification_send(
        recipients=directors,
        kind="withdrawal",
        title=f"Withdrawal to decide: {case.learner.full_name}",
        body=grounds,
        url=reverse("withdrawal_detail", args=[request.pk]),
        dedupe_key=f"withdrawal:{request.pk}:raised",
    )
    return request


def withdrawal_requests_cancel(
    *, case: EscalationCase, by: AbstractBaseUser | None, reason: str, at: dt.datetime
) -> int:
    """The case succeeded (stepped down or back on track): a withdrawal still waiting for a
    director or the employer no longer applies."""
    live = list(case.withdrawal_requests.filter(status__in=LIVE_REQUEST_STATUSES))
    for request in live:
        request.status = RequestStatus.CANCELLED
        request.save(update_fields=["status"])
        withdrawal_event_add(request=request, kind=EventKind.CANCELLED, by=by, at=at, note=reason)
    return len(live)
