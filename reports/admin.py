from django.contrib import admin

from reports.models import EvidencePackExport, RegisterExport


@admin.register(RegisterExport)
class RegisterExportAdmin(admin.ModelAdmin):
    """The export audit: readable, never changed or removed from the admin."""

    list_display = ("exported_at", "exported_by", "export_format", "row_count", "filters_described")
    list_filter = ("export_format",)
    search_fields = ("exported_by__username", "filters_described")
    date_hierarchy = "exported_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EvidencePackExport)
class EvidencePackExportAdmin(admin.ModelAdmin):
    """The evidence pack audit: readable, never changed or removed from the admin."""

    list_display = (
        "generated_at",
        "learner",
        "generated_by",
        "included_confidential",
        "page_count",
        "sha256",
    )
    list_filter = ("included_confidential",)
    list_select_related = ("learner", "generated_by")
    search_fields = ("learner__uln", "learner__last_name", "generated_by__username", "sha256")
    date_hierarchy = "generated_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
