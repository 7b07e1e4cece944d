"""The policy pages: every policy with its teams and versions, and each version generated from
the data the engine runs (stages, moves, deadlines, triggers, periods), in its own words."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from learners.models import ProgrammeType, Team
from policies.models import Policy, PolicyVersion
from policies.selectors import policies_current_version_ids, version_to_spec
from policies.spec import SWEEP, PolicySpec

ROLE_WORDS = {SWEEP: "the daily sweep, when the deadline passes"}


@login_required
def policy_page(request: HttpRequest) -> HttpResponse:
    current = policies_current_version_ids()
    policies = list(Policy.objects.prefetch_related("versions", "teams").order_by("short_name"))
    for policy in policies:
        policy.current_version_id = current.get(policy.pk)
    return render(request, "web/policy/policy_list.html", {"policies": policies})


def _trigger_rows(policy: PolicySpec) -> list[dict]:
    return [
        {
            "rule": rule,
            "opens_at": policy.stage(rule.opens_at or policy.stages[0].key).name
            if policy.stages
            else "",
            "applies_to": ", ".join(
                ProgrammeType(p).label.lower() + "s" for p in sorted(rule.programme_types)
            )
            if rule.programme_types
            else "all learners",
            "proposes": policy.label(rule.proposes),
        }
        for rule in policy.triggers
    ]


def _move_rows(policy: PolicySpec) -> list[dict]:
    rows = []
    for move in policy.moves:
        stages = [policy.stage(key).name for key in move.from_stages if policy.has_stage(key)]
        target = policy.stage(move.to_stage).name if move.to_stage else ""
        rows.append(
            {
                "move": move,
                "from": ", ".join(stages) or "any stage",
                "to": target or ("the next stage" if move.kind == "forward" else ""),
                "who": ", ".join(ROLE_WORDS.get(role, role) for role in move.by_roles),
                "requires": move.requires.words(),
            }
        )
    return rows


@login_required
def policy_version_page(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(PolicyVersion.objects.select_related("policy"), pk=pk)
    policy = version_to_spec(version)
    return render(
        request,
        "web/policy/policy.html",
        {
            "version": version,
            "policy": policy,
            # The ratings that open a case, lowest first: "Medium or High".
            "opening_ratings": [
                label for level, label, _ in policy.ratings if level in policy.drivers.rating_levels
            ],
            "triggers": _trigger_rows(policy),
            "moves": _move_rows(policy),
            "versions": version.policy.versions.order_by("-number"),
            "teams": Team.objects.filter(policy=version.policy_id).order_by("name"),
            "current_version_id": policies_current_version_ids().get(version.policy_id),
        },
    )
