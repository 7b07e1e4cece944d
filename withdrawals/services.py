"""Withdrawal writes: a director's decision, the employer's agreement, completion, the exit
review, the written confirmation, and appeals. Request moves are in REQUEST_MOVES; a refused
move raises; every move writes a WithdrawalEvent (and, where the case moves, a StageChange).

Locks: the case row first, then the request, the same order as the case moves that cancel a
request, so two writers never wait on each other in a circle."""

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from escalation.calendar import add_working_days
from escalation.models import EscalationCase
from escalation.services import (
    IllegalMove,
    case_policy,
    case_withdraw,
    case_withdrawal_rejected,
)
from learners.models import LearnerStatus, ProgrammeType
from learners.roles import Role, roles_of
from notifications.services import notification_send
from riskcases.attachments import attachment_check
from withdrawals.models import (
    EmployerAgreement,
    EventKind,
    ExitReview,
    ExitTheme,
    RequestStatus,
    WithdrawalReason,
    WithdrawalRequest,
)
from withdrawals.records import withdrawal_event_add, withdrawal_requests_create_many
from withdrawals.requirements import contact_override_required

# move -> (statuses it may start from, status it leads to; None: unchanged)
REQUEST_MOVES: dict[str, tuple[frozenset[str], str | None]] = {
    "approve": (frozenset({RequestStatus.PENDING}), None),  # withdrawn or awaiting employer
    "reject": (frozenset({RequestStatus.PENDING}), RequestStatus.REJECTED),
    "employer_agreement": (
        frozenset({RequestStatus.PENDING, RequestStatus.AWAITING_EMPLOYER}),
        None,
    ),
    "complete": (
        frozenset({RequestStatus.PENDING, RequestStatus.AWAITING_EMPLOYER}),
        RequestStatus.WITHDRAWN,
    ),
    "exit_review": (frozenset({RequestStatus.WITHDRAWN}), None),
    "confirmation": (frozenset({RequestStatus.WITHDRAWN}), None),
    "appeal": (frozenset({RequestStatus.WITHDRAWN}), None),
    "reinstate": (frozenset({RequestStatus.WITHDRAWN}), RequestStatus.REINSTATED),
}


def ilr_year_of(day: dt.date) -> str:
    """The ILR year a date falls in: 1 August to 31 July, written 2026/27."""
    first = day.year if day.month >= 8 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def withdrawal_reasons_for(day: dt.date):
    """The ILR reasons of the year ``day`` falls in; the newest loaded year when that year's
    codes are not loaded yet (an admin adds them)."""
    active = WithdrawalReason.objects.filter(active=True)
    year = ilr_year_of(day)
    if not active.filter(ilr_year=year).exists():
        year = active.order_by("-ilr_year").values_list("ilr_year", flat=True).first() or year
    return active.filter(ilr_year=year).order_by("code")


def requires_employer_agreement(request: WithdrawalRequest) -> bool:
    # Policy: "In the case of an apprenticeship learner, agreement must be sought from the
    # employer to remove the learner from the programme."
    return request.learner.programme_type == ProgrammeType.APPRENTICESHIP


def request_check_move(request: WithdrawalRequest, move: str) -> None:
    allowed, _ = REQUEST_MOVES[move]
    if request.status not in allowed:
        raise IllegalMove(
            f"This withdrawal is {request.get_status_display().lower()}, so that cannot be done."
        )


def director_required(user: AbstractBaseUser) -> None:
    if not (user.is_superuser or Role.DIRECTOR in roles_of(user)):
        raise PermissionDenied("Only a director decides withdrawals and appeals.")


def request_lock(request: WithdrawalRequest) -> WithdrawalRequest:
    EscalationCase.objects.select_for_update().filter(pk=request.case_id).first()
    return (
        WithdrawalRequest.objects.select_for_update(of=("self",))
        .select_related("learner__employer", "learner__team", "learner__tutor", "case")
        .get(pk=request.pk)
    )


def text_required(value: str, field: str, message: str) -> str:
    if not (value or "").strip():
        raise ValidationError({field: message})
    return value.strip()


def withdrawal_tell(request: WithdrawalRequest, recipients: Iterable, title: str, key: str) -> None:
    notification_send(
        recipients=recipients,
        kind="withdrawal",
        title=title,
        url=reverse("withdrawal_detail", args=[request.pk]),
        dedupe_key=f"withdrawal:{request.pk}:{key}",
    )


def tutor_and_managers(request: WithdrawalRequest) -> list:
    learner = request.learner
    return [learner.tutor, *learner.team.managers.all()]


def directors_active() -> list:
    return list(get_user_model().objects.filter(groups__name=Role.DIRECTOR, is_active=True))


