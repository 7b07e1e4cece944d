"""Teams follow a policy: existing teams follow the installation's default (the policy its
POLICY_PRESET named before policies became data)."""

import django.db.models.deletion
from django.db import migrations, models


def teams_follow_default(apps, schema_editor):
    Policy = apps.get_model("policies", "Policy")
    Team = apps.get_model("learners", "Team")
    default = Policy.objects.filter(default_for_new_teams=True).first()
    Team.objects.filter(policy__isnull=True).update(policy=default)


class Migration(migrations.Migration):
    dependencies = [
        ("learners", "0004_import_batches"),
        ("policies", "0002_shipped_policies"),
    ]

    operations = [
        migrations.AddField(
            model_name="team",
            name="policy",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="teams",
                to="policies.policy",
            ),
        ),
        migrations.RunPython(teams_follow_default, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="team",
            name="policy",
            field=models.ForeignKey(
                blank=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="teams",
                to="policies.policy",
            ),
        ),
    ]
