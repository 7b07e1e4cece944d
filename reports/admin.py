from django.contrib import admin

from reports.models import EvidencePackExport, LeaverPanelSettings, LeaverReport, RegisterExport


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit and archive rows: readable in the admin, never added, changed or removed there."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RegisterExport)
class RegisterExportAdmin(ReadOnlyAdmin):
    """The export audit: readable, never changed or removed from the admin."""

    list_display = ("exported_at", "exported_by", "export_format", "row_count", "filters_described")
    list_filter = ("export_format",)
    search_fields = ("exported_by__username", "filters_described")
    date_hierarchy = "exported_at"


@admin.register(EvidencePackExport)
class EvidencePackExportAdmin(ReadOnlyAdmin):
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


@admin.register(LeaverPanelSettings)
class LeaverPanelSettingsAdmin(admin.ModelAdmin):
    """One row: the anchor the 8-week cycles count from (reports/cycles.py)."""

    list_display = ("anchor_date", "updated_at")

    def has_add_permission(self, request) -> bool:
        return not LeaverPanelSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LeaverReport)
class LeaverReportAdmin(ReadOnlyAdmin):
    """The leaver report archive: readable, never changed from the admin."""

    list_display = (
        "cycle_start",
        "cycle_end",
        "status",
        "automatic",
        "generated_by",
        "created_at",
        "leaver_count",
    )
    list_filter = ("status", "automatic")
    exclude = ("figures",)
