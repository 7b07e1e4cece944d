from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser

from notifications.models import Notification


def notification_send(
    *,
    recipients: Iterable[AbstractBaseUser],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str,
) -> int:
    """Tell each recipient once per ``dedupe_key``; returns how many were newly told."""
    rows = [
        Notification(
            recipient=user, kind=kind, title=title[:200], body=body, url=url, dedupe_key=dedupe_key
        )
        for user in {u.pk: u for u in recipients}.values()
    ]
    before = Notification.objects.filter(dedupe_key=dedupe_key).count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return Notification.objects.filter(dedupe_key=dedupe_key).count() - before
