"""The policy page: the active preset's stages, deadlines and triggers, in its own words."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from learners.models import ProgrammeType
from learners.policies import active_preset


@login_required
def policy_page(request: HttpRequest) -> HttpResponse:
    preset = active_preset()
    triggers = [
        {
            "rule": rule,
            "opens_at": preset.stage(rule.opens_at or preset.stages[0].key).name,
            "applies_to": ", ".join(
                ProgrammeType(p).label.lower() + "s" for p in sorted(rule.programme_types)
            )
            if rule.programme_types
            else "all learners",
            "proposes": preset.label(rule.proposes),
        }
        for rule in preset.triggers
    ]
    return render(request, "web/policy/policy.html", {"preset": preset, "triggers": triggers})
