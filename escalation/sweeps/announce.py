"""Telling people a case moved: the people who act at its stage now, those the stage names to
be told, and the tutor (not the person who moved it). The overdue sweep announces the cases it
advances; a person's move is announced the same way.
"""

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from escalation.models import EscalationCase, StageChange
from escalation.services import case_policy
from escalation.sweeps.selectors import Audience, audiences_resolve
from notifications.services import NotificationItem, notifications_send_many


def case_change_announce(*, case: EscalationCase, by: AbstractBaseUser | None) -> int:
    """Tell the people who act at the case's stage now, and the tutor, that it moved (not the
    person who moved it). Once per change: the key is the change's sequence number."""
    change = case.changes.order_by("-sequence").select_related("by").first()
    change.case = case  # with its learner, as loaded
    return cases_change_announce(changes=[change], by=by)[0]


def cases_change_announce(
    *, changes: Sequence[StageChange], by: AbstractBaseUser | None
) -> list[int]:
    """Tell the people who act at each case's stage now, and the tutor, that it moved (not
    the person who moved it). Once per change: the key is the change's sequence number.
    ``changes`` are each case's latest, with ``change.case`` its case (and its learner)."""
    stages = [case_policy(change.case).stage(change.case.stage) for change in changes]
    # Those acting at the new stage, the tutor, and those the stage says are told on arrival.
    audiences = [
        Audience(
            learner=change.case.learner,
            roles=Audience.stage(learner=change.case.learner, stage=stage, with_tutor=True).roles
            | frozenset(stage.tell_roles),
        )
        for change, stage in zip(changes, stages, strict=True)
    ]
    items = []
    for change, stage, people in zip(
        changes, stages, audiences_resolve(audiences=audiences), strict=True
    ):
        case = change.case
        due = f" Due {case.stage_due_on:%d %b %Y}." if case.stage_due_on else ""
        items.append(
            NotificationItem(
                recipients=[u for u in people if by is None or u.pk != by.pk],
                kind="stage_change",
                title=f"{case.learner.full_name}: {change.get_kind_display().lower()}, "
                f"now at {stage.name}",
                body=f"{stage.summary}{due} Why: {change.reason}",
                url=reverse("case_detail", args=[case.pk]),
                dedupe_key=f"case:{case.pk}:change:{case.change_count}",
            )
        )
    return notifications_send_many(items=items)
