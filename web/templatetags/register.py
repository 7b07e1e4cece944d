import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def days_since_day(moment: dt.datetime | None, today: dt.date) -> int | None:
    """Calendar days from the (local) day of ``moment`` to ``today``: 0 on the day itself."""
    if moment is None:
        return None
    return (today - timezone.localdate(moment)).days


@register.filter
def days_before(day: dt.date | None, today: dt.date) -> int | None:
    return None if day is None else (today - day).days


@register.filter
def getfield(form, name: str):
    return form[name]


@register.filter
def split(value: str) -> list[str]:
    return value.split()
