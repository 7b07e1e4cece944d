"""StageChange rows are history: the database itself refuses to change or delete them."""

from django.db import migrations

from escalation.migrations._append_only import install, remove


class Migration(migrations.Migration):
    dependencies = [("escalation", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
