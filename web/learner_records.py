"""Activity records added by hand, and the tutor's decision on a risk notification.

A new record evaluates the learner's triggers at once, which may open or move a case: the view
calls the learners service, then the trigger evaluation, in the request's transaction, so it
can say on the page what fired."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from escalation.forms import RiskDecisionForm
from escalation.models import RiskNotification
from escalation.selectors import today_local
from escalation.triggers.evaluate import triggers_evaluate
from escalation.triggers.firing import risk_notification_decide
from learners.access import learner_get_for_user, role_required
from learners.policy_reading import learner_policy
from learners.record_forms import ACTIVITY_RECORD_FORMS
from learners.roles import WRITERS
from learners.services import learner_record_add
from web.pages import apply_form_errors, closed_redirect


def _fired_message(request: HttpRequest, fired: list[int]) -> None:
    for note in RiskNotification.objects.filter(pk__in=fired).select_related("learner__team"):
        label = learner_policy(learner=note.learner).label(note.proposed_level)
        messages.warning(
            request,
            f"Trigger: {note.rule_name}. A risk notification proposes {label}: decide on it below.",
        )


@login_required
@role_required(*WRITERS)
def record_create(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    record_kind = ACTIVITY_RECORD_FORMS.get(kind)
    if record_kind is None:
        raise Http404("No such kind of record.")
    if closed := closed_redirect(request, learner):
        return closed
    form = record_kind.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                learner_record_add(learner=learner, record=form.instance, by=request.user)
                result = triggers_evaluate(today=today_local(), learner_ids=[learner.pk])
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, f"{record_kind.label} recorded.")
            _fired_message(request, result["fired"])
            return redirect("learner_detail", pk=learner.pk)
    return render(
        request,
        "web/learners/record_form.html",
        {"learner": learner, "form": form, "kind": record_kind, "kinds": ACTIVITY_RECORD_FORMS},
    )


@login_required
@role_required(*WRITERS)
@require_POST
def risk_notification_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(RiskNotification, pk=pk)
    learner = learner_get_for_user(user=request.user, pk=note.learner_id)  # 404 outside scope
    if closed := closed_redirect(request, learner):
        return closed
    form = RiskDecisionForm(request.POST, policy=learner_policy(learner=learner))
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                note = risk_notification_decide(
                    notification=note,
                    by=request.user,
                    accept=data["decision"] == "accept",
                    level=data["level"],
                    reason=data["reason"],
                )
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            label = learner_policy(learner=learner).label(note.decided_level)
            messages.success(request, f"Decision recorded: rating {label}.")
            return redirect("learner_detail", pk=learner.pk)
    return render(
        request,
        "web/learners/risk_decision_form.html",
        {"learner": learner, "note": note, "form": form},
    )
