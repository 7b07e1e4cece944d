from django.urls import path

from escalation import letter_views
from escalation import withdrawal_views as views

# Mounted under /withdrawals/.
urlpatterns = [
    path("", views.withdrawal_queue, name="withdrawal_queue"),
    path("<int:pk>/", views.withdrawal_detail, name="withdrawal_detail"),
    path("<int:pk>/decide/", views.withdrawal_decide, name="withdrawal_decide"),
    path(
        "<int:pk>/employer-agreement/",
        views.employer_agreement_create,
        name="employer_agreement_create",
    ),
    path(
        "<int:pk>/employer-agreement/file/",
        views.employer_agreement_download,
        name="employer_agreement_download",
    ),
    path("<int:pk>/exit-review/", views.exit_review_create, name="exit_review_create"),
    path("<int:pk>/confirmation/", views.confirmation_create, name="confirmation_create"),
    path(
        "<int:pk>/confirmation/letter/",
        letter_views.withdrawal_confirmation_letter,
        name="withdrawal_confirmation_letter",
    ),
    path("<int:pk>/appeals/new/", views.appeal_create, name="appeal_create"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("appeals/<int:pk>/accept-late/", views.appeal_accept_late, name="appeal_accept_late"),
    path("raise/<int:pk>/", views.withdrawal_raise, name="withdrawal_raise"),
]
