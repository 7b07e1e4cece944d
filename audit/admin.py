"""Read-only: the database refuses changes to audit rows anyway. The rows' before and after
are left out here; they may hold safeguarding disclosures, which administrators do not read
(the audit page redacts them for everyone outside the safeguarding team)."""

from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "operation", "table_name", "row_id", "learner_id")
    list_filter = ("operation", "table_name")
    search_fields = ("actor_label", "table_name")
    fields = ("at", "actor_label", "actor_id", "operation", "table_name", "row_id", "learner_id")
    readonly_fields = fields
    date_hierarchy = "at"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
