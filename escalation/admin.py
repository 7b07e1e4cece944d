from django.contrib import admin

from escalation.models import EscalationCase, StageLetter

# Cases move only through the case page's services (so every move writes history); the admin
# lists them read-only.


@admin.register(EscalationCase)
class EscalationCaseAdmin(admin.ModelAdmin):
    list_display = ["learner", "policy_version", "stage", "status", "stage_due_on"]
    list_filter = ["status", "policy_version", "stage"]
    search_fields = ["learner__first_name", "learner__last_name", "learner__uln"]
    list_select_related = ["learner"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StageLetter)
class StageLetterAdmin(admin.ModelAdmin):
    """Read-only: which letter each stage had (sent, or not sent with the reason)."""

    list_display = ["case", "stage_key", "template", "at", "by"]
    list_select_related = ["case__learner", "template", "by"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
