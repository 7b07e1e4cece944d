"""The withdrawal process's reference data (the ILR withdrawal reasons, the exit-review
themes), as escalation migration 0005 loaded it before the models moved here. Tests reload it
after a transactional test empties the tables (tests/conftest.py REFERENCE_DATA_LOADERS)."""

from importlib import import_module

_migration = import_module("escalation.migrations.0005_withdrawal_lookups")
ILR_YEAR: str = _migration.ILR_YEAR
REASONS: list[tuple[int, str, str]] = _migration.REASONS
THEMES: list[tuple[str, str]] = _migration.THEMES


def load(apps, schema_editor) -> None:
    """Idempotent: what is already there stays."""
    reason = apps.get_model("withdrawals", "WithdrawalReason")
    for code, description, guidance in REASONS:
        reason.objects.get_or_create(
            ilr_year=ILR_YEAR,
            code=code,
            defaults={"description": description, "guidance": guidance},
        )
    theme = apps.get_model("withdrawals", "ExitTheme")
    for code, name in THEMES:
        theme.objects.get_or_create(code=code, defaults={"name": name})
