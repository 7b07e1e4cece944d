from django.urls import path

from riskcases import views

urlpatterns = [
    path("", views.learner_list, name="learner_list"),
    path("enrol/", views.learner_enrol_view, name="learner_enrol"),
    path("<int:pk>/", views.learner_detail, name="learner_detail"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("<int:pk>/rating/", views.rating_change_view, name="rating_change"),
    path("<int:pk>/support/new/", views.support_create, name="support_create"),
    path("<int:pk>/actions/<int:action_pk>/done/", views.action_toggle, name="action_toggle"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
