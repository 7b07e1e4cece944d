"""A real Celery worker process killed with SIGKILL in the middle of the overdue sweep: the
task comes back (late acknowledgement; a lost pool child's task is rejected back onto the
queue; a dead worker's task is handed out again after the broker's visibility timeout), and in
the end every overdue case has advanced exactly once.

The kill lands inside a batch deterministically: the test holds an uncommitted notification
with the key the sweep will insert for one case of the second batch, so the worker's insert
waits on the unique index (the case moves and stage changes of that batch written, not
committed) until the test has killed it. No sleeping and hoping."""

import datetime as dt
import threading
import time
import uuid

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from config.celery import app
from demo.factories import LearnerFactory, open_case
from escalation.models import EscalationCase, StageChange
from escalation.sweeps.batches import BATCH_SIZE
from escalation.tasks import sweep_overdue_cases
from notifications.models import Notification
from tests.worker_process import wait_for, worker_process

pytestmark = pytest.mark.django_db(transaction=True)

# The worker runs on the real clock, so the cases' Stage 1 began three weeks ago (overdue
# now), and the stage they move to is due after today.
STARTED_AGO = dt.timedelta(days=21)
CASES = 2 * BATCH_SIZE + 50  # three batches: the kill lands in the second
VISIBILITY_TIMEOUT = 2  # seconds, for the worker that picks the task up again


@pytest.fixture
def overdue_cases(tutor, team) -> list[EscalationCase]:
    with time_machine.travel(timezone.now() - STARTED_AGO, tick=False):
        cases = [
            open_case(LearnerFactory(tutor=tutor, team=team), stage="stage_1") for _ in range(CASES)
        ]
    return sorted(cases, key=lambda case: case.pk)


@pytest.fixture
def queue():
    """A queue of the test's own; what the workers publish (e-mails) is purged afterwards."""
    name = f"crash-{uuid.uuid4().hex[:8]}"
    yield name
    with app.connection_for_write() as conn:
        for leftover in (name, app.conf.task_default_queue):
            conn.default_channel.queue_purge(leftover)


class HeldNotification:
    """An uncommitted notification, in a transaction of its own, that a sweep's insert of the
    same (recipient, dedupe key) waits for."""

    def __init__(self, *, case: EscalationCase):
        self.key = f"case:{case.pk}:change:{case.change_count + 1}"
        self.recipient = case.learner.tutor
        self.held, self.release = threading.Event(), threading.Event()
        self.backend_pid: int | None = None
        self.thread = threading.Thread(target=self._hold)
        self.thread.start()
        assert self.held.wait(timeout=30)

    def _hold(self) -> None:
        try:
            with transaction.atomic():
                Notification.objects.create(
                    recipient=self.recipient, kind="stage_change", title="held", dedupe_key=self.key
                )
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    self.backend_pid = cursor.fetchone()[0]
                self.held.set()
                self.release.wait(timeout=300)
                transaction.set_rollback(True)
        finally:
            connection.close()

    def waiters(self) -> list[int]:
        """The database sessions waiting for this transaction."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                [self.backend_pid],
            )
            return [row[0] for row in cursor.fetchall()]

    def let_go(self) -> None:
        self.release.set()
        self.thread.join(timeout=30)


def advances() -> int:
    return StageChange.objects.filter(kind="advanced", by_sweep=True).count()


def assert_each_case_advanced_once(cases: list[EscalationCase]) -> None:
    per_case = dict(
        StageChange.objects.filter(kind="advanced", by_sweep=True)
        .values_list("case_id")
        .annotate(n=Count("pk"))
        .values_list("case_id", "n")
    )
    assert per_case == {case.pk: 1 for case in cases}
    assert set(EscalationCase.objects.values_list("stage", flat=True)) == {"stage_2"}
    # Everyone told once per case: the dedupe keys are unique per recipient.
    told = Notification.objects.filter(kind="stage_change", recipient=cases[0].learner.tutor)
    assert told.count() == len(cases)


def kill_inside_the_second_batch(worker, cases, *, kill) -> list[int]:
    """Send the sweep, wait until the worker is blocked inside the second batch, kill it (or
    its pool child); returns the cases the first, committed, batch advanced."""
    blocker = HeldNotification(case=cases[BATCH_SIZE + 10])
    try:
        result = sweep_overdue_cases.apply_async(queue=worker.queue)
        wait_for(blocker.waiters, timeout=120, what="the sweep to reach the held notification")
        # Batch 1 committed; batch 2 written but not committed, waiting on the held row.
        assert advances() == BATCH_SIZE
        kill()
    finally:
        blocker.let_go()
    # The killed worker's transaction is rolled back: still only the first batch.
    wait_for(lambda: not blocker.waiters(), what="the dead worker's transaction to end")
    done = list(StageChange.objects.filter(kind="advanced").values_list("case_id", flat=True))
    assert sorted(done) == [case.pk for case in cases[:BATCH_SIZE]]
    return result


def test_rule_a_worker_killed_mid_sweep_loses_no_advance_and_repeats_none(queue, overdue_cases):
    with worker_process(queue=queue) as first:
        result = kill_inside_the_second_batch(first, overdue_cases, kill=first.kill)
        killed_at = time.monotonic()
    # The message is in Redis's unacked set. A new worker hands it out again once it has been
    # out longer than the visibility timeout (on start, then periodically).
    wait_for(lambda: time.monotonic() - killed_at > VISIBILITY_TIMEOUT, what="the timeout")
    with worker_process(queue=queue, env={"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}):
        outcome = result.get(timeout=120)
    assert sorted(outcome["advanced"]) == [case.pk for case in overdue_cases[BATCH_SIZE:]]
    assert_each_case_advanced_once(overdue_cases)


def test_rule_a_pool_child_killed_mid_sweep_puts_the_task_back(queue, overdue_cases):
    with worker_process(queue=queue, pool="prefork") as worker:
        wait_for(worker.children, what="the pool child")

        def kill_child() -> None:
            import os
            import signal

            # The child is looked up now, while it runs the sweep: a pid taken at start-up
            # could be a short-lived fork (one about to exec) rather than the pool child.
            [child] = worker.children()
            os.kill(child, signal.SIGKILL)

        result = kill_inside_the_second_batch(worker, overdue_cases, kill=kill_child)
        # reject_on_worker_lost: the same worker's new child runs it again at once.
        outcome = result.get(timeout=120)
    assert sorted(outcome["advanced"]) == [case.pk for case in overdue_cases[BATCH_SIZE:]]
    assert_each_case_advanced_once(overdue_cases)
