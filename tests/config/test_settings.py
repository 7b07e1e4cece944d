import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def start_django(**env_overrides: str) -> subprocess.CompletedProcess:
    """Load the real settings in a fresh interpreter, with a clean environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "APP_ENV"))}
    for key in ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DEBUG"):
        env.pop(key, None)
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = start_django(
        APP_ENV="production",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x",
        ALLOWED_HOSTS="learners.example",
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when APP_ENV=production" in result.stderr


def test_production_is_the_default_environment():
    result = start_django(DATABASE_URL="sqlite:///:memory:", ALLOWED_HOSTS="x")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_its_secrets_set():
    result = start_django(
        APP_ENV="production",
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x",
        ALLOWED_HOSTS="learners.example",
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_deploy_check_has_no_warnings():
    env = {
        "APP_ENV": "production",
        "SECRET_KEY": "k" * 60 + "Zq9!",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x",
        "ALLOWED_HOSTS": "learners.example",
    }
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "APP_ENV"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_unknown_environment_name_is_refused():
    result = start_django(APP_ENV="prod")
    assert result.returncode != 0
    assert "APP_ENV must be" in result.stderr


def test_debug_is_off_unless_set():
    result = start_django(
        APP_ENV="development",
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.returncode == 0
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django;django.setup();from django.conf import settings;print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "APP_ENV": "development",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": "sqlite:///:memory:",
            "DEBUG": "",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.stdout.strip() == "False", check.stderr


def test_the_tests_run_on_postgresql_and_london_time():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.TIME_ZONE == "Europe/London"


@pytest.mark.django_db
def test_migrations_are_complete():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_postgresql_compiles_no_jit_for_the_app():
    # The register's plans look costly to the planner and JIT spent seconds compiling them.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
