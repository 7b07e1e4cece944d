from django import forms

from learners.imports import import_check_size
from learners.models import ImportKind
from learners.policies import active_preset
from learners.policies.base import RISK_LEVELS
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        preset = active_preset()
        self.fields["level"].choices = [("", "Choose…")] + [
            (level, preset.label(level)) for level in RISK_LEVELS
        ]


class ImportUploadForm(CleanForm):
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=[("", "Choose…"), *ImportKind.choices],
        help_text="The columns each kind needs are listed under “What each file needs”.",
    )
    file = forms.FileField(
        label="CSV file",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=(
            "A CSV file saved as UTF-8 (in Excel: Save As › “CSV UTF-8”), with the column "
            "names in the first row. Nothing is imported until you have seen the preview."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        import_check_size(size=upload.size)
        return upload


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
