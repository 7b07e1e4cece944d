from django.urls import path

from reports import leaver_views as views

# Mounted under /leaver-panel/.
urlpatterns = [
    path("", views.leaver_cycles, name="leaver_cycles"),
    path("archive/", views.leaver_archive, name="leaver_archive"),
    path("generate/", views.leaver_generate, name="leaver_generate"),
    path("reports/<int:pk>/", views.leaver_report_detail, name="leaver_report_detail"),
    path("reports/<int:pk>/status/", views.leaver_report_status, name="leaver_report_status"),
    path("reports/<int:pk>/download/", views.leaver_report_download, name="leaver_report_download"),
]
