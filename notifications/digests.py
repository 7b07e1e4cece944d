"""The daily digest for people who chose one: their notifications since the last digest, in
one e-mail. Each user is handled under a row lock on their preference, and the e-mail's
dedupe key carries the date, so two runs on one day send one digest."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.email import email_enqueue
from notifications.models import EmailDelivery, EmailMode, NotificationPreference
from notifications.services import IN_APP_ONLY_KINDS, absolute_url

# A digest user with no digest yet (made a digest user outside the preferences page) gets the
# last day's notifications.
FIRST_DIGEST_WINDOW = dt.timedelta(days=1)


def digest_user_ids() -> list[int]:
    return list(
        NotificationPreference.objects.filter(email_mode=EmailMode.DIGEST, user__is_active=True)
        .exclude(user__email="")
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def digest_dedupe_key(*, user_id: int, day: dt.date) -> str:
    return f"digest:{user_id}:{day.isoformat()}"


def digest_send(*, user_id: int, now: dt.datetime | None = None) -> bool:
    """E-mail one user their digest if they have anything new; True when one was queued."""
    now = now or timezone.now()
    key = digest_dedupe_key(user_id=user_id, day=timezone.localdate(now))
    with transaction.atomic():
        preference = (
            NotificationPreference.objects.select_for_update()
            .select_related("user")
            .filter(user_id=user_id, email_mode=EmailMode.DIGEST)
            .first()
        )
        if preference is None or not preference.user.email or not preference.user.is_active:
            return False
        if EmailDelivery.objects.filter(dedupe_key=key).exists():
            return False  # today's digest went already; later news waits for tomorrow's
        since = preference.last_digest_at or now - FIRST_DIGEST_WINDOW
        notes = list(
            preference.user.notifications.filter(created_at__gt=since, created_at__lte=now)
            .exclude(kind__in=IN_APP_ONLY_KINDS)
            .order_by("created_at", "pk")
        )
        if not notes:
            return False
        email_enqueue(
            to=preference.user.email,
            subject=_subject(len(notes)),
            body=_body(notes),
            dedupe_key=key,
            recipient=preference.user,
        )
        preference.last_digest_at = now
        preference.save(update_fields=["last_digest_at"])
    return True


def _subject(count: int) -> str:
    noun = "notification" if count == 1 else "notifications"
    return f"Your daily digest: {count} new {noun}"


def _body(notes: list) -> str:
    lines = [f"{_subject(len(notes))} in the at-risk learner manager.", ""]
    for note in notes:
        lines.append(f"- {timezone.localtime(note.created_at):%a %d %b %H:%M}  {note.title}")
        if note.url:
            lines.append(f"  {absolute_url(note.url)}")
    lines += [
        "",
        "You get one digest a day. To change that: "
        f"{absolute_url(reverse('notification_preferences'))}",
    ]
    return "\n".join(lines) + "\n"
