"""Sessions that know their user, so all of one user's sessions can be ended in one query."""

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class UserSession(AbstractBaseSession):
    """Django's database session plus the signed-in user (empty before login).

    Django's own session table holds only encoded data: finding one user's sessions would mean
    decoding every row. Disabling a user must end their sessions at once, so the user is a
    column here (Django's documented way to extend the database session engine).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sessions",
    )

    class Meta:
        verbose_name = "session"

    @classmethod
    def get_session_store_class(cls):
        from accounts.session_store import SessionStore

        return SessionStore
