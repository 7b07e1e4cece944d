import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from dataprotection.retention import import_files_expire, learner_anonymise, retention_due
from learners.roles import Role
from notifications.services import notification_send

log = logging.getLogger(__name__)


@shared_task(ignore_result=False)
def retention_review(today: str | None = None) -> dict:
    """The weekly retention job: anonymise who is due when LEARNER_RETENTION_AUTO_ERASE is
    on, otherwise tell the safeguarding team how many are due (they run apply_retention)."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    due = retention_due(today=day)
    erased = 0
    if settings.LEARNER_RETENTION_AUTO_ERASE:
        for item in due:
            erased += learner_anonymise(learner=item.learner, by=None, today=day) is not None
        files = import_files_expire(today=day)
    else:
        files = 0
        if due:
            team = get_user_model().objects.filter(groups__name=Role.SAFEGUARDING, is_active=True)
            notification_send(
                recipients=team,
                kind="retention_due",
                title=f"{len(due)} learner record(s) past their retention period",
                body="Run `manage.py apply_retention` to list them and `--erase` to anonymise "
                "them (README: Data protection).",
                dedupe_key=f"retention:{day.isoformat()}",
            )
    log.info("Retention review %s: %d due, %d anonymised", day, len(due), erased)
    return {"due": len(due), "erased": erased, "import_files_deleted": files}
