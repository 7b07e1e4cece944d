"""Reads for the sweeps' batches: what a batch of cases needs, in a few queries whatever the
number of cases (the per-case versions call these with one case): what counts as success at a
stage, and who hears of an event about a learner."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Min
from django.utils import timezone

from escalation.models import EscalationCase
from learners.models import Learner, Team
from learners.roles import Role
from policies.spec import Stage
from riskcases.models import ContactLogEntry, Outcome, SupportKind, SupportRecord

# Roles held for a team's learners (resolved through the learner), not organisation-wide.
TEAM_ROLES = frozenset({Role.TUTOR, Role.MANAGER, Role.OPERATIONAL_SUPPORT})


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


def case_success_since_stage_start(case: EscalationCase) -> str | None:
    """What counts as success at the case's stage (see cases_success_since_stage_start)."""
    return cases_success_since_stage_start(cases=[case]).get(case.pk)


@dataclass(frozen=True)
class Audience:
    """Who hears of an event about ``learner``: the people holding ``roles`` for them (their
    tutor, their team's managers, the organisation's directors, quality team and so on)."""

    learner: Learner
    roles: frozenset[str]

    @classmethod
    def stage(cls, *, learner: Learner, stage: Stage, with_tutor: bool = False) -> "Audience":
        """The people who act at ``stage`` (and the tutor as well, with ``with_tutor``)."""
        extra = {Role.TUTOR} if with_tutor else set()
        return cls(learner=learner, roles=frozenset(stage.actor_roles) | extra)


def audiences_resolve(*, audiences: Sequence[Audience]) -> list[list[AbstractBaseUser]]:
    """For each audience, its active people. At most four queries (tutors, team managers,
    support coordinators, role members) for the whole batch, whatever its size."""
    users = get_user_model().objects.filter(is_active=True)
    tutor_ids, team_ids, roles = set(), set(), set()
    coordinated_ids = set()
    for audience in audiences:
        if Role.TUTOR in audience.roles:
            tutor_ids.add(audience.learner.tutor_id)
        if Role.MANAGER in audience.roles:
            team_ids.add(audience.learner.team_id)
        if Role.OPERATIONAL_SUPPORT in audience.roles:
            coordinated_ids.add(audience.learner.team_id)
        roles |= audience.roles - TEAM_ROLES
    tutors = {user.pk: user for user in users.filter(pk__in=tutor_ids)} if tutor_ids else {}
    managers: dict[int, list[AbstractBaseUser]] = {}
    if team_ids:
        links = Team.managers.through.objects.filter(
            team_id__in=team_ids, user__in=users
        ).select_related("user")
        for link in links:
            managers.setdefault(link.team_id, []).append(link.user)
    coordinators: dict[int, list[AbstractBaseUser]] = {}
    if coordinated_ids:
        links = Team.support_coordinators.through.objects.filter(
            team_id__in=coordinated_ids,
            user__in=users.filter(groups__name=Role.OPERATIONAL_SUPPORT),
        ).select_related("user")
        for link in links:
            coordinators.setdefault(link.team_id, []).append(link.user)
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
        people: dict[int, AbstractBaseUser] = {}
        if Role.TUTOR in audience.roles:
            tutor = tutors.get(audience.learner.tutor_id)
            if tutor is not None:
                people[tutor.pk] = tutor
        if Role.MANAGER in audience.roles:
            people.update((u.pk, u) for u in managers.get(audience.learner.team_id, []))
        if Role.OPERATIONAL_SUPPORT in audience.roles:
            people.update((u.pk, u) for u in coordinators.get(audience.learner.team_id, []))
        for role in audience.roles - TEAM_ROLES:
            people.update((u.pk, u) for u in members.get(role, []))
        result.append(list(people.values()))
    return result
