from django.urls import path

from learners import views

urlpatterns = [
    path("", views.learner_list, name="learner_list"),
    path("<int:pk>/", views.learner_detail, name="learner_detail"),
]
