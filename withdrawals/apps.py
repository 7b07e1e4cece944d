from django.apps import AppConfig


class WithdrawalsConfig(AppConfig):
    """The withdrawal process after a case's last stage, and appeals (above escalation)."""

    name = "withdrawals"
    verbose_name = "Withdrawals and appeals"

    def ready(self) -> None:
        from escalation.withdrawal_records import withdrawal_records_register
        from withdrawals import records

        # Case moves in escalation raise and cancel requests through this (see there).
        withdrawal_records_register(records)
