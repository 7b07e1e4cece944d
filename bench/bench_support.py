"""What the benchmark scripts share: a fresh database and a timer that counts queries.
(Scripts run as ``python bench/<name>.py``, so this folder is on their import path.)"""

import time
from collections.abc import Callable
from urllib.parse import urlsplit


def recreate_database(database_url: str) -> None:
    """Drop the URL's database and create it empty, through the server's postgres database."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def timed_queries(fn: Callable[[], object]) -> tuple[float, int, object]:
    """Call ``fn``: (seconds, queries run on the default connection, its result)."""
    from django.db import connection

    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        value = fn()
        seconds = time.perf_counter() - start
    return seconds, count, value
