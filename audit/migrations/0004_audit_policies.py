"""Policies and their versions are audited (audit/registry.py): install their triggers. They
may have been created before or after 0002 installed the others; this runs after both."""

from django.db import migrations

from audit.triggers import triggers_install


def install(apps, schema_editor):
    triggers_install(apps, schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_audit_redaction"),
        ("policies", "0003_version_retired_by_and_reason"),
    ]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
