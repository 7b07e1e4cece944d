"""Moving open cases onto a newer version of their policy (managers: their teams' cases;
directors: every case). GET proposes a stage of the new version for each stage the cases are
at; POST moves the chosen cases (escalation/version_moves.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from escalation.version_moves import (
    cases_on_older_versions,
    cases_version_change,
    stage_mapping_proposed,
)
from learners.access import role_required
from learners.roles import Role
from policies.models import PolicyVersion, VersionStatus
from policies.selectors import version_spec, version_specs
from web.pages import apply_form_errors
from web.policy_forms import CasesVersionMoveForm


def _form(request: HttpRequest, version: PolicyVersion) -> CasesVersionMoveForm | None:
    """The form over the user's cases on older versions (None: the version takes no cases)."""
    if version.status != VersionStatus.PUBLISHED:
        return None
    cases = cases_on_older_versions(version=version, user=request.user)
    at = dict.fromkeys((c.policy_version_id, c.stage) for c in cases)
    sources = version_specs(version_id for version_id, _ in at)
    target = version_spec(version.pk)
    stages: dict[str, tuple[int, str]] = {}  # key -> (place in the ladder, label)
    for version_id, key in at:
        source = sources[version_id]
        stages.setdefault(key, (source.stage_number(key), f"{source.stage(key).name} ({key})"))
    return CasesVersionMoveForm(
        request.POST or None,
        cases=cases,
        stages=[(key, label) for key, (_, label) in sorted(stages.items(), key=lambda i: i[1])],
        targets=[(stage.key, f"{stage.name} ({stage.key})") for stage in target.stages],
        proposed=stage_mapping_proposed(sources=sources.values(), target=target),
    )


@login_required
@role_required(Role.MANAGER, Role.DIRECTOR)
def policy_version_move_cases(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(PolicyVersion.objects.select_related("policy"), pk=pk)
    form = _form(request, version)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            moved = cases_version_change(
                cases=form.cleaned_data["cases"],
                to_version=version,
                stage_mapping=form.stage_mapping(),
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, f"{len(moved)} cases moved to {version}.")
            return redirect("policy_version", pk=version.pk)
    return render(request, "web/policy/move_cases.html", {"version": version, "form": form})
