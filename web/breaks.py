"""The break pages: start a break in learning, record the return, change the expected return
date, and the contact reminder list of learners on a break. The actions (escalation/breaks.py)
re-evaluate the learner's triggers after the commit."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from escalation.break_forms import BreakReturnDateForm, BreakReturnForm, BreakStartForm
from escalation.break_selectors import breaks_for, learner_break_state
from escalation.breaks import break_end, break_return_date_set, break_start
from escalation.selectors import today_local
from learners.access import learner_get_for_user, role_required
from learners.models import Learner, LearnerStatus
from learners.policy_reading import organisation_policy
from learners.roles import WRITERS
from web.pages import apply_form_errors, can_write, closed_redirect


def _day(date: dt.date) -> str:
    return f"{date:%d %b %Y}"


def _wrong_state(request: HttpRequest, learner: Learner, *, on_break: bool) -> HttpResponse | None:
    """A page for a learner in the other state (a stale link, a second tab): say so and go back
    to the learner page. The actions refuse it too, under the lock."""
    if (learner.status == LearnerStatus.BREAK_IN_LEARNING) == on_break:
        return None
    if on_break:
        messages.info(request, f"{learner.full_name} is not on a break in learning.")
    else:
        messages.info(request, f"{learner.full_name} is already on a break in learning.")
    return redirect("learner_detail", pk=learner.pk)


def _form_page(
    request: HttpRequest, learner: Learner, form: Form, heading: str, intro: str, submit: str
) -> HttpResponse:
    context = {
        "learner": learner,
        "form": form,
        "heading": heading,
        "intro": intro,
        "submit": submit,
        "break_state": learner_break_state(learner=learner),
    }
    return render(request, "web/learners/break_form.html", context)


def _done(request: HttpRequest, learner: Learner, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("learner_detail", pk=learner.pk)


@login_required
@role_required(*WRITERS)
def break_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    if stop := closed_redirect(request, learner) or _wrong_state(request, learner, on_break=False):
        return stop
    form = BreakStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pause = break_start(learner=learner, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            if pause.expected_return_on < today_local():
                messages.warning(
                    request,
                    "The expected return date has already passed: the risk triggers flag it.",
                )
            return _done(
                request,
                learner,
                f"Break in learning started for {learner.full_name} from "
                f"{_day(pause.occurred_on)}; expected back {_day(pause.expected_return_on)}.",
            )
    intro = (
        "The policy requires an expected return date. While the break lasts, "
        f"{learner.first_name} appears on the contact reminder list."
    )
    return _form_page(request, learner, form, "Start a break in learning", intro, "Start break")


@login_required
@role_required(*WRITERS)
def break_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    if stop := closed_redirect(request, learner) or _wrong_state(request, learner, on_break=True):
        return stop
    form = BreakReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pause = break_end(learner=learner, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            return _done(
                request,
                learner,
                f"{learner.full_name} returned to learning on {_day(pause.returned_on)}: "
                "back on programme.",
            )
    intro = f"{learner.first_name} goes back on programme from this date."
    return _form_page(request, learner, form, "Record return from a break", intro, "Record return")


@login_required
@role_required(*WRITERS)
def break_return_date_view(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    if stop := closed_redirect(request, learner) or _wrong_state(request, learner, on_break=True):
        return stop
    form = BreakReturnDateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pause = break_return_date_set(learner=learner, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            return _done(
                request,
                learner,
                f"Expected return date changed to {_day(pause.expected_return_on)}.",
            )
    intro = f"Use this when {learner.first_name} gives a new date for returning to learning."
    return _form_page(request, learner, form, "Change expected return date", intro, "Save date")


@login_required
def break_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/learners/break_list.html",
        {
            "rows": breaks_for(user=request.user, today=today_local()),
            "contact_days": organisation_policy().break_contact_days,
            "can_write": can_write(request),
        },
    )
