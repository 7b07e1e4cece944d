"""Idle timeout: a signed-in user who makes no request for SESSION_IDLE_TIMEOUT minutes is
logged out (their session is deleted) and told why on the login page.

A middleware rather than SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST: that writes the
session row on every request (every htmx fragment too) and lets the session lapse silently.
This stamps the last request at most once a minute, so a busy page costs one write a minute,
and a timed-out user sees a message instead of an unexplained login page.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django_htmx.http import HttpResponseClientRedirect

LAST_SEEN_KEY = "accounts_last_seen"
STAMP_EVERY_SECONDS = 60


def idle_clock_start(sender, request, user, **kwargs) -> None:
    """Start the idle clock at login (connected to user_logged_in in accounts.apps), so the
    first page after login does not write the session again."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT * 60:
                logout(request)
                messages.info(
                    request,
                    f"You were logged out after {settings.SESSION_IDLE_TIMEOUT} minutes "
                    "without activity. Log in again to carry on.",
                )
                if getattr(request, "htmx", False):
                    # An in-page update would swap the login page into a fragment: send the
                    # whole browser window to the login page, back to the page after login.
                    return HttpResponseClientRedirect(
                        redirect_to_login(request.htmx.current_url_abs_path or "/").url
                    )
            elif last_seen is None or now - last_seen >= STAMP_EVERY_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
