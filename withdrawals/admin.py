from django.contrib import admin

from withdrawals.models import ExitTheme, WithdrawalReason

# Withdrawal requests, their events, agreements, reviews and appeals change only through the
# withdrawal pages' services; the admin keeps the lookups they refer to.


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
