"""The restore drill (scripts/restore_drill.sh) against the test database: a dump restored into
a scratch database has the same row count in every table, and a restored copy that lost rows
(a table truncated through the script's hook) fails loudly; the scratch database is dropped
either way."""

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from demo.factories import LearnerFactory, SessionFactory

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "restore_drill.sh"


def drill(**env: str) -> subprocess.CompletedProcess:
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    environment = {**os.environ, "DATABASE_URL": url, "PGPASSWORD": settings["PASSWORD"] or ""}
    return subprocess.run(
        ["bash", str(SCRIPT)],
        env=environment | env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def scratch_databases() -> list[str]:
    pattern = f"{connection.settings_dict['NAME']}_restore_drill_%"
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [pattern])
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def seeded(transactional_db):
    # Committed rows (a transactional test), so pg_dump in another process sees them.
    learner = LearnerFactory()
    SessionFactory(learner=learner)
    return learner


def test_it_passes_when_every_table_has_its_rows_after_restore(seeded):
    result = drill()
    assert result.returncode == 0, result.stderr
    assert "row counts match" in result.stdout
    assert scratch_databases() == []


def test_it_fails_loudly_when_a_restored_table_lost_rows(seeded):
    result = drill(RESTORE_DRILL_AFTER_RESTORE_SQL="TRUNCATE learners_learner CASCADE")
    assert result.returncode == 1
    assert "row counts differ" in result.stderr
    assert "-learners_learner\t1" in result.stderr and "+learners_learner\t0" in result.stderr
    assert scratch_databases() == []
