from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest

from learners.validators import CleanModelForm
from notifications.letter_rendering import letter_template_check, variables_help
from notifications.models import (
    WITHDRAWAL_CONFIRMATION,
    EmailAttachment,
    EmailDelivery,
    EmailStatus,
    LetterTemplate,
    Notification,
    NotificationPreference,
)
from policies.models import Policy, PolicyVersion


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


class EmailAttachmentInline(admin.TabularInline):
    model = EmailAttachment
    fields = ["filename", "mimetype"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    """Read-only: what was sent, what is waiting and what failed (failed first)."""

    list_display = ["subject", "to_address", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "to_address", "recipient__username", "dedupe_key"]
    list_select_related = ["recipient"]
    readonly_fields = [
        "to_address",
        "recipient",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "dedupe_key",
        "created_at",
        "claimed_at",
        "sent_at",
    ]
    fields = readonly_fields
    inlines = [EmailAttachmentInline]

    def get_ordering(self, request: HttpRequest) -> list:
        failed_first = Case(
            When(status=EmailStatus.FAILED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [failed_first.asc(), "-created_at", "-pk"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_mode", "last_digest_at"]
    list_filter = ["email_mode"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]


class LetterTemplateForm(CleanModelForm):
    class Meta:
        model = LetterTemplate
        fields = [
            "policy_key",
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
        self.fields["policy_key"] = forms.ChoiceField(
            choices=list(Policy.objects.values_list("key", "short_name")),
            label="Policy",
        )

    def clean(self):
        data = super().clean()
        letter_key, policy_key = data.get("letter_key"), data.get("policy_key")
        if letter_key and policy_key:
            keys = {
                stage["letter"]
                for document in PolicyVersion.objects.filter(policy__key=policy_key).values_list(
                    "document", flat=True
                )
                for stage in document.get("stages", ())
                if stage.get("letter")
            }
            keys.add(WITHDRAWAL_CONFIRMATION)
            if letter_key not in keys:
                self.add_error(
                    "letter_key", f"{policy_key} letters are: {', '.join(sorted(keys))}."
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
    """Stage letters per policy. A template that does not compile or render with sample data
    is refused on the form."""

    form = LetterTemplateForm
    list_display = ["name", "policy_key", "letter_key", "send_to_employer", "active", "updated_at"]
    list_filter = ["policy_key", "active"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
