from django import forms

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
