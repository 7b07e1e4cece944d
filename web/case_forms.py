"""The case page's forms: a move with its reason, and the stage letter's send and "not sent"."""

from django import forms

from learners.validators import CleanForm
from riskcases.forms import TEXT_LIMIT


class CaseMoveForm(CleanForm):
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


class LetterSendForm(CleanForm):
    """Send the stage letter shown in the preview (refused if the case moved on meanwhile)."""

    expected_stage = forms.CharField(widget=forms.HiddenInput)


class LetterSkipForm(CleanForm):
    """Record that the stage letter was not sent, and why."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_LIMIT,
        label="Why the letter was not sent",
        help_text="For example: told in person at a three-way meeting, with the notes logged.",
    )
    expected_stage = forms.CharField(widget=forms.HiddenInput)
