"""The session engine (SESSION_ENGINE = "accounts.session_store"): database sessions with a
user column, written from the session's own auth data whenever the session is saved."""

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        instance.user_id = (
            get_user_model()._meta.pk.to_python(user_id) if user_id is not None else None
        )
        return instance
