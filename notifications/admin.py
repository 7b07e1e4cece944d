from django.contrib import admin
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest

from notifications.models import (
    EmailAttachment,
    EmailDelivery,
    EmailStatus,
    Notification,
    NotificationPreference,
)


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
