"""seed_demo, last step: e-mail preferences that show each choice (the managers take the
morning digest, quality / IQA reads in the app only, everyone else is e-mailed at once).
Keyed on usernames; a rerun changes nothing."""

from django.contrib.auth import get_user_model

from notifications.models import EmailMode
from notifications.services import preference_set

PREFERENCES = {"manager": EmailMode.DIGEST, "manager2": EmailMode.DIGEST, "quality": EmailMode.NONE}


def seed(*, stdout) -> None:
    users = get_user_model().objects.filter(username__in=PREFERENCES)
    for user in users:
        if not hasattr(user, "notification_preference"):
            preference_set(user=user, email_mode=PREFERENCES[user.username])
    stdout.write("notifications: e-mail preferences set for the demo's managers and IQA")
