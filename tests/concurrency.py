"""Run the same work from several threads at the same instant (each with its own database
connection), as two beat processes or two workers would."""

import threading
from collections.abc import Callable

from django.db import connection


def run_at_once(work: Callable[[], object], *, times: int = 2) -> list[object]:
    """Start ``times`` threads that wait for each other, then call ``work``; its results."""
    barrier = threading.Barrier(times)
    results: list[object] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(work())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
