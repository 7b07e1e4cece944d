"""The case pages: the list of cases, a case's page, and the moves made from it.

A case's page shows its stage, checklist, history, withdrawal requests, the stage letter card
(sent, not sent with a reason, or still to do), the moves its policy version allows this user
from the stage (escalation/move_selectors.py) and, at a stage that ends in one, the
recommendation form. The letter's own pages are web/case_letters.py;
they render this page through ``case_page_context`` when the "not sent" form has errors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from escalation.case_moves import case_move, roles_making
from escalation.case_tasks import case_task_done
from escalation.letter_sending import case_letter_template
from escalation.models import CaseStatus, CaseTask, EscalationCase
from escalation.move_selectors import case_move_options
from escalation.recommendation_emails import case_recommendation_email
from escalation.recommendations import case_may_recommend, case_recommendation_record
from escalation.selectors import (
    case_checklist,
    case_get_for_user,
    case_history_with_recommendations,
    case_informal_moves,
    cases_for,
    today_local,
)
from escalation.services import case_policy, case_stage_letter, case_stage_notified
from escalation.stage_reviews import case_may_record_review, stage_reviews_held
from escalation.sweeps.selectors import case_success_since_stage_start
from learners.access import role_required
from learners.roles import WRITERS, Role, roles_of
from policies.spec import Stage
from web.case_forms import (
    CaseMoveForm,
    CaseTaskDoneForm,
    LetterSkipForm,
    RecommendationForm,
    StageReviewForm,
)
from web.pages import apply_form_errors, can_write
from withdrawals.forms import WithdrawalRaiseForm, may_record_withdrawal
from withdrawals.selectors import case_has_live_withdrawal, case_withdrawal_requests

CASES_PER_PAGE = 50


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(cases_for(user=request.user), CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "web/cases/case_list.html", {"page": page, "today": today_local()})


def case_page_context(
    request: HttpRequest,
    case: EscalationCase,
    form: CaseMoveForm | None = None,
    recommendation_form: RecommendationForm | None = None,
    task_form: CaseTaskDoneForm | None = None,
    task_form_for: int | None = None,
    review_form: StageReviewForm | None = None,
) -> dict:
    """Everything the case page shows, and what the user may do there. ``form`` and
    ``recommendation_form``: a form as typed, to show again with its errors."""
    policy = case_policy(case)
    stage = policy.stage(case.stage)
    moves = case_move_options(case=case, user=request.user) if can_move(request) else []
    may_recommend = can_move(request) and case_may_recommend(user=request.user, case=case)
    return {
        "case": case,
        "learner": case.learner,
        "policy": policy,
        "stage": stage,
        "stage_number": policy.stage_number(case.stage),
        "next_stage": policy.next_stage(case.stage),
        "stages": policy.stages,
        "history": case_history_with_recommendations(case=case),
        "checklist": case_checklist(case=case),
        "success": case_success_since_stage_start(case) if case.is_active else None,
        "moves": moves,
        "asks_due_on": any(option.asks_due_on for option in moves),
        "asks_return_date": any(option.asks_return_date for option in moves),
        "may_manage": can_write(request) and case.is_active,
        "withdrawal_requests": case_withdrawal_requests(case=case),
        "may_raise": case.status == CaseStatus.OPEN
        and stage.withdrawal
        and may_record_withdrawal(request.user)
        and not case_has_live_withdrawal(case=case),
        "raise_form": WithdrawalRaiseForm(),
        "form": form or CaseMoveForm(initial={"expected_stage": case.stage}),
        "may_recommend": may_recommend,
        "recommendation_form": recommendation_form
        or RecommendationForm(outcomes=stage.outcomes, initial={"expected_stage": case.stage}),
        "actor_title": stage.actor_title(case.learner.nation),
        # Who may close the case as back on track from here: "manager or safeguarding".
        "closed_by": roles_making(policy=policy, kind="close", stage_key=case.stage),
        "copied_to": stage.copied_for(case.learner.nation),
        "tasks": list(case.tasks.select_related("done_by")),
        "task_form": task_form or CaseTaskDoneForm(),
        "task_form_for": task_form_for,
        "today": today_local(),
        "informal_moves": case_informal_moves(case=case, policy=policy),
        "reviews": stage_reviews_held(case=case) if stage.review_meetings else [],
        "may_record_review": can_move(request)
        and case_may_record_review(user=request.user, case=case),
        "review_form": review_form or stage_review_form(case),
        "recommendation_copied_to": stage.recommendation_copied_for(case.learner.nation),
    } | _stage_letter_context(request, case, stage)


def stage_review_form(case: EscalationCase, data=None) -> StageReviewForm:
    stage = case_policy(case).stage(case.stage)
    return StageReviewForm(
        data,
        points=stage.review_points,
        employer_expected=stage.review_employer_expected,
        initial={"expected_stage": case.stage},
    )


def can_move(request: HttpRequest) -> bool:
    """Who reaches the move views at all (each move then names its own roles)."""
    return request.user.is_superuser or bool({*WRITERS, Role.DIRECTOR} & roles_of(request.user))


def _stage_letter_context(request: HttpRequest, case: EscalationCase, stage: Stage) -> dict:
    """The "Stage letter" card: sent, not sent with a reason, or still to do."""
    if not stage.letter:
        return {"stage_letter_due": False}
    return {
        "stage_letter_due": True,
        "stage_letter": case_stage_letter(case),
        "stage_notified": case_stage_notified(case),
        "letter_template": case_letter_template(case),
        "may_send_letter": may_record_withdrawal(request.user) and case.is_active,
        "skip_form": LetterSkipForm(initial={"expected_stage": case.stage}),
    }


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    return render(request, "web/cases/case_detail.html", case_page_context(request, case))


@login_required
@role_required(*WRITERS, Role.DIRECTOR)
@require_POST
def case_move_view(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """One move (``move`` in the URL: a move key of the case's version) with its reason. A
    refused move shows the case page again with the form as typed and the reason above it."""
    case = case_get_for_user(user=request.user, pk=pk)
    form = CaseMoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case_move(
                case=case,
                move_key=move,
                by=request.user,
                reason=data["reason"],
                due_on=data["due_on"],
                expected_stage=data["expected_stage"] or None,
                expected_return_on=data["expected_return_on"],
            )
        except ValidationError as exc:  # IllegalMove too: above the form
            apply_form_errors(form, exc)
        else:
            messages.success(request, "Case updated.")
            return redirect("case_detail", pk=case.pk)
    case.refresh_from_db()
    return render(request, "web/cases/case_detail.html", case_page_context(request, case, form))


@login_required
@role_required(*WRITERS, Role.DIRECTOR)
@require_POST
def case_recommendation_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the recommendation the case's stage ends in; refused or mistyped, the page again
    with the form as typed."""
    case = case_get_for_user(user=request.user, pk=pk)
    stage = case_policy(case).stage(case.stage)
    form = RecommendationForm(request.POST, outcomes=stage.outcomes)
    if form.is_valid():
        data = form.cleaned_data
        try:
            recommendation = case_recommendation_record(
                case=case,
                by=request.user,
                outcome=data["outcome"],
                reason=data["reason"],
                expected_stage=data["expected_stage"] or None,
            )
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            if data["send_email"]:
                case_recommendation_email(recommendation=recommendation, by=request.user)
            sent = " and its confirming e-mail sent" if data["send_email"] else ""
            messages.success(request, f"Recommendation recorded{sent}.")
            return redirect("case_detail", pk=case.pk)
    context = case_page_context(request, case, recommendation_form=form)
    return render(request, "web/cases/case_detail.html", context)


@login_required
@role_required(*WRITERS, Role.DIRECTOR)
@require_POST
def case_task_done_view(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    """Tick a dated task off with what was agreed; without it, the page again with the error."""
    case = case_get_for_user(user=request.user, pk=pk)
    task = get_object_or_404(CaseTask, pk=task_pk, case=case)
    form = CaseTaskDoneForm(request.POST)
    if form.is_valid():
        try:
            case_task_done(task=task, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, "Task done.")
            return redirect("case_detail", pk=case.pk)
    context = case_page_context(request, case, task_form=form, task_form_for=task.pk)
    return render(request, "web/cases/case_detail.html", context)
