from django.contrib import admin

from learners.models import Course, Employer, Learner, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "nation"]
    list_filter = ["nation"]
    search_fields = ["name"]
    filter_horizontal = ["managers"]


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
