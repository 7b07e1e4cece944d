"""Helpers for the pages that show a learner's record (used by riskcases' and escalation's
views alike)."""

from collections.abc import Callable, Mapping

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from audit.services import confidential_views_record
from learners.models import Learner
from learners.roles import Role, roles_of
from learners.services import LearnerClosedError, learner_ensure_open
from riskcases.break_selectors import learner_break_state
from riskcases.models import ContactLogEntry
from riskcases.selectors import (
    TIMELINE_KINDS,
    TimelineItem,
    learner_needs_support_prompt,
    learner_open_actions,
    learner_risk_factors,
    learner_timeline,
)
from riskcases.services import rating_current

# Who may write to a learner's record. Quality / IQA and the leaver panel read only.
WRITERS = (Role.TUTOR, Role.MANAGER, Role.SAFEGUARDING)


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


def learner_page_context(
    request: HttpRequest,
    learner: Learner,
    *,
    more_kinds: Mapping[str, str] | None = None,
    more_items: Callable[[set[str]], list[TimelineItem]] | None = None,
) -> dict:
    """``more_kinds`` and ``more_items`` let a higher app (escalation) add its own events to
    the timeline: kinds for the "Show" filter, and the items of the kinds chosen."""
    all_kinds = {**TIMELINE_KINDS, **(more_kinds or {})}
    kinds = set(request.GET.getlist("show")) & set(all_kinds) or set(all_kinds)
    rating = rating_current(learner=learner)
    timeline = learner_timeline(
        learner=learner, user=request.user, kinds=kinds & set(TIMELINE_KINDS) or {"none"}
    )
    if more_items is not None:
        timeline = sorted(
            timeline + more_items(kinds), key=lambda item: (item.at, item.obj.pk), reverse=True
        )
    # Reading a safeguarding disclosure is an access event (issue 10): one per entry shown.
    confidential_views_record(
        user=request.user,
        entries=[
            item.obj
            for item in timeline
            if isinstance(item.obj, ContactLogEntry) and item.obj.confidential and not item.hidden
        ],
        detail="Confidential contact-log entry shown on the learner page",
    )
    return {
        "learner": learner,
        "rating": rating,
        "timeline": timeline,
        "timeline_kinds": all_kinds,
        "shown_kinds": kinds,
        "open_actions": learner_open_actions(learner=learner),
        "risk_factors": learner_risk_factors(learner=learner, user=request.user),
        "support_prompt": learner_needs_support_prompt(learner=learner, rating=rating),
        "can_write": can_write(request),
        "is_open": learner_is_open(learner),
        "today": timezone.localdate(),
        "break_state": learner_break_state(learner=learner),
    }
