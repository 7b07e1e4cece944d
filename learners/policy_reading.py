"""Which policy version a team, or a learner, follows today (the team's policy's version in
effect). Cases do not ask this: each pins the version it opened under (escalation)."""

import datetime as dt
from collections.abc import Iterable, Mapping

from learners.models import Learner, Team
from policies.selectors import (
    default_spec,
    policies_current_version_ids,
    policy_current_spec,
    remembered,
    version_specs,
)
from policies.spec import PolicySpec


def team_policy(*, team: Team, today: dt.date | None = None) -> PolicySpec:
    return policy_current_spec(policy_id=team.policy_id, today=today)


def learner_policy(*, learner: Learner, today: dt.date | None = None) -> PolicySpec:
    """The version the learner's team follows today (its rating words, triggers, periods)."""
    policy_id = (
        learner.team.policy_id
        if "team" in learner._state.fields_cache
        else Team.objects.filter(pk=learner.team_id).values_list("policy_id", flat=True).get()
    )
    return policy_current_spec(policy_id=policy_id, today=today)


def team_specs(
    *, team_ids: Iterable[int] | None = None, today: dt.date | None = None
) -> dict[int, PolicySpec]:
    """team pk -> the version it follows today, for every team (or these): no query once the
    teams' policies and the versions in effect are remembered (a page asks several times)."""
    team_policy_ids = _team_policy_ids()
    if team_ids is not None:
        wanted = set(team_ids)
        team_policy_ids = {pk: p for pk, p in team_policy_ids.items() if pk in wanted}
    current = policies_current_version_ids(today=today)
    specs = version_specs(current.values())
    return {
        team_id: specs[current[policy_id]]
        for team_id, policy_id in team_policy_ids.items()
        if policy_id in current
    }


def _team_policy_ids() -> dict[int, int]:
    return remembered(("team policies",), lambda: dict(Team.objects.values_list("pk", "policy_id")))


def rating_labels_by_team() -> Mapping[int, Mapping[str, str]]:
    return {team_id: spec.rating_labels for team_id, spec in team_specs().items()}


def organisation_policy() -> PolicySpec:
    """The default policy's version in effect: the words for pages that span every team."""
    return default_spec()
