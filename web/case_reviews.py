"""The case page's review meetings and the recommendation's confirming e-mail: a stage that
holds review meetings (Stage.review_meetings) records each with its points; a recorded
recommendation's confirming e-mail is sent from the stage history. A refused or mistyped form
shows the case page again with the form as typed (web/cases.py ``case_page_context``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from escalation.models import CaseRecommendation
from escalation.recommendation_emails import case_recommendation_email
from escalation.selectors import case_get_for_user
from escalation.stage_reviews import stage_review_record
from learners.access import role_required
from learners.roles import WRITERS, Role
from web.cases import case_page_context, stage_review_form
from web.pages import apply_form_errors


@login_required
@role_required(*WRITERS, Role.DIRECTOR)
@require_POST
def case_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    form = stage_review_form(case, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            review = stage_review_record(
                case=case,
                by=request.user,
                held_on=data["held_on"],
                points=form.points(),
                employer_attended=data["employer_attended"],
                expected_stage=data["expected_stage"] or None,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                exc = ValidationError(
                    {form.point_field_for(key): errors for key, errors in exc.error_dict.items()}
                )
            apply_form_errors(form, exc)
        else:
            sent = (
                f" Its record was e-mailed to {review.record_sent_to}."
                if review.record_sent_to
                else ""
            )
            messages.success(request, f"Review meeting recorded.{sent}")
            return redirect("case_detail", pk=case.pk)
    context = case_page_context(request, case, review_form=form)
    return render(request, "web/cases/case_detail.html", context)


@login_required
@role_required(*WRITERS, Role.DIRECTOR)
@require_POST
def case_recommendation_email_view(request: HttpRequest, pk: int, rec_pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    recommendation = get_object_or_404(CaseRecommendation, pk=rec_pk, case=case)
    try:
        case_recommendation_email(recommendation=recommendation, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "The confirming e-mail has been sent.")
    return redirect("case_detail", pk=case.pk)
