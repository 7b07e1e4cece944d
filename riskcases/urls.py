from django.urls import path

from riskcases import views

# Mounted under /learners/ beside escalation's learner pages (see config/urls.py).
urlpatterns = [
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("<int:pk>/actions/<int:action_pk>/done/", views.action_toggle, name="action_toggle"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
