from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from notifications import checks  # noqa: F401  (registers the system check)
        from notifications.policy_announcements import (
            policy_letter_keys,
            version_published_announce,
        )
        from policies.hooks import letter_keys_source_set, version_published

        letter_keys_source_set(policy_letter_keys)
        version_published.connect(
            version_published_announce, weak=False, dispatch_uid="version_published_announce"
        )
