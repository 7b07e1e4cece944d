"""The case pages: the list of cases, a case's page, and the moves made from it.

A case's page shows its stage, checklist, history, withdrawal requests and the stage letter card
(sent, not sent with a reason, or still to do). The letter's own pages are web/case_letters.py;
they render this page through ``case_page_context`` when the "not sent" form has errors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from escalation.case_moves import CASE_MOVES, case_move
from escalation.letter_sending import case_letter_template
from escalation.models import CaseStatus, EscalationCase
from escalation.selectors import (
    case_checklist,
    case_get_for_user,
    case_history,
    case_may_act,
    cases_for,
    today_local,
)
from escalation.services import IllegalMove, case_policy, case_stage_letter, case_stage_notified
from escalation.sweeps.selectors import case_success_since_stage_start
from learners.access import role_required
from learners.roles import WRITERS, Role
from policies.spec import Stage
from web.case_forms import CaseMoveForm, LetterSkipForm
from web.pages import apply_form_errors, can_write
from withdrawals.forms import WithdrawalRaiseForm, may_record_withdrawal
from withdrawals.selectors import case_has_live_withdrawal, case_withdrawal_requests

CASES_PER_PAGE = 50


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(cases_for(user=request.user), CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "web/cases/case_list.html", {"page": page, "today": today_local()})


def case_page_context(
    request: HttpRequest, case: EscalationCase, form: CaseMoveForm | None = None
) -> dict:
    """Everything the case page shows, and what the user may do there. ``form``: the move form
    as typed, to show again with its errors."""
    policy = case_policy(case)
    stage = policy.stage(case.stage)
    next_stage = policy.next_stage(case.stage)
    may_act = case_may_act(user=request.user, case=case)
    return {
        "case": case,
        "learner": case.learner,
        "policy": policy,
        "stage": stage,
        "stage_number": policy.stage_number(case.stage),
        "next_stage": next_stage,
        "stages": policy.stages,
        "history": case_history(case=case),
        "checklist": case_checklist(case=case),
        "success": case_success_since_stage_start(case) if case.is_active else None,
        "may_advance": may_act and case.status == CaseStatus.OPEN and next_stage is not None,
        "may_manage": can_write(request) and case.is_active,
        "withdrawal_requests": case_withdrawal_requests(case=case),
        "may_raise": case.status == CaseStatus.OPEN
        and stage.withdrawal
        and may_record_withdrawal(request.user)
        and not case_has_live_withdrawal(case=case),
        "raise_form": WithdrawalRaiseForm(),
        "form": form or CaseMoveForm(initial={"expected_stage": case.stage}),
        "actor_title": stage.actor_title(case.learner.nation),
        "today": today_local(),
    } | _stage_letter_context(request, case, stage)


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
    """One move (``move`` in the URL: a key of CASE_MOVES) with its reason. A refused move is
    shown as an error on the case page; a missing reason or due date, on the form as typed."""
    case = case_get_for_user(user=request.user, pk=pk)
    context = case_page_context(request, case)
    allowed = context["may_advance"] if move == "advance" else context["may_manage"]
    if move not in CASE_MOVES or not allowed:
        messages.error(request, "Your role cannot make that move at this stage.")
        return redirect("case_detail", pk=case.pk)
    form = CaseMoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case_move(
                case=case,
                move=move,
                by=request.user,
                reason=data["reason"],
                due_on=data["due_on"],
                expected_stage=data["expected_stage"] or None,
            )
        except IllegalMove as exc:
            messages.error(request, exc.messages[0])
            return redirect("case_detail", pk=case.pk)
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, "Case updated.")
            return redirect("case_detail", pk=case.pk)
    return render(request, "web/cases/case_detail.html", case_page_context(request, case, form))
