"""Install the audit triggers (audit/triggers.py) on the tables listed in audit/registry.py, and
the guard that refuses UPDATE and DELETE on the audit table, for PostgreSQL or SQLite."""

from django.db import migrations

from audit.triggers import triggers_install


def install(apps, schema_editor):
    if schema_editor.connection.vendor in {"postgresql", "sqlite"}:
        triggers_install(apps, schema_editor.connection)


def remove(apps, schema_editor):
    from audit.registry import audited_models
    from audit.triggers import GUARD_NAMES, OPERATIONS, trigger_name

    connection = schema_editor.connection
    tables = [model._meta.db_table for model, _entry in audited_models(apps)]
    for table in tables:
        for operation in OPERATIONS:
            name = trigger_name(table, operation)
            on = f" ON {table}" if connection.vendor == "postgresql" else ""
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"{on}')
    for name in GUARD_NAMES:
        on = " ON audit_auditevent" if connection.vendor == "postgresql" else ""
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"{on}')


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_audit_events"),
        ("learners", "0004_import_batches"),
        ("riskcases", "0002_catalogues"),
        ("escalation", "0006_stage_letters"),
        ("reports", "0003_leaver_reports"),
    ]
    operations = [migrations.RunPython(install, remove)]
