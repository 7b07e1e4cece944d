"""The managers' morning digest: their teams' cases that are overdue, due today, or due the
next working day (by each learner's nation's calendar: on the Friday before a bank holiday
Monday that is Tuesday). One e-mail per manager per day (the dedupe key carries the date);
managers with nothing to report get none."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from escalation.calendar import add_working_days, is_working_day
from escalation.models import CaseStatus, EscalationCase
from escalation.selectors import cases_for
from escalation.services import case_policy
from learners.roles import Role
from notifications.email import email_enqueue
from notifications.models import EmailMode
from notifications.services import absolute_url, preference_modes


@dataclass
class ManagerDigest:
    overdue: list[EscalationCase] = field(default_factory=list)
    due_today: list[EscalationCase] = field(default_factory=list)
    due_next: list[EscalationCase] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.overdue or self.due_today or self.due_next)


def digest_managers() -> list[AbstractBaseUser]:
    """Active managers of at least one team, with an e-mail address, who want e-mail."""
    managers = list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.MANAGER, managed_teams__isnull=False)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    modes = preference_modes([m.pk for m in managers])
    return [m for m in managers if modes[m.pk] != EmailMode.NONE]


def manager_digest(*, manager: AbstractBaseUser, today: dt.date) -> ManagerDigest:
    """Open cases of the manager's own teams (not everyone a wider role lets them see),
    overdue or due by the next working day. Nothing on a day off for every learner listed."""
    digest = ManagerDigest()
    cases = cases_for(user=manager).filter(
        status=CaseStatus.OPEN,
        learner__team__managers=manager,
        stage_due_on__isnull=False,
        stage_due_on__lte=today + dt.timedelta(days=10),  # beyond any run of days off
    )
    for case in cases.distinct():
        nation = case.learner.nation
        if not is_working_day(today, nation=nation):
            continue
        if case.stage_due_on < today:
            digest.overdue.append(case)
        elif case.stage_due_on == today:
            digest.due_today.append(case)
        elif case.stage_due_on <= add_working_days(today, 1, nation=nation):
            digest.due_next.append(case)
    return digest


def _line(case: EscalationCase) -> str:
    stage = case_policy(case).stage(case.stage)
    url = absolute_url(reverse("case_detail", args=[case.pk]))
    return (
        f"- {case.learner.full_name} ({case.learner.team.name}): {stage.name}, "
        f"due {case.stage_due_on:%a %d %b %Y}\n  {url}"
    )


def manager_digest_body(*, digest: ManagerDigest, today: dt.date) -> str:
    lines = [f"Your teams' cases on {today:%A %d %B %Y}."]
    for heading, cases in (
        ("Overdue", digest.overdue),
        ("Due today", digest.due_today),
        ("Due the next working day", digest.due_next),
    ):
        if cases:
            lines += ["", f"{heading} ({len(cases)}):", *(_line(c) for c in cases)]
    return "\n".join(lines) + "\n"


def manager_digest_send(*, manager: AbstractBaseUser, today: dt.date) -> bool:
    """Queue the manager's digest for ``today``; False when there is nothing to report or it
    was queued already."""
    digest = manager_digest(manager=manager, today=today)
    if not digest:
        return False
    counts = f"{len(digest.overdue)} overdue, {len(digest.due_today) + len(digest.due_next)} due"
    return (
        email_enqueue(
            to=manager.email,
            subject=f"Cases to act on, {today:%a %d %b}: {counts}",
            body=manager_digest_body(digest=digest, today=today),
            dedupe_key=f"manager-digest:{manager.pk}:{today.isoformat()}",
            recipient=manager,
        )
        is not None
    )
