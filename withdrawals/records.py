"""The lowest layer of the withdrawal process: creating and cancelling requests and writing
their history. Case moves in escalation call it through escalation/withdrawal_records.py
(registered by withdrawals/apps.py), so it imports nothing that moves a case."""

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from escalation.models import EscalationCase
from learners.roles import Role
from notifications.services import NotificationItem, notifications_send_many
from withdrawals.models import (
    LIVE_REQUEST_STATUSES,
    EventKind,
    RequestStatus,
    WithdrawalEvent,
    WithdrawalRequest,
)


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
    return withdrawal_requests_create_many(cases=[(case, grounds)], by=by, at=at)[0]


def withdrawal_requests_create_many(
    *,
    cases: Sequence[tuple[EscalationCase, str]],
    by: AbstractBaseUser | None,
    at: dt.datetime,
) -> list[WithdrawalRequest | None]:
    """``withdrawal_request_create`` for many (case, grounds) at once (a sweep's batch), in a
    few queries whatever their number; None for a case with a request already in progress.
    The caller holds the cases' row locks."""
    live = set(
        WithdrawalRequest.objects.filter(
            case__in=[case for case, _ in cases], status__in=LIVE_REQUEST_STATUSES
        ).values_list("case_id", flat=True)
    )
    raising = [(case, grounds) for case, grounds in cases if case.pk not in live]
    if not raising:
        return [None] * len(cases)
    requests = WithdrawalRequest.objects.bulk_create(
        [
            WithdrawalRequest(
                case=case, learner_id=case.learner_id, grounds=grounds, raised_at=at, raised_by=by
            )
            for case, grounds in raising
        ]
    )
    WithdrawalEvent.objects.bulk_create(
        WithdrawalEvent(request=request, kind=EventKind.RAISED, by=by, at=at, note=request.grounds)
        for request in requests
    )
    directors = list(get_user_model().objects.filter(groups__name=Role.DIRECTOR, is_active=True))
    notifications_send_many(
        items=[
            NotificationItem(
                recipients=directors,
                kind="withdrawal",
                title=f"Withdrawal to decide: {case.learner.full_name}",
                body=grounds,
                url=reverse("withdrawal_detail", args=[request.pk]),
                dedupe_key=f"withdrawal:{request.pk}:raised",
            )
            for (case, grounds), request in zip(raising, requests, strict=True)
        ]
    )
    by_case = {request.case_id: request for request in requests}
    return [by_case.get(case.pk) for case, _ in cases]


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