def withdrawal_request_raise(
    *, case: EscalationCase, by: AbstractBaseUser, grounds: str
) -> WithdrawalRequest:
    """Raise the Notification of Withdrawal by hand (after a rejection, say)."""
    grounds = text_required(grounds, "grounds", "Say why the learner should be withdrawn.")
    with transaction.atomic():
        case = EscalationCase.objects.select_for_update().get(pk=case.pk)
        if not (case.is_active and case_policy(case).stage(case.stage).withdrawal):
            raise IllegalMove("Only a case at the withdrawal stage can raise a withdrawal.")
        [request] = withdrawal_requests_create_many(
            cases=[(case, grounds)], by=by, at=timezone.now()
        )
        if request is None:
            raise IllegalMove("This case already has a withdrawal request in progress.")
    return request


def _decide(request: WithdrawalRequest, by: AbstractBaseUser, reason: str) -> None:
    director_required(by)
    if request.raised_by_id == by.pk:
        # Four eyes: also a database check (withdrawal_four_eyes).
        raise ValidationError("You raised this withdrawal, so another director must decide it.")
    request.decided_by, request.decided_at, request.decision_reason = by, timezone.now(), reason


def withdrawal_approve(
    *,
    request: WithdrawalRequest,
    by: AbstractBaseUser,
    reason: str,
    ilr_reason: WithdrawalReason,
    last_day_of_learning: dt.date,
    contact_override: str = "",
) -> WithdrawalRequest:
    """``contact_override``: why the director approves without the contact attempts the
    version requires before withdrawal (withdrawals/requirements.py), where they are missing."""
    reason = text_required(reason, "reason", "Give the reason for approving the withdrawal.")
    with transaction.atomic():
        request = request_lock(request)
        request_check_move(request, "approve")
        _decide(request, by, reason)
        request.contact_override_reason = contact_override_required(
            request=request, override=contact_override
        )
        today = timezone.localdate()
        learner = request.learner
        if not learner.start_date <= last_day_of_learning <= today:
            raise ValidationError(
                {
                    "last_day_of_learning": "The last day of learning must be between the start "
                    f"date ({learner.start_date:%d %b %Y}) and today."
                }
            )
        if not withdrawal_reasons_for(last_day_of_learning).filter(pk=ilr_reason.pk).exists():
            raise ValidationError(
                {"ilr_reason": f"Choose a reason from the ILR {ilr_year_of(last_day_of_learning)}"}
            )
        request.ilr_reason, request.last_day_of_learning = ilr_reason, last_day_of_learning
        withdrawal_event_add(
            request=request,
            kind=EventKind.APPROVED,
            by=by,
            at=request.decided_at,
            note=f"{reason} (ILR reason {ilr_reason.code}: {ilr_reason.description}; last day "
            f"of learning {last_day_of_learning:%d %b %Y})"
            + (
                f" Approved without the required contact attempts: "
                f"{request.contact_override_reason}"
                if request.contact_override_reason
                else ""
            ),
        )
        if requires_employer_agreement(request) and not _has_agreement(request):
            request.status = RequestStatus.AWAITING_EMPLOYER
            request.save()
            withdrawal_tell(
                request,
                tutor_and_managers(request),
                f"Withdrawal approved, employer's agreement needed: {learner.full_name}",
                "approved",
            )
        else:
            _complete(request, by)
    return request


def _has_agreement(request: WithdrawalRequest) -> bool:
    return EmployerAgreement.objects.filter(request=request).exists()


def _complete(request: WithdrawalRequest, by: AbstractBaseUser) -> None:
    """Approved, and agreed where needed: the learner is withdrawn."""
    request_check_move(request, "complete")
    now = timezone.now()
    today = timezone.localdate()
    preset, learner = case_policy(request.case), request.learner
    request.status, request.withdrawn_at, request.notified_on = RequestStatus.WITHDRAWN, now, today
    # Appeals count from the day the learner and employer are told, which is this day.
    request.appeal_by = add_working_days(today, preset.appeal_working_days, nation=learner.nation)
    request.confirmation_due_on = add_working_days(
        today, preset.withdrawal_confirmation_working_days, nation=learner.nation
    )
    request.save()
    learner.status, learner.expected_return_date = LearnerStatus.WITHDRAWN, None
    learner.save(update_fields=["status", "expected_return_date", "updated_at"])
    reason = request.ilr_reason
    case_withdraw(
        case=request.case,
        by=by,
        reason=f"Withdrawn: ILR reason {reason.code} {reason.description}. "
        f"Last day of learning {request.last_day_of_learning:%d %b %Y}.",
    )
    withdrawal_event_add(request=request, kind=EventKind.WITHDRAWN, by=by, at=now)
    withdrawal_tell(
        request, tutor_and_managers(request), f"Withdrawn: {learner.full_name}", "withdrawn"
    )


