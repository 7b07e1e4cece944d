"""Reads for the sweeps' batches: what a batch of cases needs, in a few queries whatever the
number of cases (the per-case versions in escalation/sweeps.py call these with one case)."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Min
from django.utils import timezone

from escalation.models import EscalationCase
from learners.models import Learner, Team
from learners.policies.base import Stage
from learners.roles import Role
from riskcases.models import ContactLogEntry, Outcome, SupportKind, SupportRecord


def cases_success_since_stage_start(*, cases: Sequence[EscalationCase]) -> dict[int, str]:
    """What counts as success at a stage: the learner or employer agreed a commitment, or a
    support contract was agreed, since the stage began. Returns, for each case with one, its
    description (the first commitment, else the latest contract); two queries."""
    case_ids = [case.pk for case in cases]
    if not case_ids:
        return {}
    # One filter() call, so the case join and its stage start are the same row: each entry is
    # compared with the start of the stage of the case it is counted for.
    commitments = (
        ContactLogEntry.objects.filter(
            learner__cases__pk__in=case_ids,
            outcome=Outcome.COMMITMENT_AGREED,
            occurred_at__gte=F("learner__cases__stage_started_at"),
        )
        .order_by()
        .values("learner__cases__pk")
        .annotate(first=Min("occurred_at"))
        .values_list("learner__cases__pk", "first")
    )
    found = {
        case_id: f"commitment agreed on {timezone.localtime(first):%d %b %Y}"
        for case_id, first in commitments
    }
    contracts = (
        SupportRecord.objects.filter(
            learner__cases__pk__in=[pk for pk in case_ids if pk not in found],
            kind=SupportKind.SUPPORT_CONTRACT,
            created_at__gte=F("learner__cases__stage_started_at"),
        )
        .order_by("-agreed_on", "-pk")  # SupportRecord's own order: the latest agreed first
        .values_list("learner__cases__pk", "agreed_on")
    )
    for case_id, agreed_on in contracts:
        found.setdefault(case_id, f"support contract agreed on {agreed_on:%d %b %Y}")
    return found


@dataclass(frozen=True)
class Audience:
    """The people who act at ``stage`` for ``learner`` (and their tutor, with ``with_tutor``)."""

    learner: Learner
    stage: Stage
    with_tutor: bool = False


def stage_actors_many(*, audiences: Sequence[Audience]) -> list[list[AbstractBaseUser]]:
    """For each audience, its active people: the learner's tutor, their team's managers, and
    the organisation's directors, safeguarding team and so on, as the stage's roles say. At
    most three queries (tutors, team managers, role members) for the whole batch."""
    users = get_user_model().objects.filter(is_active=True)
    tutor_ids, team_ids, roles = set(), set(), set()
    for audience in audiences:
        actor_roles = set(audience.stage.actor_roles)
        if audience.with_tutor or Role.TUTOR in actor_roles:
            tutor_ids.add(audience.learner.tutor_id)
        if Role.MANAGER in actor_roles:
            team_ids.add(audience.learner.team_id)
        roles |= actor_roles - {Role.TUTOR, Role.MANAGER}
    tutors = {user.pk: user for user in users.filter(pk__in=tutor_ids)} if tutor_ids else {}
    managers: dict[int, list[AbstractBaseUser]] = {}
    if team_ids:
        links = Team.managers.through.objects.filter(
            team_id__in=team_ids, user__in=users
        ).select_related("user")
        for link in links:
            managers.setdefault(link.team_id, []).append(link.user)
    members: dict[str, list[AbstractBaseUser]] = {}
    if roles:
        links = (
            get_user_model()
            .groups.through.objects.filter(group__name__in=roles, user__in=users)
            .select_related("user", "group")
        )
        for link in links:
            members.setdefault(link.group.name, []).append(link.user)
    result = []
    for audience in audiences:
        actor_roles = set(audience.stage.actor_roles)
        people: dict[int, AbstractBaseUser] = {}
        if audience.with_tutor or Role.TUTOR in actor_roles:
            tutor = tutors.get(audience.learner.tutor_id)
            if tutor is not None:
                people[tutor.pk] = tutor
        if Role.MANAGER in actor_roles:
            people.update((u.pk, u) for u in managers.get(audience.learner.team_id, []))
        for role in actor_roles - {Role.TUTOR, Role.MANAGER}:
            people.update((u.pk, u) for u in members.get(role, []))
        result.append(list(people.values()))
    return result
