"""Back on track: a learner with an active case, no trigger holding and progress at or above
plan for the period of the case.s version is proposed for removal from the register, and the team's
managers are asked to confirm it.

Policy: "If an at-risk learner returns to being consistently at or above their expected
progress markers, they will be removed from the register" (the version.s back_on_track_days).
"""

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse

from escalation.models import CaseStatus, EscalationCase
from escalation.triggers.registry import learners_evaluated
from learners.models import Learner, ProgressSnapshot
from notifications.services import NotificationItem, notifications_send_many
from policies.selectors import version_specs


def _on_target_since(snapshots: list[ProgressSnapshot]) -> dt.date | None:
    """The first day of the current unbroken run of snapshots at or above plan (oldest first
    in ``snapshots``), or None if the latest is below plan."""
    since = None
    for snapshot in snapshots:
        if snapshot.actual_percent >= snapshot.planned_percent:
            since = since or snapshot.occurred_on
        else:
            since = None
    return since


def cases_back_on_track(
    *, learners: QuerySet[Learner], holding: set[int], today: dt.date
) -> list[int]:
    """Active cases not yet proposed for removal whose learner has no trigger holding and has
    been at or above plan for the period of the case's version. Two queries."""
    rows = (
        EscalationCase.objects.filter(
            learner__in=learners_evaluated(learners).values("pk"),
            status__in=(CaseStatus.OPEN, CaseStatus.STEPPED_DOWN),
            removal_proposed_on__isnull=True,
        )
        .exclude(learner_id__in=holding)
        .values_list("learner_id", "pk", "policy_version_id")
    )
    cases, period_start = {}, {}
    specs = version_specs({version_id for _, _, version_id in rows})
    for learner_id, case_id, version_id in rows:
        cases[learner_id] = case_id
        period_start[learner_id] = today - dt.timedelta(days=specs[version_id].back_on_track_days)
    snapshots: dict[int, list[ProgressSnapshot]] = {}
    for snapshot in ProgressSnapshot.objects.filter(
        learner_id__in=cases, occurred_on__lte=today
    ).order_by("learner_id", "occurred_on", "pk"):
        snapshots.setdefault(snapshot.learner_id, []).append(snapshot)
    return [
        case_id
        for learner_id, case_id in cases.items()
        if (since := _on_target_since(snapshots.get(learner_id, [])))
        and since <= period_start[learner_id]
    ]


def cases_propose_removal(*, case_ids: Sequence[int], today: dt.date) -> list[int]:
    """Propose removal from the register for these cases (those not proposed meanwhile), and
    ask their teams' managers to confirm it. One transaction; returns the cases proposed."""
    with transaction.atomic():
        cases = list(
            EscalationCase.objects.filter(pk__in=case_ids, removal_proposed_on__isnull=True)
            .select_for_update(of=("self",))
            .select_related("learner")
            .order_by("pk")
        )
        EscalationCase.objects.filter(pk__in=[case.pk for case in cases]).update(
            removal_proposed_on=today
        )
        managers: dict[int, list] = {}
        for user in (
            get_user_model()
            .objects.filter(
                managed_teams__in={case.learner.team_id for case in cases}, is_active=True
            )
            .annotate(team_id=F("managed_teams"))
        ):
            managers.setdefault(user.team_id, []).append(user)
        specs = version_specs({case.policy_version_id for case in cases})
        notifications_send_many(
            items=[
                NotificationItem(
                    recipients=managers.get(case.learner.team_id, []),
                    kind="back_on_track",
                    title=f"{case.learner.full_name} is back on track: confirm removal from "
                    "the register",
                    body="No trigger holds and progress has been at or above plan for "
                    f"{specs[case.policy_version_id].back_on_track_days} days.",
                    url=reverse("case_detail", args=[case.pk]),
                    dedupe_key=f"case:{case.pk}:back-on-track:{today.isoformat()}",
                )
                for case in cases
            ]
        )
    return [case.pk for case in cases]
