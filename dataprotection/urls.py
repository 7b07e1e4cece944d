from django.urls import path

from dataprotection import views

# Mounted under /learners/.
urlpatterns = [
    path("<int:pk>/subject-access/", views.subject_access, name="subject_access"),
]
