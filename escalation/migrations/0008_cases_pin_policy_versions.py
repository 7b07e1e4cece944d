"""Cases pin the policy version they run under. An existing case ran under its preset, which is
now a policy of the same key: it pins that policy's newest published version (the one the
preset's code was written from); its history rows name the same version."""

import django.db.models.deletion
from django.db import migrations, models

from audit.triggers import sqlite_triggers_drop
from escalation.migrations import _append_only


def audit_triggers_step_aside(apps, schema_editor):
    # SQLite's audit triggers name the case's columns (preset_key among them); post_migrate
    # regenerates them from the models as they are after this migration.
    sqlite_triggers_drop(schema_editor.connection)


def pin_versions(apps, schema_editor):
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    EscalationCase = apps.get_model("escalation", "EscalationCase")
    StageChange = apps.get_model("escalation", "StageChange")
    for preset_key in EscalationCase.objects.values_list("preset_key", flat=True).distinct():
        version = (
            PolicyVersion.objects.filter(policy__key=preset_key, status="published")
            .order_by("-effective_from", "-number")
            .first()
        )
        if version is None:
            raise RuntimeError(f"No published version of policy {preset_key!r} for its cases.")
        EscalationCase.objects.filter(preset_key=preset_key).update(policy_version=version)
    for case_id, version_id in EscalationCase.objects.values_list("pk", "policy_version_id"):
        StageChange.objects.filter(case_id=case_id).update(policy_version_id=version_id)


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0007_withdrawals_moved_out"),
        ("policies", "0002_shipped_policies"),
    ]

    operations = [
        # The history rows get a column: the append-only triggers step aside for it.
        migrations.RunPython(_append_only.remove, _append_only.install),
        migrations.RunPython(audit_triggers_step_aside, migrations.RunPython.noop),
        migrations.AddField(
            model_name="escalationcase",
            name="policy_version",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="policies.policyversion",
            ),
        ),
        migrations.AddField(
            model_name="stagechange",
            name="move_key",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name="stagechange",
            name="policy_version",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="policies.policyversion",
            ),
        ),
        migrations.AlterField(
            model_name="stagechange",
            name="kind",
            field=models.CharField(
                choices=[
                    ("opened", "Opened"),
                    ("advanced", "Advanced"),
                    ("stepped_down", "Stepped down"),
                    ("re_escalated", "Re-escalated"),
                    ("closed", "Closed back on track"),
                    ("withdrawal_rejected", "Withdrawal rejected by a director"),
                    ("withdrawn", "Learner withdrawn"),
                    ("reinstated", "Reinstated on appeal"),
                    ("version_changed", "Moved to a new policy version"),
                    ("moved", "Moved"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(pin_versions, migrations.RunPython.noop),
        migrations.RemoveField(model_name="escalationcase", name="preset_key"),
        migrations.AlterField(
            model_name="escalationcase",
            name="policy_version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="policies.policyversion",
            ),
        ),
        migrations.RunPython(_append_only.install, _append_only.remove),
    ]
