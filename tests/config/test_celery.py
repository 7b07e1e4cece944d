from django.conf import settings
from django.core.cache import cache

from config.celery import app


def test_every_scheduled_job_is_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def test_the_broker_is_the_real_redis():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)


def test_the_cache_is_the_real_redis():
    cache.set("foundation-check", "ok", 5)
    assert cache.get("foundation-check") == "ok"
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
