from django.contrib import admin

from reports.models import RegisterExport


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
