"""Retention erasure may redact a learner's audit rows: the ``redacted_at`` stamp, the
"redact" operation for the event recording it, and the guard re-installed so that an UPDATE
flagged as a redaction may change the content columns and nothing else (DELETE stays refused).
``post_migrate`` only adds missing triggers on PostgreSQL, so the changed guard is installed
here."""

from django.db import migrations, models


def install(apps, schema_editor):
    from audit.triggers import guard_install

    guard_install(apps, schema_editor.connection, redactable=True)


def remove(apps, schema_editor):
    from audit.triggers import guard_install

    guard_install(apps, schema_editor.connection, redactable=False)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_install_audit_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="redacted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="operation",
            field=models.CharField(
                choices=[
                    ("insert", "Created"),
                    ("update", "Changed"),
                    ("delete", "Deleted"),
                    ("view", "Viewed"),
                    ("download", "Downloaded"),
                    ("redact", "Redacted"),
                ],
                max_length=10,
            ),
        ),
        migrations.RunPython(install, remove),
    ]
