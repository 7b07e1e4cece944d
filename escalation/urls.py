from django.urls import path

from escalation import break_views, record_views, views

# The learner pages that can open or step down a case (mounted under /learners/).
learner_urlpatterns = [
    path("", views.learner_list, name="learner_list"),
    path("enrol/", views.learner_enrol_view, name="learner_enrol"),
    path("breaks/", break_views.break_list, name="break_list"),
    path("<int:pk>/", views.learner_detail, name="learner_detail"),
    path("<int:pk>/rating/", views.rating_change_view, name="rating_change"),
    path("<int:pk>/support/new/", views.support_create, name="support_create"),
    path("<int:pk>/records/<slug:kind>/new/", record_views.record_create, name="record_create"),
    path("<int:pk>/break/start/", break_views.break_start_view, name="break_start"),
    path("<int:pk>/break/return/", break_views.break_return_view, name="break_return"),
    path(
        "<int:pk>/break/return-date/",
        break_views.break_return_date_view,
        name="break_return_date",
    ),
    path(
        "risk-notifications/<int:pk>/decide/",
        record_views.risk_notification_decide_view,
        name="risk_notification_decide",
    ),
]
