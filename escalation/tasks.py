"""Celery entry points for the beat sweeps (the task names are in config/settings.py's beat
schedule); the work is in escalation/sweeps/ and escalation/triggers/evaluate.py."""

import datetime as dt
from collections.abc import Iterable

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from escalation.case_tasks import case_tasks_tell_overdue
from escalation.sweeps.digest import digest_managers, manager_digest_send
from escalation.sweeps.overdue import cases_advance_all_overdue, cases_due_for_advance
from escalation.sweeps.rating_review import rating_reviews_flag
from escalation.sweeps.reminders import (
    cases_due_for_reminder,
    cases_overdue_announce_all,
    cases_overdue_to_announce,
    cases_remind_all,
)
from escalation.triggers.evaluate import triggers_evaluate


def _today(today: str | None) -> dt.date:
    return dt.date.fromisoformat(today) if today else timezone.localdate()


@shared_task(ignore_result=False)
def sweep_overdue_cases(today: str | None = None) -> dict:
    day = _today(today)
    due = cases_due_for_advance(today=day)
    advanced = cases_advance_all_overdue(case_ids=due, today=day)
    return {"day": day.isoformat(), "due": len(due), "advanced": advanced}


@shared_task(ignore_result=False)
def sweep_stage_reminders(today: str | None = None) -> dict:
    day = _today(today)
    due = cases_due_for_reminder(today=day)
    reminded = cases_remind_all(case_ids=due)
    # Overdue at a stage a person moves on: told once per stage start (notification dedupe).
    overdue = cases_overdue_announce_all(case_ids=cases_overdue_to_announce(today=day))
    return {"day": day.isoformat(), "due": len(due), "reminded": reminded, "overdue": overdue}


@shared_task(ignore_result=False)
def sweep_rating_reviews_and_tasks(today: str | None = None) -> dict:
    """Learners past their version's rating-review days with none recorded are flagged to
    their tutor; dated case tasks past their due date undone are announced. Each once."""
    day = _today(today)
    return {
        "day": day.isoformat(),
        "rating_reviews_flagged": rating_reviews_flag(today=day),
        "tasks_overdue": case_tasks_tell_overdue(today=day),
    }


@shared_task(ignore_result=False)
def sweep_triggers(today: str | None = None) -> dict:
    """The daily trigger sweep: every open learner, set-based."""
    return triggers_evaluate(today=_today(today))


@shared_task(ignore_result=False)
def evaluate_learner_triggers(learner_ids: list[int], today: str | None = None) -> dict:
    """New records (an import) evaluate their learners at once, after the import commits."""
    return triggers_evaluate(today=_today(today), learner_ids=learner_ids)


def triggers_evaluate_after_commit(*, learner_ids: Iterable[int]) -> None:
    ids = sorted(set(learner_ids))
    if ids:
        transaction.on_commit(lambda: evaluate_learner_triggers.delay(ids))


@shared_task(ignore_result=False)
def send_manager_digests(today: str | None = None) -> dict:
    """Each manager's morning e-mail of their teams' overdue and soon-due cases."""
    day = _today(today)
    managers = digest_managers()
    sent = [m.pk for m in managers if manager_digest_send(manager=m, today=day)]
    return {"day": day.isoformat(), "managers": len(managers), "sent": sent}
