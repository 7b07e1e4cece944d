from django import forms

from learners.policies import active_preset
from learners.policies.base import RISK_LEVELS
from riskcases.forms import TEXT_LIMIT


class CaseMoveForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        help_text="What happened, and why the case moves.",
    )
    due_on = forms.DateField(
        required=False,
        label="Due date (time plan)",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Only for stages whose policy has the person starting them set the due date.",
    )
    expected_stage = forms.CharField(widget=forms.HiddenInput, required=False)


class RiskDecisionForm(forms.Form):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        preset = active_preset()
        self.fields["level"].choices = [("", "Choose…")] + [
            (level, preset.label(level)) for level in RISK_LEVELS
        ]
