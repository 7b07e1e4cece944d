from django.http import HttpRequest

from notifications.selectors import unread_count


def bell(request: HttpRequest) -> dict[str, int]:
    """The unread count for the bell on every page (one COUNT query, signed-in users only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user=user)}