def withdrawal_reject(
    *, request: WithdrawalRequest, by: AbstractBaseUser, reason: str
) -> WithdrawalRequest:
    """Rejected: the case goes back to its last stage with the director's reason."""
    reason = text_required(reason, "reason", "Say why the withdrawal is rejected.")
    with transaction.atomic():
        request = request_lock(request)
        request_check_move(request, "reject")
        _decide(request, by, reason)
        request.status = RequestStatus.REJECTED
        request.save()
        withdrawal_event_add(
            request=request, kind=EventKind.REJECTED, by=by, at=request.decided_at, note=reason
        )
        case_withdrawal_rejected(case=request.case, by=by, reason=f"Withdrawal rejected: {reason}")
        withdrawal_tell(
            request,
            tutor_and_managers(request),
            f"Withdrawal rejected: {request.learner.full_name}",
            "rejected",
        )
    return request


def employer_agreement_record(
    *,
    request: WithdrawalRequest,
    by: AbstractBaseUser,
    agreed_by_name: str,
    agreed_by_role: str,
    agreed_on: dt.date,
    method: str,
    upload: UploadedFile | None,
    notes: str = "",
) -> EmployerAgreement:
    """Who at the employer agreed, when, how, and the proof. Completes an approved
    withdrawal that was waiting for it."""
    if upload is None:
        raise ValidationError(
            {"file": "Attach the employer's agreement (their e-mail, letter or signed form)."}
        )
    try:
        checked = attachment_check(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    with transaction.atomic():
        request = request_lock(request)
        request_check_move(request, "employer_agreement")
        if request.learner.employer_id is None:
            raise IllegalMove("This learner has no employer to agree the withdrawal.")
        if _has_agreement(request):
            raise IllegalMove("The employer's agreement is already recorded.")
        if agreed_on > timezone.localdate():
            raise ValidationError({"agreed_on": "The date agreed cannot be in the future."})
        if agreed_on < timezone.localtime(request.case.opened_at).date():
            raise ValidationError({"agreed_on": "The date agreed is before the case opened."})
        agreement = EmployerAgreement(
            request=request,
            agreed_by_name=text_required(agreed_by_name, "agreed_by_name", "Say who agreed."),
            agreed_by_role=text_required(agreed_by_role, "agreed_by_role", "Give their role."),
            agreed_on=agreed_on,
            method=method,
            notes=notes.strip(),
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            recorded_by=by,
            recorded_at=timezone.now(),
        )
        agreement.file.save(checked.name, checked.upload, save=False)
        agreement.save()
        withdrawal_event_add(
            request=request,
            kind=EventKind.EMPLOYER_AGREED,
            by=by,
            at=agreement.recorded_at,
            note=f"{agreement.agreed_by_name} ({agreement.agreed_by_role}) agreed on "
            f"{agreed_on:%d %b %Y} by {agreement.get_method_display().lower()}.",
        )
        if request.status == RequestStatus.AWAITING_EMPLOYER:
            _complete(request, by)
    return agreement


def exit_review_record(
    *,
    request: WithdrawalRequest,
    by: AbstractBaseUser,
    reasons: str,
    themes: Iterable[ExitTheme],
    might_have_kept: str,
    learner_took_part: bool,
) -> ExitReview:
    themes = list(themes)
    if not themes:
        raise ValidationError({"themes": "Choose at least one theme."})
    with transaction.atomic():
        request = request_lock(request)
        request_check_move(request, "exit_review")
        if ExitReview.objects.filter(request=request).exists():
            raise IllegalMove("The exit review is already recorded.")
        review = ExitReview.objects.create(
            request=request,
            reasons=text_required(reasons, "reasons", "Record the reasons for leaving."),
            might_have_kept=text_required(
                might_have_kept, "might_have_kept", "Record what might have kept the learner."
            ),
            learner_took_part=learner_took_part,
            completed_by=by,
            completed_at=timezone.now(),
        )
        review.themes.set(themes)
        withdrawal_event_add(
            request=request,
            kind=EventKind.EXIT_REVIEW,
            by=by,
            at=review.completed_at,
            note="Themes: " + "; ".join(theme.name for theme in themes),
        )
    return review


def withdrawal_confirmation_record(
    *, request: WithdrawalRequest, by: AbstractBaseUser, sent_on: dt.date, note: str = ""
) -> WithdrawalRequest:
    """Policy (BPN 10): withdrawal decisions are confirmed in writing within 10 working days."""
    with transaction.atomic():
        request = request_lock(request)
        request_check_move(request, "confirmation")
        if request.confirmation_sent_on is not None:
            raise IllegalMove("The written confirmation is already recorded.")
        if not request.notified_on <= sent_on <= timezone.localdate():
            raise ValidationError(
                {"sent_on": "The date sent must be between the withdrawal and today."}
            )
        request.confirmation_sent_on = sent_on
        request.save(update_fields=["confirmation_sent_on"])
        late = " (late)" if sent_on > request.confirmation_due_on else ""
        withdrawal_event_add(
            request=request,
            kind=EventKind.CONFIRMATION_SENT,
            by=by,
            at=timezone.now(),
            note=f"Sent on {sent_on:%d %b %Y}{late}. {note.strip()}".strip(),
        )
    return request
