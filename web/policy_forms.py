"""The policy version page's forms: publish a draft, retire a version, move open cases onto a
version (a stage of the new version for each stage the cases are at)."""

from django import forms

from learners.validators import BoundedModelMultipleChoiceField, CleanForm
from policies.selectors import version_spec
from riskcases.forms import TEXT_LIMIT

STAGE_PREFIX = "stage_"


class VersionPublishForm(CleanForm):
    effective_from = forms.DateField(
        label="In effect from",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="New cases open under this version from this day (today or later). The "
        "version in effect now stays so until then.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        label="Why this version",
        help_text="Shown with the version, for example the policy review it follows.",
    )


class VersionRetireForm(CleanForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_LIMIT,
        label="Why it is retired",
        help_text="Cases already under it keep running under it to their end.",
    )


class CasesVersionMoveForm(CleanForm):
    """``cases``: the cases the user may move; ``stages``: (key, label) of the stages they are
    at; ``targets``: (key, label) of the target version's stages; ``proposed``: key -> key."""

    cases = BoundedModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Cases to move",
        error_messages={"required": "Choose at least one case to move."},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_LIMIT,
        help_text="Recorded in each case's history.",
    )

    def __init__(self, *args, cases, stages, targets, proposed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases
        self.fields["cases"].label_from_instance = lambda case: (
            f"{case.learner.full_name}: {case.policy_version.label}, "
            f"{version_spec(case.policy_version_id).stage(case.stage).name}"
        )
        self.initial.setdefault("cases", [case.pk for case in cases])
        for key, label in stages:
            self.fields[STAGE_PREFIX + key] = forms.ChoiceField(
                choices=targets,
                initial=proposed.get(key),
                label=f"Cases at {label} move to",
            )

    def stage_mapping(self) -> dict[str, str]:
        return {
            name.removeprefix(STAGE_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(STAGE_PREFIX)
        }
