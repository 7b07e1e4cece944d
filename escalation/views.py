"""Pages that show or change a learner's record together with their escalation case.

These live in escalation/ because a rating or a support contract can open or step down a case:
the view calls the riskcases service and then the escalation service, in one transaction."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from escalation.forms import CaseMoveForm, LetterSkipForm
from escalation.letters import case_letter_template
from escalation.models import LIVE_REQUEST_STATUSES, CaseStatus
from escalation.selectors import (
    case_checklist,
    case_get_for_user,
    case_history,
    case_may_act,
    cases_for,
    today_local,
)
from escalation.services import (
    IllegalMove,
    case_advance,
    case_close_on_track,
    case_preset,
    case_re_escalate,
    case_stage_letter,
    case_stage_notified,
    case_step_down,
)
from escalation.sweeps import case_change_announce, case_success_since_stage_start
from escalation.withdrawal_forms import WithdrawalRaiseForm, may_record_withdrawal
from learners.access import role_required
from learners.models import ProgrammeType
from learners.policies import active_preset
from learners.roles import WRITERS, Role
from web.pages import apply_form_errors, can_write

LEARNERS_PER_PAGE = 50


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(cases_for(user=request.user), LEARNERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "escalation/case_list.html", {"page": page, "today": today_local()})


def _case_context(request: HttpRequest, case, form: CaseMoveForm | None = None) -> dict:
    preset = case_preset(case)
    stage = preset.stage(case.stage)
    next_stage = preset.next_stage(case.stage)
    may_act = case_may_act(user=request.user, case=case)
    return {
        "case": case,
        "learner": case.learner,
        "preset": preset,
        "stage": stage,
        "stage_number": preset.stage_number(case.stage),
        "next_stage": next_stage,
        "stages": preset.stages,
        "history": case_history(case=case),
        "checklist": case_checklist(case=case),
        "success": case_success_since_stage_start(case) if case.is_active else None,
        "may_advance": may_act and case.status == CaseStatus.OPEN and next_stage is not None,
        "may_manage": can_write(request) and case.is_active,
        "withdrawal_requests": case.withdrawal_requests.select_related("raised_by")
        .prefetch_related("events__by")
        .order_by("-raised_at", "-pk"),
        "may_raise": case.status == CaseStatus.OPEN
        and stage.withdrawal
        and may_record_withdrawal(request.user)
        and not case.withdrawal_requests.filter(status__in=LIVE_REQUEST_STATUSES).exists(),
        "raise_form": WithdrawalRaiseForm(),
        "form": form or CaseMoveForm(initial={"expected_stage": case.stage}),
        "actor_title": stage.actor_title(case.learner.nation),
        "today": today_local(),
    } | _stage_letter_context(request, case, stage)


def _stage_letter_context(request: HttpRequest, case, stage) -> dict:
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
    return render(request, "escalation/case_detail.html", _case_context(request, case))


CASE_MOVES = {
    "advance": case_advance,
    "close": case_close_on_track,
    "step_down": case_step_down,
    "re_escalate": case_re_escalate,
}


@login_required
@role_required(*WRITERS, Role.DIRECTOR)
@require_POST
def case_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    context = _case_context(request, case)
    allowed = context["may_advance"] if move == "advance" else context["may_manage"]
    if move not in CASE_MOVES or not allowed:
        messages.error(request, "Your role cannot make that move at this stage.")
        return redirect("case_detail", pk=case.pk)
    form = CaseMoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        kwargs = {"case": case, "by": request.user, "reason": data["reason"]}
        if move in ("advance", "re_escalate"):
            kwargs["due_on"] = data["due_on"]
        if move == "advance":
            kwargs["expected_stage"] = data["expected_stage"] or None
        try:
            moved = CASE_MOVES[move](**kwargs)
            case_change_announce(case=moved, by=request.user)
        except IllegalMove as exc:
            messages.error(request, exc.messages[0])
            return redirect("case_detail", pk=case.pk)
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, "Case updated.")
            return redirect("case_detail", pk=case.pk)
    return render(
        request, "escalation/case_detail.html", _case_context(request, case, form), status=200
    )


@login_required
def policy_page(request: HttpRequest) -> HttpResponse:
    preset = active_preset()
    triggers = [
        {
            "rule": rule,
            "opens_at": preset.stage(rule.opens_at or preset.stages[0].key).name,
            "applies_to": ", ".join(
                ProgrammeType(p).label.lower() + "s" for p in sorted(rule.programme_types)
            )
            if rule.programme_types
            else "all learners",
            "proposes": preset.label(rule.proposes),
        }
        for rule in preset.triggers
    ]
    return render(request, "escalation/policy.html", {"preset": preset, "triggers": triggers})
