"""Signing in (/accounts/...): the login page is Django's LoginView with our form (web/urls.py);
this is the page axes shows to a locked-out login (AXES_LOCKOUT_CALLABLE)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The same page whether or not the username exists, and whatever password was typed."""
    return render(
        request,
        "web/accounts/locked_out.html",
        {"cool_off_minutes": settings.AXES_COOLOFF_MINUTES, "title": "Log-in paused"},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
