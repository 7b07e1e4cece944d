import datetime as dt

from django import template
from django.utils import timezone

from learners.policies import active_preset

register = template.Library()

LEVEL_BADGE = {"low": "text-bg-success", "medium": "text-bg-warning", "high": "text-bg-danger"}


@register.filter
def rating_label(level: str | None) -> str:
    """The word the deployment's policy uses for a level (Low or Green, say)."""
    return active_preset().label(level) if level else "Not rated"


@register.inclusion_tag("riskcases/_rating_badge.html")
def rating_badge(level: str | None) -> dict:
    return {
        "level": level,
        "label": rating_label(level),
        "css": LEVEL_BADGE.get(level or "", "text-bg-secondary"),
    }


@register.filter
def days_since(moment: dt.datetime | None) -> int | None:
    if moment is None:
        return None
    return (timezone.localdate() - timezone.localtime(moment).date()).days
