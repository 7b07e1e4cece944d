"""Every change a request makes is recorded as the signed-in user's."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.actor import actor_set


class AuditActorMiddleware:
    """After AuthenticationMiddleware. Anonymous requests (the login page) stay "system"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        with actor_set(user=user):
            return self.get_response(request)
