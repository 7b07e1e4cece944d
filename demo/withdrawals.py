"""seed_demo: the withdrawal process in every state. A few overdue stage 2 cases reach the
Notification of Withdrawal; then each request follows one story (still waiting, waiting for the
employer, withdrawn with or without its paperwork, rejected, appealed), run through the real
services on the days it happened (time-machine), so every date and history row is real.

Idempotent: the stories are told once; a rerun that finds any decided request changes nothing."""

import datetime as dt

import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from escalation.models import CaseStatus, EscalationCase
from escalation.services import case_advance, case_policy
from withdrawals.appeals import appeal_decide, appeal_lodge
from withdrawals.models import ExitTheme, RequestStatus, WithdrawalRequest
from withdrawals.selectors import last_learning_activity
from withdrawals.services import (
    employer_agreement_record,
    exit_review_record,
    withdrawal_approve,
    withdrawal_confirmation_record,
    withdrawal_reasons_for,
    withdrawal_reject,
)

# A one-page PDF standing in for the employer's e-mail of agreement.
AGREEMENT_PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
STORIES = (
    "waiting",
    "withdrawn_complete",
    "approved_awaiting_employer",
    "withdrawn_confirmation_overdue",
    "rejected",
    "appeal_open",
    "appeal_refused_late",
    "appeal_overturned",
)
EXTRA_CASES = 6  # overdue cases moved on to the Notification of Withdrawal


def _at(day: dt.date, hour: int = 11):
    return time_machine.travel(
        timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0))), tick=False
    )


def _working_day_after(day: dt.date, days: int) -> dt.date:
    day += dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def advance_overdue_to_withdrawal(today: dt.date) -> None:
    """Cases long overdue at the stage before their version's withdrawal stage: the sweep moved
    them on to it, raising the Notification of Withdrawal. Once: not after the stories ran."""
    if WithdrawalRequest.objects.exclude(status=RequestStatus.PENDING).exists():
        return
    overdue = EscalationCase.objects.filter(
        status=CaseStatus.OPEN, stage_due_on__lt=today - dt.timedelta(days=20)
    ).order_by("learner__uln")
    cases = [
        case
        for case in overdue
        if (following := case_policy(case).next_stage(case.stage)) and following.withdrawal
    ][:EXTRA_CASES]
    for case in cases:
        with _at(_working_day_after(case.stage_due_on, 1), hour=6):
            case_advance(
                case=case,
                by=None,
                reason="The deadline passed with no success recorded, so the sweep moved the "
                "case on.",
            )


def _agree(request, by, day: dt.date) -> None:
    employer = request.learner.employer
    employer_agreement_record(
        request=request,
        by=by,
        agreed_by_name=employer.mentor_name or "HR manager",
        agreed_by_role="Workplace mentor" if employer.mentor_name else "HR manager",
        agreed_on=day,
        method="email",
        notes="Agreed by e-mail after the Stage 3 call.",
        upload=SimpleUploadedFile("employer-agreement.pdf", AGREEMENT_PDF),
    )


def _approve(request, director, day: dt.date) -> None:
    last_day = last_learning_activity(learner=request.learner) or request.learner.start_date
    last_day = min(last_day, day)
    reasons = withdrawal_reasons_for(last_day)
    withdrawal_approve(
        request=request,
        by=director,
        reason="Every stage of the policy was followed and the learner has not re-engaged.",
        ilr_reason=reasons.filter(code=44).first() or reasons.first(),
        last_day_of_learning=last_day,
    )


def _review(request, by) -> None:
    exit_review_record(
        request=request,
        by=by,
        reasons="Working extra shifts left no time for study; felt behind and stopped logging in.",
        themes=ExitTheme.objects.filter(code__in=["workload-time", "employer-support"]),
        might_have_kept="Protected off-the-job time agreed with the employer at the start.",
        learner_took_part=True,
    )


