import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_it_declares_the_whole_stack(compose):
    assert set(compose["services"]) >= {"postgres", "redis", "web", "worker", "beat", "mail"}


def test_every_long_running_service_has_a_health_check(compose):
    for name, service in compose["services"].items():
        assert "healthcheck" in service, name


def test_the_app_services_are_configured_from_the_environment(compose):
    for name in ("web", "worker", "beat"):
        service = compose["services"][name]
        env = service["environment"]
        for key in ("APP_ENV", "SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL"):
            assert key in env, (name, key)
        assert service["build"]["context"] == "."


def test_every_setting_in_env_example_is_read_by_the_settings():
    settings_py = (ROOT / "config/settings.py").read_text()
    names = [
        line.split("=", 1)[0].lstrip("# ").strip()
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("# ")
    ]
    assert names
    for name in names:
        assert f'"{name}"' in settings_py, name


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose is not installed")
def test_docker_compose_accepts_the_file():
    result = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        env={"SECRET_KEY": "x", "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
