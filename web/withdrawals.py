"""Withdrawal pages (/withdrawals/...): the directors' approvals queue (managers and IQA read
it), one request's evidence and its actions, the written confirmation letter, appeals. Each
POST: fetch through the access helper, a form, one service call, redirect; a refusal is shown
on the form and nothing typed is lost."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.models import Operation
from audit.services import access_record, confidential_views_record
from escalation.selectors import case_get_for_user
from escalation.services import IllegalMove, case_policy
from learners.access import role_required
from learners.roles import Role, roles_of
from riskcases.attachments import download_response
from web.pages import apply_form_errors
from withdrawals import appeals
from withdrawals import services as withdrawals
from withdrawals.forms import (
    RECORDERS,
    AppealDecisionForm,
    AppealLodgeForm,
    ConfirmationForm,
    EmployerAgreementForm,
    ExitReviewForm,
    LateAcceptForm,
    WithdrawalDecisionForm,
    WithdrawalRaiseForm,
    may_record_withdrawal,
)
from withdrawals.letters import withdrawal_confirmation_send, withdrawal_letter_template
from withdrawals.models import Appeal, AppealStatus, RequestStatus
from withdrawals.requirements import withdrawal_contact_check, withdrawal_inputs
from withdrawals.selectors import (
    appeal_get_for_user,
    appeals_to_decide,
    approvals_queue,
    last_learning_activity,
    withdrawal_agreement,
    withdrawal_appeals,
    withdrawal_events,
    withdrawal_evidence,
    withdrawal_exit_review,
    withdrawal_get_for_user,
    withdrawals_to_follow_up,
)

QUEUE_READERS = (Role.DIRECTOR, Role.MANAGER, Role.QUALITY)


def _is_director(user) -> bool:
    return user.is_superuser or Role.DIRECTOR in roles_of(user)


@login_required
@role_required(*QUEUE_READERS)
def withdrawal_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/withdrawals/queue.html",
        {
            "queue": approvals_queue(user=request.user),
            "follow_up": withdrawals_to_follow_up(user=request.user),
            "appeals": appeals_to_decide(user=request.user),
            "is_director": _is_director(request.user),
            "today": timezone.localdate(),
        },
    )


def _decision_form(wr, data=None) -> WithdrawalDecisionForm:
    suggested = last_learning_activity(learner=wr.learner)
    day = suggested or timezone.localdate()
    return WithdrawalDecisionForm(
        data,
        reasons=withdrawals.withdrawal_reasons_for(day),
        ilr_year=withdrawals.ilr_year_of(day),
        initial={"last_day_of_learning": suggested},
        contact_check=withdrawal_contact_check(request=wr),
    )


def _context(request: HttpRequest, wr, **forms) -> dict:
    user = request.user
    policy = case_policy(wr.case)
    agreement = withdrawal_agreement(request=wr)
    review = withdrawal_exit_review(request=wr)
    appeal_list = withdrawal_appeals(request=wr)
    withdrawn = wr.status == RequestStatus.WITHDRAWN
    may_record = may_record_withdrawal(user)
    director = _is_director(user)
    appeal_open = next((a for a in appeal_list if a.status == AppealStatus.LODGED), None)
    appeal_closed = any(a.status != AppealStatus.REFUSED_LATE for a in appeal_list)
    evidence = withdrawal_evidence(request=wr, user=user)
    if evidence.can_read_confidential:  # the safeguarding team reads the notes: an access event
        shown = {c.pk: c for p in evidence.periods for c in p.contacts if c.confidential}
        confidential_views_record(
            user=user,
            entries=shown.values(),
            detail="Confidential contact-log entry shown on a withdrawal's evidence",
        )
    context = {
        "wr": wr,
        "learner": wr.learner,
        "case": wr.case,
        "policy": policy,
        "stage_name": policy.stage(wr.case.stage).name,
        "evidence": evidence,
        "events": withdrawal_events(request=wr),
        "agreement": agreement,
        "needs_agreement": withdrawals.requires_employer_agreement(wr),
        "review": review,
        "appeals": appeal_list,
        "today": timezone.localdate(),
        "is_director": director,
        "four_eyes_blocked": wr.raised_by_id == user.pk,
        "contact_check": withdrawal_contact_check(request=wr),
        "decision_inputs": withdrawal_inputs(request=wr),
    }
    if wr.status == RequestStatus.PENDING and director and wr.raised_by_id != user.pk:
        context["decision_form"] = forms.get("decision_form") or _decision_form(wr)
    if wr.is_live and may_record and agreement is None and wr.learner.employer_id:
        context["agreement_form"] = forms.get("agreement_form") or EmployerAgreementForm()
    if withdrawn and may_record:
        if wr.confirmation_sent_on is None:
            context["confirmation_form"] = forms.get("confirmation_form") or ConfirmationForm(
                initial={"sent_on": timezone.localdate()}
            )
            context["confirmation_letter"] = withdrawal_letter_template(wr)
        if appeal_open is None and not appeal_closed:
            context["appeal_form"] = forms.get("appeal_form") or AppealLodgeForm()
        context["may_review"] = review is None
    recommender = appeal_open is not None and appeals.appeal_recommender_id(wr) == user.pk
    context["appeal_recommender"] = director and recommender
    if director and appeal_open is not None and not recommender:
        context["appeal_open"] = appeal_open
        context["appeal_decision_form"] = forms.get("appeal_decision_form") or AppealDecisionForm(
            stages=policy.stages
        )
    refused = [a for a in appeal_list if a.status == AppealStatus.REFUSED_LATE]
    if director and withdrawn and refused and appeal_open is None and not appeal_closed:
        context["late_appeal"] = refused[-1]
        context["late_form"] = forms.get("late_form") or LateAcceptForm()
    return context


def _render(request: HttpRequest, wr, **forms) -> HttpResponse:
    return render(request, "web/withdrawals/detail.html", _context(request, wr, **forms))


@login_required
def withdrawal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, withdrawal_get_for_user(user=request.user, pk=pk))


def _handle(
    request: HttpRequest, wr, form, form_name: str, call: Callable[[dict], object], done: str
) -> HttpResponse:
    """Validate, call the service, and either redirect with ``done`` or re-show the page."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except IllegalMove as exc:
            messages.error(request, exc.messages[0])
            return redirect("withdrawal_detail", pk=wr.pk)
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("withdrawal_detail", pk=wr.pk)
    return _render(request, wr, **{form_name: form})


