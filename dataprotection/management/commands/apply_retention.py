"""List (by default) or anonymise (--erase) the learners whose retention period has passed."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dataprotection.retention import (
    import_files_expire,
    learner_anonymise,
    retention_due,
    retention_years,
)


class Command(BaseCommand):
    help = (
        "List the learners whose retention period (LEARNER_RETENTION_YEARS after their last "
        "recorded activity, once withdrawn or completed) has passed; --erase anonymises them "
        "and deletes import files older than the period."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--erase", action="store_true", help="anonymise them (not a dry run)")
        parser.add_argument("--by", help="username the erasure is recorded as")
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="YYYY-MM-DD (default today)"
        )

    def handle(self, *args, erase: bool, by: str | None, today: dt.date | None, **options):
        today = today or timezone.localdate()
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"No user {by!r}.")
        due = retention_due(today=today)
        years = retention_years()
        self.stdout.write(
            f"{len(due)} learner(s) past the {years}-year retention period on {today}:"
        )
        for item in due:
            self.stdout.write(
                f"  learner {item.learner.pk} ({item.learner.get_status_display().lower()}): "
                f"last activity {item.last_activity_on}, due {item.due_on}"
            )
        if not erase:
            self.stdout.write("Dry run: nothing changed. Add --erase to anonymise them.")
            return
        erased = sum(
            learner_anonymise(learner=item.learner, by=user, today=today) is not None
            for item in due
        )
        files = import_files_expire(today=today)
        self.stdout.write(f"Anonymised {erased} learner(s); deleted {files} old import file(s).")
