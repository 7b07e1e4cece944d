"""Run the same work from several threads at the same instant (each with its own database
connection), as two beat processes, two workers or two browser tabs would."""

import threading
from collections.abc import Callable

from django.db import connection


def run_at_once(
    *works: Callable[[], object],
    times: int = 2,
    expect: tuple[type[BaseException], ...] = (),
) -> list[object]:
    """Start threads that wait for each other, then each call its work: one ``work`` run
    ``times`` times, or each of several ``works`` once. Returns what they returned, in the
    order they finished; an exception of a type in ``expect`` is returned in its place (the
    loser of a race), any other is raised here once every thread has finished."""
    if len(works) == 1:
        works = works * times
    barrier = threading.Barrier(len(works))
    results: list[object] = []
    unexpected: list[BaseException] = []

    def run(work: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results.append(work())
        except expect as exc:
            results.append(exc)
        except BaseException as exc:
            unexpected.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if unexpected:
        raise unexpected[0]
    return results
