"""The app's URLs plus one view that fails, so a 500 goes through every middleware."""

from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def boom(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [*app_urlpatterns, path("boom/", boom)]
