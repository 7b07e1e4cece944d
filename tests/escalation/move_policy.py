"""A small policy written for the move tests: four stages and one move of every kind, so each
rule of the engine is seen on a version the test controls (the shipped ones are tested in
test_moves.py's Makers journey)."""

import datetime as dt

from learners.models import Team
from policies.models import Policy, PolicyVersion, VersionStatus
from policies.selectors import spec_cache_clear

STAGES = [
    {"key": "a", "name": "Stage A", "actor_roles": ["tutor"], "default_deadline": 5},
    {"key": "b", "name": "Stage B", "actor_roles": ["tutor"], "default_deadline": 5},
    {
        "key": "c",
        "name": "Stage C",
        "actor_roles": ["manager"],
        "deadline_set_by_person": True,
        "withdrawal_effect": "recommend",
        "outcomes": ["Back to Stage A", "Withdraw the learner"],
        "tell_roles": ["quality"],
        "review_meetings": 2,
        "review_points": ["Progress", "Blockers"],
    },
    {"key": "d", "name": "Stage D", "actor_roles": ["director"], "withdrawal_effect": "raise"},
]


def _move(key: str, kind: str, label: str, **rest) -> dict:
    return {"key": key, "kind": kind, "label": label, **rest}


MOVES = [
    _move("a_on", "forward", "On to Stage B", from_stages=["a"], by_roles=["tutor"]),
    _move("a_overdue", "forward", "Deadline passed", from_stages=["a"], by_roles=["sweep"]),
    _move(
        "b_on",
        "forward",
        "On to Stage C",
        from_stages=["b"],
        by_roles=["tutor", "manager"],
        requires={"contact_attempts": 3, "distinct_channels": 2},
    ),
    _move("b_back", "back", "Back to Stage A", from_stages=["b"], to_stage="a", by_roles=["tutor"]),
    _move(
        "c_on",
        "forward",
        "On to Stage D",
        from_stages=["c"],
        by_roles=["manager"],
        requires={"recommendation": True, "review_meetings": 2},
    ),
    _move(
        "c_extend",
        "extend",
        "Five more days",
        from_stages=["c"],
        by_roles=["manager"],
        extend_days=5,
    ),
    _move("c_break", "break", "A break in learning", from_stages=["c"], by_roles=["manager"]),
    _move(
        "c_withdraw",
        "withdrawal",
        "Recommend withdrawal",
        from_stages=["c"],
        by_roles=["manager"],
        requires={"recommendation": True},
    ),
    _move("c_terminate", "termination", "Terminate", from_stages=["c"], by_roles=["director"]),
    _move(
        "step_down",
        "step_down",
        "Step down",
        by_roles=["tutor"],
        requires={"support_contract": True},
    ),
    _move("re_escalate", "re_escalate", "Escalate again", by_roles=["tutor"]),
    _move("close", "close", "Close: back on track", by_roles=["tutor", "manager"]),
]

DOCUMENT = {
    "source": "The move tests' own policy",
    "rating_labels": {"low": "Low", "medium": "Medium", "high": "High"},
    "drivers": {"rating_levels": ["medium", "high"]},
    "stages": STAGES,
    "moves": MOVES,
    "triggers": [],
}


def ladder_policy(team: Team, *, document: dict | None = None) -> PolicyVersion:
    """A published version of the test's policy, followed by ``team``."""
    policy = Policy.objects.create(key="ladder", short_name="Ladder", name="The ladder policy")
    version = PolicyVersion.objects.create(
        policy=policy,
        number=1,
        label="test",
        status=VersionStatus.PUBLISHED,
        effective_from=dt.date(2020, 1, 1),
        document=document or DOCUMENT,
    )
    team.policy = policy
    team.save(update_fields=["policy"])
    spec_cache_clear()
    return version
