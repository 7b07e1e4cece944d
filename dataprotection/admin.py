from django.contrib import admin

from dataprotection.models import RetentionErasure, SubjectAccessExport


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit rows: readable in the admin, never added, changed or removed there."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SubjectAccessExport)
class SubjectAccessExportAdmin(ReadOnlyAdmin):
    list_display = (
        "generated_at",
        "learner_id",
        "generated_by",
        "included_confidential",
        "record_count",
        "file_count",
        "sha256",
    )
    list_filter = ("included_confidential",)
    list_select_related = ("generated_by",)
    search_fields = ("learner__uln", "generated_by__username", "sha256")
    date_hierarchy = "generated_at"


@admin.register(RetentionErasure)
class RetentionErasureAdmin(ReadOnlyAdmin):
    list_display = ("erased_at", "learner_id", "erased_by", "last_activity_on", "retention_years")
    date_hierarchy = "erased_at"
