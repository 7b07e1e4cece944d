from django import template

from learners.policies import PRESETS

register = template.Library()


@register.simple_tag
def stage_name(preset_key: str | None, stage_key: str | None) -> str:
    if not preset_key or not stage_key:
        return ""
    return PRESETS[preset_key].stage(stage_key).name
