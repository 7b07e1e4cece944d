"""The page that raises a withdrawal outside the ladder (escalation/withdrawal_routes.py): the
learner decided to leave, or the programme ends under another policy. A director decides it on
the withdrawal pages (web/withdrawals.py) as any other."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from escalation.withdrawal_routes import learner_withdrawal_raise, withdrawal_routes_for
from learners.access import learner_get_for_user, role_required
from learners.roles import WRITERS
from web.case_forms import WithdrawalOutsideLadderForm
from web.pages import apply_form_errors, closed_redirect
from withdrawals.selectors import learner_live_withdrawal


@login_required
@role_required(*WRITERS)
def withdrawal_outside_ladder(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    if stop := closed_redirect(request, learner):
        return stop
    live = learner_live_withdrawal(learner=learner)
    if live is not None:
        messages.info(request, f"A withdrawal for {learner.full_name} is already in progress.")
        return redirect("withdrawal_detail", pk=live.pk)
    routes = withdrawal_routes_for(learner=learner, user=request.user)
    if not routes:
        messages.info(request, "Your role may not raise a withdrawal for this learner.")
        return redirect("learner_detail", pk=learner.pk)
    form = WithdrawalOutsideLadderForm(request.POST or None, routes=routes)
    if request.method == "POST" and form.is_valid():
        try:
            learner_withdrawal_raise(
                learner=learner,
                move_key=form.cleaned_data["route"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(
                request,
                f"Withdrawal raised for {learner.full_name}: a director decides it.",
            )
            return redirect("learner_detail", pk=learner.pk)
    return render(
        request,
        "web/withdrawals/raise_outside_ladder.html",
        {"learner": learner, "form": form, "heading": "Raise a withdrawal outside the ladder"},
    )
