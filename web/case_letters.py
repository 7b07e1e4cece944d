"""Stage letter pages: the preview of the current stage's letter with its Send button, and the
"not sent, with a reason" form on the case page. Writers and directors send; everyone who may
see the case may read the preview."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from escalation.letter_sending import (
    case_letter_template,
    letter_addresses,
    letter_context_for_case,
    letter_preview,
    letter_recipients,
    letter_send,
    stage_letter_skip,
)
from escalation.selectors import case_get_for_user
from escalation.services import IllegalMove, case_policy, case_stage_letter
from learners.access import role_required
from web.case_forms import LetterSendForm, LetterSkipForm
from web.cases import case_page_context
from web.pages import apply_form_errors
from withdrawals.forms import RECORDERS, may_record_withdrawal


@login_required
def case_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the current stage's letter rendered with the case's data. POST: send it."""
    case = case_get_for_user(user=request.user, pk=pk)
    stage = case_policy(case).stage(case.stage)
    template = case_letter_template(case)
    if not stage.letter or template is None:
        messages.error(request, f"{stage.name} has no active stage letter to send.")
        return redirect("case_detail", pk=case.pk)
    may_send = may_record_withdrawal(request.user) and case.is_active
    if request.method == "POST":
        if not may_record_withdrawal(request.user):
            raise PermissionDenied("Your role cannot send letters.")
        form = LetterSendForm(request.POST)
        if not form.is_valid() or form.cleaned_data["expected_stage"] != case.stage:
            messages.error(request, "The case has moved on since the preview was shown.")
            return redirect("case_detail", pk=case.pk)
        try:
            letter_send(case=case, template=template, by=request.user)
        except (IllegalMove, ValidationError) as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(
                request,
                f"{template.name} sent: e-mailed with its PDF where we hold an address; the "
                "text and the PDF copy are in the contact log.",
            )
        return redirect("case_detail", pk=case.pk)
    try:
        rendered = letter_preview(template=template, context=letter_context_for_case(case))
    except ValidationError as exc:
        messages.error(request, f"The letter template cannot be rendered: {exc.messages[0]}")
        return redirect("case_detail", pk=case.pk)
    return render(
        request,
        "web/cases/letter_preview.html",
        {
            "case": case,
            "learner": case.learner,
            "stage": stage,
            "template": template,
            "rendered": rendered,
            "recipients": letter_recipients(
                template, case.learner, copied_to=stage.copied_for(case.learner.nation)
            ),
            "emails": letter_addresses(learner=case.learner, to_employer=template.send_to_employer),
            "already": case_stage_letter(case),
            "may_send": may_send,
            "form": LetterSendForm(initial={"expected_stage": case.stage}),
        },
    )


@login_required
@role_required(*RECORDERS)
@require_POST
def case_letter_skip(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    form = LetterSkipForm(request.POST)
    if form.is_valid():
        if form.cleaned_data["expected_stage"] != case.stage:
            messages.error(request, "The case has moved on since this page was loaded.")
            return redirect("case_detail", pk=case.pk)
        try:
            stage_letter_skip(case=case, by=request.user, reason=form.cleaned_data["reason"])
        except IllegalMove as exc:
            messages.error(request, exc.messages[0])
            return redirect("case_detail", pk=case.pk)
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, "Recorded: the letter was not sent, with your reason.")
            return redirect("case_detail", pk=case.pk)
    context = case_page_context(request, case) | {"skip_form": form}
    return render(request, "web/cases/case_detail.html", context)
