from django.urls import path

from reports import views, work_views

# Mounted under /register/.
urlpatterns = [
    path("", views.register, name="register"),
    path("export/<slug:fmt>/", views.register_export, name="register_export"),
    path("overdue/", work_views.overdue, name="register_overdue"),
    path("workload/", work_views.team_workload, name="team_workload"),
]
