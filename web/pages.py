"""Helpers every page that writes to a learner's record shares: who may write, how a refusal
shows on a form, and the redirect for a closed record."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from learners.models import Learner
from learners.roles import WRITERS, roles_of
from learners.services import LearnerClosedError, learner_ensure_open


def can_write(request: HttpRequest) -> bool:
    return request.user.is_superuser or bool(roles_of(request.user) & set(WRITERS))


def apply_form_errors(form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def learner_is_open(learner: Learner) -> bool:
    try:
        learner_ensure_open(learner=learner)
    except LearnerClosedError:
        return False
    return True


def closed_redirect(request: HttpRequest, learner: Learner) -> HttpResponse | None:
    """A closed record takes no new entries: say so and go back to the learner page."""
    try:
        learner_ensure_open(learner=learner)
    except LearnerClosedError as exc:
        messages.error(request, exc.messages[0])
        return redirect("learner_detail", pk=learner.pk)
    return None
