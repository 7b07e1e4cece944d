"""Tests that run a case under a particular shipped policy make the learner's team follow it."""

from learners.models import Team
from policies.models import Policy
from policies.selectors import spec_cache_clear


def team_follows(team: Team, policy_key: str) -> Team:
    team.policy = Policy.objects.get(key=policy_key)
    team.save(update_fields=["policy"])
    spec_cache_clear()
    return team
