from django import forms

from learners.policy_reading import organisation_policy
from learners.validators import CleanForm
from policies.spec import RISK_LEVELS
from riskcases.forms import TEXT_LIMIT


class RiskDecisionForm(CleanForm):
    """Accept the rating a trigger proposes, or override it with a reason."""

    decision = forms.ChoiceField(
        choices=[("accept", "Accept the proposed rating"), ("override", "Override it")],
        widget=forms.RadioSelect,
    )
    level = forms.ChoiceField(required=False, label="Rating you think is right")
    reason = forms.CharField(
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why (needed to override)",
    )

    def __init__(self, *args, policy=None, **kwargs):
        super().__init__(*args, **kwargs)
        preset = policy or organisation_policy()
        self.fields["level"].choices = [("", "Choose…")] + [
            (level, preset.label(level)) for level in RISK_LEVELS
        ]
