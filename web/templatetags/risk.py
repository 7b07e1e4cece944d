import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html

from learners.policies import active_preset

register = template.Library()

LEVEL_BADGE = {"low": "text-bg-success", "medium": "text-bg-warning", "high": "text-bg-danger"}


@register.filter
def rating_label(level: str | None) -> str:
    """The word the deployment's policy uses for a level (Low or Green, say)."""
    return active_preset().label(level) if level else "Not rated"


@register.simple_tag
def rating_badge(level: str | None) -> str:
    # format_html, not an inclusion template: list pages print one per row.
    css = LEVEL_BADGE.get(level or "", "text-bg-secondary")
    return format_html('<span class="badge {} rating-badge">{}</span>', css, rating_label(level))


@register.filter
def days_since(moment: dt.datetime | None) -> int | None:
    if moment is None:
        return None
    return (timezone.localdate() - timezone.localtime(moment).date()).days
