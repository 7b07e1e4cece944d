"""The demo's clock: each step of a story runs through the real action with the clock stopped
on the moment it happened (time-machine), so every timestamp the action writes (ratings, history
rows, notifications) carries that date."""

import datetime as dt

import time_machine
from django.utils import timezone


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def on(when: dt.datetime) -> time_machine.travel:
    """``with on(when): action(...)``: the action runs as if it were ``when``."""
    return time_machine.travel(when, tick=False)
