import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html

from learners.policy_reading import organisation_policy

register = template.Library()

LEVEL_BADGE = {"low": "text-bg-success", "medium": "text-bg-warning", "high": "text-bg-danger"}


def _labels(context, team_id: int | None):
    """The rating words of the team's policy: ``team_id``'s, else the page's learner's team's,
    else the organisation's default policy's. The context processor's map of every team's
    words is read at most once per request, however many rows a page prints."""
    if team_id is None and (learner := context.get("learner")) is not None:
        team_id = getattr(learner, "team_id", None)
    by_team = context.get("rating_labels_by_team")
    if team_id is not None and by_team is not None and team_id in by_team:
        return by_team[team_id]
    return organisation_policy().rating_labels


@register.simple_tag(takes_context=True)
def rating_label(context, level: str | None, team_id: int | None = None) -> str:
    """The word the team's policy uses for a level (Low or Green, say)."""
    return _labels(context, team_id).get(level, level) if level else "Not rated"


@register.simple_tag(takes_context=True)
def rating_badge(context, level: str | None, team_id: int | None = None) -> str:
    # format_html, not an inclusion template: list pages print one per row.
    css = LEVEL_BADGE.get(level or "", "text-bg-secondary")
    return format_html(
        '<span class="badge {} rating-badge">{}</span>',
        css,
        rating_label(context, level, team_id),
    )


@register.filter
def days_since(moment: dt.datetime | None) -> int | None:
    if moment is None:
        return None
    return (timezone.localdate() - timezone.localtime(moment).date()).days
