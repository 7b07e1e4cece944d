"""Pages that show or change a learner's record together with their escalation case.

These live in escalation/ because a rating or a support contract can open or step down a case:
the view calls the riskcases service and then the escalation service, in one transaction."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from escalation.forms import CaseMoveForm, LetterSkipForm
from escalation.letters import case_letter_template
from escalation.models import CaseStatus
from escalation.selectors import (
    TIMELINE_KINDS_ADDED,
    case_checklist,
    case_get_for_user,
    case_history,
    case_may_act,
    caseload_with_cases,
    cases_for,
    learner_case_timeline,
    learner_risk_notifications,
    today_local,
)
from escalation.services import (
    IllegalMove,
    case_active,
    case_advance,
    case_close_on_track,
    case_open,
    case_preset,
    case_re_escalate,
    case_stage_letter,
    case_stage_notified,
    case_step_down,
)
from escalation.sweeps import case_change_announce, case_success_since_stage_start
from learners.access import learner_get_for_user, role_required
from learners.filters import LearnerListFilter
from learners.models import ProgrammeType, Team
from learners.policies import active_preset
from learners.policies.base import RISK_LEVELS
from learners.record_forms import RECORD_KINDS
from learners.roles import SUBJECT_ACCESS_ROLES, Role, has_role, roles_of
from learners.selectors import learner_list_title, learner_recent_records
from learners.services import learner_enrol
from riskcases.forms import AgreedActionFormSet, EnrolForm, RatingChangeForm, SupportRecordForm
from riskcases.models import SupportKind
from riskcases.pages import (
    WRITERS,
    apply_form_errors,
    can_write,
    closed_redirect,
    learner_page_context,
)
from riskcases.selectors import CASELOAD_SORTS, caseload_sorted
from riskcases.services import rating_change, rating_current, rating_enrol, support_record_create
from withdrawals.forms import WithdrawalRaiseForm, may_record_withdrawal
from withdrawals.selectors import (
    case_has_live_withdrawal,
    case_withdrawal_requests,
    learner_withdrawal_latest,
    learner_withdrawal_timeline,
)

LEARNERS_PER_PAGE = 50


def _opens_case(level: str) -> bool:
    # Policy (First risk identified): a case opens when a learner is rated Medium or High.
    return level in active_preset().support_plan_prompt_levels


@login_required
def learner_list(request: HttpRequest) -> HttpResponse:
    # Always bound: every field is optional, so an empty query is a valid "default view".
    filterset = LearnerListFilter(request.GET, queryset=caseload_with_cases(user=request.user))
    sort = request.GET.get("sort", "name")
    if sort not in CASELOAD_SORTS:
        sort = "name"
    page = Paginator(caseload_sorted(filterset.qs, sort), LEARNERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return render(
        request,
        "escalation/learner_list.html",
        {
            "title": learner_list_title(user=request.user),
            "filter": filterset,
            "page": page,
            "sort": sort,
            "query_without_page": query.urlencode(),
            "query_without_sort": sort_query.urlencode(),
            "can_enrol": request.user.is_superuser or Role.MANAGER in roles_of(request.user),
            "today": today_local(),
        },
    )


@login_required
def learner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    context = learner_page_context(
        request,
        learner,
        more_kinds=TIMELINE_KINDS_ADDED,
        more_items=lambda kinds: (
            learner_case_timeline(learner=learner, kinds=kinds)
            + learner_withdrawal_timeline(learner=learner, kinds=kinds)
        ),
    )
    if request.htmx and request.htmx.target == "timeline":
        return render(request, "riskcases/_timeline.html", context)
    case = case_active(learner=learner)
    if case is not None:
        context |= {"case": case, "case_stage": case_preset(case).stage(case.stage)}
    context |= {
        "risk_notifications": learner_risk_notifications(learner=learner),
        "records": learner_recent_records(learner=learner),
        "withdrawal": learner_withdrawal_latest(learner=learner),
        "record_kinds": RECORD_KINDS,
        "risk_levels": [(level, active_preset().label(level)) for level in RISK_LEVELS],
        "can_subject_access": has_role(request.user, *SUBJECT_ACCESS_ROLES),
    }
    return render(request, "escalation/learner_detail.html", context)


@login_required
@role_required(*WRITERS)
def rating_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    if closed := closed_redirect(request, learner):
        return closed
    form = RatingChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                rating = rating_change(
                    learner=learner,
                    level=data["level"],
                    reason=data["reason"],
                    set_by=request.user,
                    risk_factors=data["risk_factors"],
                    submission_token=data["submission_token"],
                )
                if _opens_case(rating.level):
                    case_open(
                        learner=learner,
                        by=request.user,
                        reason=f"Rated {active_preset().label(rating.level)}: {rating.reason}",
                    )
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, f"Rating changed to {active_preset().label(rating.level)}.")
            return redirect("learner_detail", pk=learner.pk)
    return render(
        request,
        "riskcases/rating_form.html",
        {"learner": learner, "form": form, "current": rating_current(learner=learner)},
    )


@login_required
@role_required(*WRITERS)
def support_create(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    if closed := closed_redirect(request, learner):
        return closed
    form = SupportRecordForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    actions = AgreedActionFormSet(request.POST or None, prefix="actions")
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                record = support_record_create(
                    learner=learner,
                    created_by=request.user,
                    kind=data["kind"],
                    summary=data["summary"],
                    agreed_on=data["agreed_on"],
                    review_on=data["review_on"],
                    shared_with_employer=data["shared_with_employer"],
                    interventions=data["interventions"],
                    actions=[a.cleaned_data for a in actions if a.is_filled],
                    submission_token=data["submission_token"],
                )
                case = case_active(learner=learner)
                # Policy: success at any stage puts a support contract in place and steps
                # the case down.
                stepped = (
                    record.kind == SupportKind.SUPPORT_CONTRACT
                    and case is not None
                    and case.status == CaseStatus.OPEN
                )
                if stepped:
                    case_step_down(case=case, by=request.user, reason="Support contract agreed.")
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, f"{record.get_kind_display()} saved.")
            if stepped:
                messages.info(request, "The escalation case has stepped down.")
            return redirect("learner_detail", pk=learner.pk)
    return render(
        request,
        "riskcases/support_form.html",
        {"learner": learner, "form": form, "actions": actions},
    )


@login_required
@role_required(Role.MANAGER)
def learner_enrol_view(request: HttpRequest) -> HttpResponse:
    teams = (
        Team.objects.all()
        if request.user.is_superuser
        else Team.objects.filter(managers=request.user)
    )
    tutors = (
        get_user_model()
        .objects.filter(groups__name=Role.TUTOR, is_active=True)
        .order_by("last_name", "first_name")
    )
    form = EnrolForm(request.POST or None, user=request.user, teams=teams, tutors=tutors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                learner = learner_enrol(data={f: data[f] for f in EnrolForm.Meta.fields})
                rating = rating_enrol(
                    learner=learner,
                    set_by=request.user,
                    level=data["level"],
                    reason=data["rating_reason"],
                    start_factors=list(data["start_factors"]),
                )
                if _opens_case(rating.level):
                    case_open(
                        learner=learner,
                        by=request.user,
                        reason=f"Start-of-programme risk: {rating.reason}",
                    )
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, f"{learner.full_name} enrolled.")
            return redirect("learner_detail", pk=learner.pk)
    return render(request, "riskcases/enrol_form.html", {"form": form})


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
