"""The policy pages: every policy with its teams and versions, and each version generated from
the data the engine runs (stages, moves, deadlines, triggers, periods), in its own words. A
director publishes a draft (its problems listed first) or retires a version here; managers and
directors move open cases onto a newer version (web/policy_moves.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from escalation.case_moves import roles_making
from escalation.version_moves import cases_on_older_versions
from learners.access import role_required
from learners.models import ProgrammeType, Team
from learners.roles import Role, has_role
from policies.models import Policy, PolicyVersion, VersionStatus
from policies.selectors import policies_current_version_ids, version_to_spec
from policies.services import draft_problems, version_publish, version_retire
from policies.spec import RISK_LEVELS, SWEEP, PolicySpec
from policies.validation import Problem
from web.pages import apply_form_errors
from web.policy_forms import VersionPublishForm, VersionRetireForm

ROLE_WORDS = {
    SWEEP: "the daily sweep, when the deadline passes",
    "operational support": "Operational Support Coordinator",
}


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
            "addition": policy.addition(f"triggers.{rule.key}"),
        }
        for rule in policy.triggers
    ]


def _addition_words(policy: PolicySpec, path: str) -> str:
    section, _, name = path.partition(".")
    name = name.partition(".")[0]
    try:
        if section == "triggers":
            return f"Trigger: {policy.trigger(name).name}"
        if section == "stages":
            return f"Stage: {policy.stage(name).name}"
        if section == "moves":
            return f"Move: {policy.move(name).label}"
    except KeyError:
        return path
    return name.replace("_", " ").capitalize()


def _addition_rows(policy: PolicySpec) -> list[dict]:
    """What the version runs that its document does not state, in words, with why."""
    return [
        {"what": _addition_words(policy, path), "why": why}
        for path, why in policy.additions.items()
    ]


def _withdrawal_routes(policy: PolicySpec) -> list[str]:
    """How a Notification of Withdrawal is raised under the version, in words."""
    said = [
        f"Reaching {stage.name} raises the Notification of Withdrawal."
        for stage in policy.stages
        if stage.withdrawal
    ]
    for move in policy.moves:
        if move.kind not in ("withdrawal", "termination"):
            continue
        who = ", ".join(ROLE_WORDS.get(role, role) for role in move.by_roles)
        if move.outside_ladder:
            said.append(
                f"Outside the ladder, from any stage or with no case: “{move.label}” ({who}) "
                "raises it without the stages."
            )
        else:
            names = [policy.stage(k).name for k in move.from_stages if policy.has_stage(k)]
            stages = ", ".join(names)
            said.append(f"“{move.label}” at {stages or 'any stage'} ({who}) raises it.")
    return said


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


def _is_director(user) -> bool:
    return user.is_superuser or has_role(user, Role.DIRECTOR)


def _version_get(pk: int) -> PolicyVersion:
    return get_object_or_404(PolicyVersion.objects.select_related("policy"), pk=pk)


def _readable_spec(version: PolicyVersion) -> tuple[PolicySpec | None, list[Problem]]:
    """The version's spec, and (a draft's) problems; a draft that does not read has no spec."""
    problems = draft_problems(version=version) if version.status == VersionStatus.DRAFT else []
    try:
        return version_to_spec(version), problems
    except ValueError:
        return None, problems


def _rows(policy: PolicySpec | None) -> dict:
    """The triggers' and moves' tables; a draft naming a stage it lacks shows them once its
    problems (listed above them) are put right."""
    try:
        if not policy:
            return {}
        return {
            "triggers": _trigger_rows(policy),
            "moves": _move_rows(policy),
            "withdrawal_routes": _withdrawal_routes(policy),
            "has_automatic_moves": any(move.automatic for move in policy.moves),
            "contract_steps_down": any(
                move.kind == "step_down" and move.requires.support_contract for move in policy.moves
            ),
            "closed_by": roles_making(policy=policy, kind="close"),
            "additions": _addition_rows(policy),
            "rating_actions": [
                {"label": policy.label(level), "actions": policy.rating_actions[level]}
                for level in RISK_LEVELS
                if policy.rating_actions.get(level)
            ],
            # "periods.back_on_track_days" -> "periods__back_on_track_days": template lookups.
            "added": {path.replace(".", "__"): why for path, why in policy.additions.items()},
        }
    except (KeyError, ValueError):
        return {}


def _render(request: HttpRequest, version: PolicyVersion, **forms) -> HttpResponse:
    policy, problems = _readable_spec(version)
    director = _is_director(request.user)
    if director and version.status == VersionStatus.DRAFT and not problems:
        forms.setdefault("publish_form", VersionPublishForm())
    if director and version.status == VersionStatus.PUBLISHED:
        forms.setdefault("retire_form", VersionRetireForm())
    may_move = version.status == VersionStatus.PUBLISHED and (
        director or has_role(request.user, Role.MANAGER)
    )
    return render(
        request,
        "web/policy/policy.html",
        {
            "version": version,
            "policy": policy,
            # The ratings that open a case, lowest first: "Medium or High".
            "opening_ratings": [
                label for level, label, _ in policy.ratings if level in policy.drivers.rating_levels
            ]
            if policy
            else [],
            "problems": problems,
            **_rows(policy),
            "versions": version.policy.versions.order_by("-number"),
            "teams": Team.objects.filter(policy=version.policy_id).order_by("name"),
            "current_version_id": policies_current_version_ids().get(version.policy_id),
            "older_cases": (
                cases_on_older_versions(version=version, user=request.user).count()
                if may_move
                else 0
            ),
            **forms,
        },
    )


@login_required
def policy_version_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _version_get(pk))


@login_required
@role_required(Role.DIRECTOR)
@require_POST
def policy_version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version_get(pk)
    form = VersionPublishForm(request.POST)
    if form.is_valid():
        try:
            version_publish(version=version, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, f"{version} is published.")
            return redirect("policy_version", pk=version.pk)
    return _render(request, version, publish_form=form)


@login_required
@role_required(Role.DIRECTOR)
@require_POST
def policy_version_retire(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version_get(pk)
    form = VersionRetireForm(request.POST)
    if form.is_valid():
        try:
            version_retire(version=version, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, f"{version} is retired.")
            return redirect("policy_version", pk=version.pk)
    return _render(request, version, retire_form=form)
