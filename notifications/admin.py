from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from learners.policies import PRESETS
from notifications.letters import letter_template_check, variables_help
from notifications.models import WITHDRAWAL_CONFIRMATION, LetterTemplate, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = [
            "preset_key",
            "letter_key",
            "name",
            "subject",
            "body",
            "send_to_employer",
            "active",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 24, "cols": 100})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = variables_help()
        self.fields["preset_key"] = forms.ChoiceField(
            choices=[(key, preset.short_name) for key, preset in PRESETS.items()],
            label="Policy preset",
        )

    def clean(self):
        data = super().clean()
        letter_key, preset_key = data.get("letter_key"), data.get("preset_key")
        if letter_key and preset_key:
            keys = {s.letter for s in PRESETS[preset_key].stages if s.letter}
            keys.add(WITHDRAWAL_CONFIRMATION)
            if letter_key not in keys:
                self.add_error(
                    "letter_key", f"{preset_key} letters are: {', '.join(sorted(keys))}."
                )
        if letter_key and data.get("subject") is not None and data.get("body") is not None:
            try:
                letter_template_check(
                    subject=data["subject"], body=data["body"], letter_key=letter_key
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field, errors)
        return data


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    """Stage letters per preset. A template that does not compile or render with sample data
    is refused on the form."""

    form = LetterTemplateForm
    list_display = ["name", "preset_key", "letter_key", "send_to_employer", "active", "updated_at"]
    list_filter = ["preset_key", "active"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
