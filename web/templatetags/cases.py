from django import template

from policies.selectors import version_spec

register = template.Library()


@register.simple_tag
def stage_name(version_id: int | None, stage_key: str | None) -> str:
    """A stage's name in the version it belongs to (the key itself if the version lacks it)."""
    if not version_id or not stage_key:
        return ""
    try:
        return version_spec(version_id).stage(stage_key).name
    except KeyError:
        return stage_key
