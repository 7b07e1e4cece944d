from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and sessions"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts.middleware import idle_clock_start

        # Session bookkeeping, like Django's own last_login update on the same signal.
        user_logged_in.connect(idle_clock_start, dispatch_uid="accounts_idle_clock_start")
