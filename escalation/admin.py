from django.contrib import admin

from escalation.models import EscalationCase, ExitTheme, StageLetter, WithdrawalReason

# Cases move only through the case page's services (so every move writes history); the admin
# lists them read-only.


@admin.register(EscalationCase)
class EscalationCaseAdmin(admin.ModelAdmin):
    list_display = ["learner", "preset_key", "stage", "status", "stage_due_on"]
    list_filter = ["status", "preset_key", "stage"]
    search_fields = ["learner__first_name", "learner__last_name", "learner__uln"]
    list_select_related = ["learner"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WithdrawalReason)
class WithdrawalReasonAdmin(admin.ModelAdmin):
    """Admins keep the ILR codes: each August's specification adds a year; old years stay so
    old withdrawals keep their reasons."""

    list_display = ["ilr_year", "code", "description", "active"]
    list_filter = ["ilr_year", "active"]
    ordering = ["-ilr_year", "code"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # withdrawals refer to them: retire a code by unticking "active"


@admin.register(ExitTheme)
class ExitThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "active"]

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
