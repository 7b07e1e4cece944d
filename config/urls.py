from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from learners import views as learner_views

urlpatterns = [
    path("", learner_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("learners/", include("riskcases.urls")),
    path("admin/", admin.site.urls),
]
