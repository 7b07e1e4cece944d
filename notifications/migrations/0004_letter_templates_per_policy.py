"""Letter templates belong to a policy (its key; the preset keys were the same words)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_merge_0002_email_delivery_0002_letter_templates")]

    operations = [
        migrations.RemoveConstraint(
            model_name="lettertemplate", name="one_letter_template_per_preset_letter"
        ),
        migrations.RenameField(
            model_name="lettertemplate", old_name="preset_key", new_name="policy_key"
        ),
        migrations.AlterModelOptions(
            name="lettertemplate", options={"ordering": ["policy_key", "letter_key"]}
        ),
        migrations.AlterField(
            model_name="lettertemplate",
            name="letter_key",
            field=models.CharField(
                help_text="A stage's letter in the policy's versions (stage_1, formal_warning...) "
                "or withdrawal_confirmation.",
                max_length=40,
            ),
        ),
        migrations.AddConstraint(
            model_name="lettertemplate",
            constraint=models.UniqueConstraint(
                fields=("policy_key", "letter_key"), name="one_letter_template_per_policy_letter"
            ),
        ),
    ]
