"""Policies and their versions in the Django admin. A draft's document is edited here as JSON
(issue 20 brings a proper editor); a published or retired version is read-only, and a new
draft starts from any version with the "Create a draft" action. Publishing and retiring happen
on the version's page, where a director sees the draft's problems first."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from policies.models import Policy, PolicyVersion, VersionStatus
from policies.services import version_draft_create

# Set by the services (publishing, retiring) or when the row is created, never typed in.
ALWAYS_READ_ONLY = [
    "status",
    "based_on",
    "created_at",
    "created_by",
    "published_at",
    "published_by",
    "publish_reason",
    "retired_at",
    "retired_by",
    "retire_reason",
]


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["short_name", "key", "name", "default_for_new_teams"]
    search_fields = ["short_name", "key", "name"]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "number", "status", "effective_from", "published_by"]
    list_filter = ["policy", "status"]
    list_select_related = ["policy", "published_by"]
    search_fields = ["label", "policy__short_name"]
    actions = ["create_draft"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != VersionStatus.DRAFT:
            return [f.name for f in PolicyVersion._meta.fields if f.name != "id"]
        if obj is not None:  # a draft: its policy and number stay as created
            return [*ALWAYS_READ_ONLY, "policy", "number"]
        return ALWAYS_READ_ONLY

    def has_delete_permission(self, request, obj=None) -> bool:
        # Cases pin published versions; only a draft may go.
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.status == VersionStatus.DRAFT
        )

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Create a draft from this version")
    def create_draft(self, request, queryset) -> None:
        for version in queryset.select_related("policy"):
            try:
                draft = version_draft_create(
                    policy=version.policy, based_on=version, by=request.user
                )
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(request, f"{draft} created from {version}.", messages.SUCCESS)
