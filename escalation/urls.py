from django.urls import path

from escalation import letter_views, views

# Cases (mounted under /cases/).
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/letter/", letter_views.case_letter, name="case_letter"),
    path("<int:pk>/letter/not-sent/", letter_views.case_letter_skip, name="case_letter_skip"),
    path("<int:pk>/<slug:move>/", views.case_move, name="case_move"),
]