@login_required
@role_required(Role.DIRECTOR)
@require_POST
def withdrawal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    wr = withdrawal_get_for_user(user=request.user, pk=pk)
    if wr.raised_by_id == request.user.pk:
        messages.error(request, "You raised this withdrawal, so another director must decide it.")
        return redirect("withdrawal_detail", pk=wr.pk)
    form = _decision_form(wr, request.POST)

    def call(data: dict) -> None:
        if data["decision"] == "approve":
            withdrawals.withdrawal_approve(
                request=wr,
                by=request.user,
                reason=data["reason"],
                ilr_reason=data["ilr_reason"],
                last_day_of_learning=data["last_day_of_learning"],
                contact_override=data.get("contact_override", ""),
            )
        else:
            withdrawals.withdrawal_reject(request=wr, by=request.user, reason=data["reason"])

    return _handle(request, wr, form, "decision_form", call, "Decision recorded.")


@login_required
@role_required(*RECORDERS)
@require_POST
def employer_agreement_create(request: HttpRequest, pk: int) -> HttpResponse:
    wr = withdrawal_get_for_user(user=request.user, pk=pk)
    form = EmployerAgreementForm(request.POST, request.FILES)

    def call(data: dict) -> None:
        withdrawals.employer_agreement_record(
            request=wr,
            by=request.user,
            agreed_by_name=data["agreed_by_name"],
            agreed_by_role=data["agreed_by_role"],
            agreed_on=data["agreed_on"],
            method=data["method"],
            notes=data["notes"],
            upload=data["file"],
        )

    return _handle(
        request, wr, form, "agreement_form", call, "The employer's agreement is recorded."
    )


@login_required
def employer_agreement_download(request: HttpRequest, pk: int) -> FileResponse:
    wr = withdrawal_get_for_user(user=request.user, pk=pk)
    agreement = withdrawal_agreement(request=wr)
    if agreement is None:
        raise Http404("No agreement recorded.")
    access_record(
        user=request.user,
        operation=Operation.DOWNLOAD,
        obj=agreement,
        learner_id=wr.learner_id,
        detail=f"Employer's agreement: {agreement.original_name}",
    )
    return download_response(
        file=agreement.file, filename=agreement.original_name, content_type=agreement.content_type
    )


