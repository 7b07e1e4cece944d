"""Fixtures for e-mail: eager Celery and a real SMTP server on localhost (aiosmtpd)."""

import socket

import pytest
from aiosmtpd.controller import Controller

from config.celery import app as celery_app


@pytest.fixture
def eager_celery():
    # The task runs in-process instead of on a worker; what it does is the real task. A retry
    # in eager mode runs again at once, so the backoff countdown never sleeps here.
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


class FlakyHandler:
    """Answers the message with ``reply`` for the first ``refuse`` attempts, then accepts."""

    def __init__(self) -> None:
        self.refuse = 0
        self.reply = "451 4.3.0 Mailbox busy, try again later"
        self.attempts = 0
        self.received: list = []

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.attempts <= self.refuse:
            return self.reply
        self.received.append(envelope)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free localhost port; the settings send through it."""
    handler = FlakyHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield handler
    controller.stop()
