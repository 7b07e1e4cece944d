"""Policy presets: each provider policy in shared/policies/ as data.

The deployment picks one with the POLICY_PRESET setting. Code reads the preset; it never repeats
its numbers or words. Presets live on the ground floor (learners/) because every layer reads
them: ratings (labels), escalation (stages and deadlines), triggers (thresholds).
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from learners.policies.base import PolicyPreset
from learners.policies.presets import PRESETS


def active_preset() -> PolicyPreset:
    try:
        return PRESETS[settings.POLICY_PRESET]
    except KeyError as exc:
        known = ", ".join(sorted(PRESETS))
        raise ImproperlyConfigured(
            f"POLICY_PRESET={settings.POLICY_PRESET!r} is not a preset; choose one of {known}."
        ) from exc


__all__ = ["PRESETS", "PolicyPreset", "active_preset"]
