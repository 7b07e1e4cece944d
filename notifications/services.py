from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

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


def notification_mark_read(*, user: AbstractBaseUser, pk: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them (``pk`` None). Only the
    user's own rows are touched; a notification already read keeps its first read time."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())
