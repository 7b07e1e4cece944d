"""The four shipped policies and their versions (policies/seeds/), as the provider's data."""

from django.db import migrations

from policies.seeding import load


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
