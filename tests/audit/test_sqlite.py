"""The run command's database is SQLite: the same declared list must give it working triggers
(row-level, with the actor from an application-defined SQL function) and the same guard."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from audit.actor import actor_set
from audit.models import AuditEvent
from audit.triggers import triggers_missing
from learners.models import Learner
from demo.factories import LearnerFactory, ManagerFactory

assert connection.vendor == "sqlite"
assert triggers_missing(apps, connection) == {}, triggers_missing(apps, connection)
manager = ManagerFactory(username="sqlite.manager")
learner = LearnerFactory()
with actor_set(user=manager):
    Learner.objects.filter(pk=learner.pk).update(phone="0161 496 0000")
Learner.objects.filter(pk=learner.pk).update(archived=True)
system_insert = AuditEvent.objects.get(table_name="learners_learner", operation="insert")
by_manager, by_system = AuditEvent.objects.filter(
    table_name="learners_learner", operation="update").order_by("id")
assert system_insert.actor_label == "system" and system_insert.learner_id == learner.pk
assert (by_manager.actor_id, by_manager.actor_label) == (manager.pk, "sqlite.manager")
assert by_manager.after["phone"] == "0161 496 0000" != by_manager.before["phone"]
assert by_system.actor_label == "system" and by_system.after["archived"] == 1
for attempt in (lambda: AuditEvent.objects.update(detail="x"), AuditEvent.objects.all().delete):
    try:
        with transaction.atomic():
            attempt()
    except DatabaseError as exc:
        assert "append-only" in str(exc)
    else:
        raise AssertionError("the audit table took a change")
print("SQLITE-AUDIT-OK")
"""


def sqlite_run(tmp_path: Path, script: str, *, migrations: int = 1) -> str:
    """Migrate a new SQLite database in ``tmp_path`` (``migrations`` times), run ``script``
    in ``manage.py shell`` against it and return its output (stderr on failure)."""
    env = os.environ | {
        "APP_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'audit.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CELERY_BROKER_URL": "memory://",
    }
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 300}
    for _ in range(migrations):
        migrate = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
        assert migrate.returncode == 0, migrate.stderr
    check = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], **run)
    return check.stdout + check.stderr


def test_it_works_on_sqlite(tmp_path):
    # A second migrate (as after a new migration) regenerates, never duplicates or loses them.
    assert "SQLITE-AUDIT-OK" in sqlite_run(tmp_path, CHECK, migrations=2)
