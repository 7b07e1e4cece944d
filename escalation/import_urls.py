from django.urls import path

from escalation import import_views

# CSV imports (mounted under /imports/).
urlpatterns = [
    path("", import_views.import_list, name="import_list"),
    path("<int:pk>/", import_views.import_detail, name="import_detail"),
    path("<int:pk>/apply/", import_views.import_apply, name="import_apply"),
]
