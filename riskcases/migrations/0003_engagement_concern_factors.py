"""Best Practice Network's Amber triggers that no activity record shows (section 7: lateness,
lack of engagement with functional skills, poor communication, unsigned documentation), as
during-programme risk factors a tutor ticks on a contact-log entry; BPN's concern_recorded
trigger looks for them (policies/seeds/bpn-2026.json)."""

from django.db import migrations

CONCERN_FACTORS = [
    ("lateness", "Lateness"),
    ("functional-skills-disengagement", "Lack of engagement with functional skills"),
    ("poor-communication", "Poor communication"),
    ("unsigned-documentation", "Unsigned documentation"),
]


def load(apps, schema_editor):
    RiskFactor = apps.get_model("riskcases", "RiskFactor")
    for code, name in CONCERN_FACTORS:
        RiskFactor.objects.update_or_create(code=code, defaults={"name": name, "kind": "during"})


def unload(apps, schema_editor):
    RiskFactor = apps.get_model("riskcases", "RiskFactor")
    RiskFactor.objects.filter(
        code__in=[code for code, _ in CONCERN_FACTORS], ratings=None, contacts=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("riskcases", "0002_catalogues")]
    operations = [migrations.RunPython(load, unload)]
