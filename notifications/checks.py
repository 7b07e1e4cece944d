"""A system check: the broker must not hand a dead worker's e-mail task to another worker
before the e-mail's claim goes stale, or the redelivered task finds the row still claimed,
skips it, and the e-mail stays "sending" for good (README: Crash safety)."""

from django.conf import settings
from django.core.checks import Warning, register

from notifications.email import STALE_CLAIM


@register()
def visibility_timeout_outlasts_email_claims(app_configs, **kwargs) -> list[Warning]:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    timeout = options.get("visibility_timeout")
    if timeout is None or timeout > STALE_CLAIM.total_seconds():
        return []
    return [
        Warning(
            f"CELERY_VISIBILITY_TIMEOUT is {timeout} s: at most the {STALE_CLAIM} an e-mail's "
            "claim lasts, so an e-mail whose worker died would stay 'sending'.",
            hint=f"Set it above {int(STALE_CLAIM.total_seconds())} seconds (default 3600).",
            id="notifications.W001",
        )
    ]
