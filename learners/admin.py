from django import forms
from django.contrib import admin

from learners.models import Course, Employer, ImportBatch, Learner, LearnerStatus, Team
from learners.validators import CleanModelForm

# Statuses that only their own process sets or clears: a withdrawal goes through a director,
# the ILR reason, the written confirmation, the appeal window and the leaver panel; a break in
# learning through its page (an expected return date, the contact reminders).
PROCESS_STATUSES = {
    LearnerStatus.WITHDRAWN: "a withdrawal is raised on the learner page and decided by a director",
    LearnerStatus.BREAK_IN_LEARNING: "a break in learning is started and ended on the learner page",
}


class LearnerAdminForm(CleanModelForm):
    class Meta:
        model = Learner
        fields = "__all__"  # the admin chooses the fields it shows

    def clean_status(self) -> str:
        new, old = self.cleaned_data["status"], self.instance.status
        if new != old:
            for status, how in PROCESS_STATUSES.items():
                if status in (new, old):
                    raise forms.ValidationError(
                        f"The status cannot be changed to or from "
                        f"“{LearnerStatus(status).label}” here: {how}."
                    )
        return new


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    # The policy the team's learners follow: changing it applies to cases opened from then on
    # (open cases keep their version until a manager moves them).
    list_display = ["name", "nation", "policy"]
    list_filter = ["nation", "policy"]
    search_fields = ["name"]
    filter_horizontal = ["managers", "tutors", "support_coordinators"]


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_email", "mentor_name", "mentor_email"]
    search_fields = ["name", "mentor_name", "contact_email", "mentor_email"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "programme_type"]
    list_filter = ["programme_type"]
    search_fields = ["title", "code"]


@admin.register(Learner)
class LearnerAdmin(admin.ModelAdmin):
    form = LearnerAdminForm
    list_display = [
        "__str__",
        "uln",
        "programme_type",
        "nation",
        "status",
        "tutor",
        "team",
        "archived",
    ]
    list_filter = ["status", "programme_type", "nation", "team", "archived"]
    search_fields = ["first_name", "last_name", "uln", "email", "employer__name"]
    list_select_related = ["tutor", "team"]
    autocomplete_fields = ["employer", "course"]
    raw_id_fields = ["tutor"]
    date_hierarchy = "start_date"

    def has_add_permission(self, request) -> bool:
        # Learners are enrolled on the Enrol page, which also sets their starting risk rating.
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Read-only: batches are made and applied only through the import pages and command, so
    each one records exactly what was uploaded and what it did."""

    list_display = [
        "original_name",
        "kind",
        "status",
        "row_count",
        "new_count",
        "changed_count",
        "error_row_count",
        "uploaded_by",
        "uploaded_at",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["original_name", "sha256", "uploaded_by__username"]
    list_select_related = ["uploaded_by"]
    date_hierarchy = "uploaded_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