@login_required
@role_required(*RECORDERS)
def exit_review_create(request: HttpRequest, pk: int) -> HttpResponse:
    wr = withdrawal_get_for_user(user=request.user, pk=pk)
    if wr.status != RequestStatus.WITHDRAWN or withdrawal_exit_review(request=wr) is not None:
        messages.error(request, "An exit review is recorded once, after the withdrawal.")
        return redirect("withdrawal_detail", pk=wr.pk)
    form = ExitReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            withdrawals.exit_review_record(
                request=wr,
                by=request.user,
                reasons=data["reasons"],
                themes=data["themes"],
                might_have_kept=data["might_have_kept"],
                learner_took_part=data["learner_took_part"],
            )
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, "The exit review is recorded.")
            return redirect("withdrawal_detail", pk=wr.pk)
    return render(
        request,
        "web/withdrawals/exit_review_form.html",
        {"form": form, "wr": wr, "learner": wr.learner},
    )


@login_required
@role_required(*RECORDERS)
@require_POST
def confirmation_create(request: HttpRequest, pk: int) -> HttpResponse:
    wr = withdrawal_get_for_user(user=request.user, pk=pk)
    form = ConfirmationForm(request.POST)

    def call(data: dict) -> None:
        withdrawals.withdrawal_confirmation_record(
            request=wr, by=request.user, sent_on=data["sent_on"], note=data["note"]
        )

    return _handle(
        request, wr, form, "confirmation_form", call, "The written confirmation is recorded."
    )


@login_required
@role_required(*RECORDERS)
@require_POST
def withdrawal_confirmation_letter(request: HttpRequest, pk: int) -> HttpResponse:
    wr = withdrawal_get_for_user(user=request.user, pk=pk)
    try:
        withdrawal_confirmation_send(request=wr, by=request.user)
    except (IllegalMove, ValidationError) as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            "The written confirmation is recorded as sent today; the letter and its PDF copy "
            "are in the contact log.",
        )
    return redirect("withdrawal_detail", pk=wr.pk)


@login_required
@role_required(*RECORDERS)
@require_POST
def appeal_create(request: HttpRequest, pk: int) -> HttpResponse:
    wr = withdrawal_get_for_user(user=request.user, pk=pk)
    form = AppealLodgeForm(request.POST)
    stored: list[Appeal] = []

    def call(data: dict) -> None:
        stored.append(
            appeals.appeal_lodge(
                request=wr,
                by=request.user,
                appellant=data["appellant"],
                received_on=data["received_on"],
                grounds=data["grounds"],
            )
        )

    response = _handle(request, wr, form, "appeal_form", call, "The appeal is recorded.")
    if stored and stored[0].status == AppealStatus.REFUSED_LATE:
        # Replace the success message: the appeal is on record, but refused.
        list(messages.get_messages(request))
        messages.warning(request, f"Appeal refused: {stored[0].refusal_reason}")
    return response


@login_required
@role_required(Role.DIRECTOR)
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    appeal, wr = appeal_get_for_user(user=request.user, pk=pk)
    form = AppealDecisionForm(request.POST, stages=case_policy(wr.case).stages)

    def call(data: dict) -> None:
        appeals.appeal_decide(
            appeal=appeal,
            by=request.user,
            overturn=data["outcome"] == "overturn",
            reason=data["reason"],
            reinstate_at_stage=data["reinstate_at_stage"],
            due_on=data["due_on"],
        )

    return _handle(request, wr, form, "appeal_decision_form", call, "Appeal decided.")


@login_required
@role_required(Role.DIRECTOR)
@require_POST
def appeal_accept_late(request: HttpRequest, pk: int) -> HttpResponse:
    appeal, wr = appeal_get_for_user(user=request.user, pk=pk)
    form = LateAcceptForm(request.POST)

    def call(data: dict) -> None:
        appeals.appeal_accept_late(appeal=appeal, by=request.user, reason=data["reason"])

    return _handle(request, wr, form, "late_form", call, "The late appeal is accepted.")


@login_required
@role_required(*RECORDERS)
@require_POST
def withdrawal_raise(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    form = WithdrawalRaiseForm(request.POST)
    if form.is_valid():
        try:
            wr = withdrawals.withdrawal_request_raise(
                case=case, by=request.user, grounds=form.cleaned_data["grounds"]
            )
        except (IllegalMove, ValidationError) as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, "Notification of Withdrawal raised for a director.")
            return redirect("withdrawal_detail", pk=wr.pk)
    else:
        messages.error(request, "Give the grounds for withdrawal.")
    return redirect("case_detail", pk=case.pk)
