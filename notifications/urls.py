from django.urls import path

from notifications import views

urlpatterns = [
    path("preferences/", views.notification_preferences, name="notification_preferences"),
]