def _story(request, story: str, director, today: dt.date) -> None:
    learner = request.learner
    manager = learner.team.managers.first() or learner.tutor
    day = _working_day_after(timezone.localtime(request.raised_at).date(), 2)
    apprentice = learner.programme_type == "apprenticeship"
    if story == "waiting" or day >= today:
        return
    with _at(day):
        if story == "rejected":
            withdrawal_reject(
                request=request,
                by=director,
                reason="The employer has not been phoned yet: try a three-way meeting first.",
            )
            return
        if apprentice and story != "approved_awaiting_employer":
            _agree(request, manager, day)
        _approve(request, director, day)
    if story == "approved_awaiting_employer":
        return
    request.refresh_from_db()
    later = min(_working_day_after(day, 4), today)
    with _at(later):
        if story != "withdrawn_confirmation_overdue":
            withdrawal_confirmation_record(request=request, by=manager, sent_on=later)
        if story == "withdrawn_complete":
            _review(request, learner.tutor)
    appeal_day = _working_day_after(day, 3)
    if story == "appeal_refused_late":
        appeal_day = _working_day_after(request.appeal_by, 3)
    if appeal_day >= today or not story.startswith("appeal"):
        return
    with _at(appeal_day):
        appeal = appeal_lodge(
            request=request,
            by=manager,
            appellant="learner",
            received_on=appeal_day,
            grounds="I was caring for a relative and missed the letters; I want to continue.",
        )
    if story == "appeal_overturned" and _working_day_after(appeal_day, 5) < today:
        with _at(_working_day_after(appeal_day, 5)):
            appeal_decide(
                appeal=appeal,
                by=director,
                overturn=True,
                reason="Caring responsibilities confirmed; a support plan is agreed.",
                reinstate_at_stage="stage_1",
            )


def seed(*, stdout, leave_waiting: set[int] = frozenset()) -> None:
    """``leave_waiting``: learners whose requests stay as raised (demo/ladders.py's)."""
    today = timezone.localdate()
    director = get_user_model().objects.filter(username="director").first()
    told = WithdrawalRequest.objects.exclude(status=RequestStatus.PENDING).exists()
    if director is None or told:
        return
    waiting = (
        WithdrawalRequest.objects.filter(status=RequestStatus.PENDING)
        .exclude(learner_id__in=leave_waiting)
        .select_related("learner__team", "learner__employer", "learner__tutor", "case")
        .order_by("learner__uln")
    )
    for index, request in enumerate(waiting):
        _story(request, STORIES[index % len(STORIES)], director, today)
    counts = WithdrawalRequest.objects.values_list("status", flat=True)
    summary = ", ".join(f"{counts.filter(status=s).count()} {s}" for s in RequestStatus.values)
    stdout.write(f"escalation: withdrawal requests: {summary}")


def withdrawals_complete(*, learner_ids: set[int]) -> None:
    """The waiting requests of these learners go through to a completed withdrawal."""
    director = get_user_model().objects.filter(username="director").first()
    requests = WithdrawalRequest.objects.filter(
        learner_id__in=learner_ids, status=RequestStatus.PENDING
    ).select_related("learner__team", "learner__employer", "learner__tutor", "case")
    for request in requests.order_by("learner__uln"):
        _story(request, "withdrawn_complete", director, timezone.localdate())


def outside_the_ladder(*, stdout, today: dt.date) -> None:
    """Two withdrawals raised outside the ladder: a Manchester (MTT) learner who decided to
    leave, withdrawn with the exit review; a London (Makers) apprentice whose programme ends
    under the code of conduct, waiting for a director. Once: a rerun finds them raised."""
    from escalation.withdrawal_routes import learner_withdrawal_raise
    from learners.models import Learner, LearnerStatus

    if WithdrawalRequest.objects.filter(grounds__startswith="Withdraw: ").exists():
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["director"])}
    stories = [
        ("Manchester Apprenticeships", "learner_leaving", "tutor", "short_course"),
        ("London Software Apprenticeships", "other_policy", "manager5", "apprenticeship"),
    ]
    raised = 0
    for team, route, username, programme in stories:
        candidates = Learner.objects.filter(
            team__name=team,
            status=LearnerStatus.ON_PROGRAMME,
            archived=False,
            cases__isnull=True,
            withdrawal_requests__isnull=True,
        ).order_by("uln")
        learner = candidates.filter(programme_type=programme).first() or candidates.first()
        by = get_user_model().objects.filter(username=username).first()
        if learner is None or by is None:
            continue
        day = _working_day_after(today - dt.timedelta(days=14), 0)
        with _at(day):
            learner_withdrawal_raise(
                learner=learner,
                move_key=route,
                by=by,
                reason="Phoned the tutor: has taken a full-time job outside the sector and will "
                "not continue; the employer knows."
                if route == "learner_leaving"
                else "Code of conduct hearing on the 20th upheld gross misconduct at the "
                "placement; the programme ends under that policy.",
            )
        raised += 1
        request = learner.withdrawal_requests.get()
        director = users.get("director")
        if route == "learner_leaving" and director is not None:
            with _at(_working_day_after(day, 2)):
                if learner.programme_type == "apprenticeship":
                    _agree(request, by, _working_day_after(day, 2))
                _approve(request, director, _working_day_after(day, 2))
                request.refresh_from_db()
                _review(request, by)
    stdout.write(f"escalation: {raised} withdrawals raised outside the ladder")
