"""Retention: learners who left more than ``LEARNER_RETENTION_YEARS`` ago are anonymised.

Who is due: a withdrawn or completed learner, not already anonymised, with no active case, no
live withdrawal request and no appeal awaiting a decision, whose last recorded activity (the
latest date among their record, contacts, ratings, activity records, stage changes, withdrawal
history and appeals) is at least the retention period ago. Counting from the last activity
rather than a single "left on" date means a late appeal or letter restarts the clock.

What anonymising keeps, for audit (funding, inspection, the leaver panel's counts): the learner
row stripped of name, ULN, e-mail and phone (programme, course, team, nation, dates, status stay),
rating levels and dates, cases and their append-only stage history, withdrawal decisions (who,
when, ILR reason, last day of learning), appeals' dates and outcomes, and the audit records
(subject access exports, evidence packs, this erasure) and audit trail, whose rows about the
learner keep who did what when but lose their personal data (audit_redact_learner). What it
removes: every free-text note and reason, all attached files, activity records, risk factors,
and notifications and e-mails about the learner. Stage changes and withdrawal events cannot be
changed (database triggers); their reasons stay, no longer linked to a named person.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from audit.services import audit_redact_learner
from dataprotection.models import RetentionErasure
from dataprotection.retention_scrub import learner_scrub
from escalation.models import ACTIVE_STATUSES, EscalationCase
from learners.models import ImportBatch, Learner, LearnerStatus
from learners.record_kinds import activity_dates
from withdrawals.models import (
    LIVE_REQUEST_STATUSES,
    Appeal,
    AppealStatus,
    WithdrawalRequest,
)

LEFT_STATUSES = (LearnerStatus.WITHDRAWN, LearnerStatus.COMPLETED)


def retention_years() -> int:
    return settings.LEARNER_RETENTION_YEARS


def years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year + years, day=28)


def _latest(model, field: str, path: str = "learner") -> Subquery:
    rows = model.objects.filter(**{path: OuterRef("pk")}).order_by().values(path)
    return Subquery(rows.annotate(latest=Max(field)).values("latest")[:1])


@dataclass(frozen=True)
class RetentionDue:
    learner: Learner
    last_activity_on: dt.date
    due_on: dt.date


def _as_date(value) -> dt.date | None:
    if value is None:
        return None
    return timezone.localdate(value) if isinstance(value, dt.datetime) else value


def _left_learners() -> QuerySet[Learner]:
    live_case = EscalationCase.objects.filter(learner=OuterRef("pk"), status__in=ACTIVE_STATUSES)
    live_request = WithdrawalRequest.objects.filter(
        learner=OuterRef("pk"), status__in=LIVE_REQUEST_STATUSES
    )
    open_appeal = Appeal.objects.filter(request__learner=OuterRef("pk"), status=AppealStatus.LODGED)
    qs = Learner.objects.filter(status__in=LEFT_STATUSES, retention_erasure__isnull=True)
    qs = qs.exclude(Exists(live_case)).exclude(Exists(live_request)).exclude(Exists(open_appeal))
    # Each is the latest date or time of one kind of record (the dates each kind declares in
    # learners/record_kinds.py); a learner's last activity is the latest of them all.
    annotations = {
        f"a_{kind.key}_{column}": _latest(kind.get_model(), column, kind.learner)
        for kind, column in activity_dates()
    }
    return qs.annotate(**annotations).order_by("pk")


def last_activity_on(learner: Learner) -> dt.date:
    """The latest date among the annotations ``_left_learners`` adds, and the row's own."""
    dates = [_as_date(learner.updated_at)]
    dates += [_as_date(v) for k, v in vars(learner).items() if k[:2] == "a_"]
    return max(d for d in dates if d is not None)


def retention_due(*, today: dt.date, years: int | None = None) -> list[RetentionDue]:
    """Every learner whose retention has passed on ``today``, longest past first (one query)."""
    years = retention_years() if years is None else years
    due = []
    for learner in _left_learners().iterator(chunk_size=500):
        last = last_activity_on(learner)
        if years_after(last, years) <= today:
            due.append(RetentionDue(learner, last, years_after(last, years)))
    return sorted(due, key=lambda d: (d.due_on, d.learner.pk))


def learner_anonymise(
    *, learner: Learner, by: AbstractBaseUser | None, today: dt.date, years: int | None = None
) -> RetentionErasure | None:
    """Anonymise one learner if their retention has passed (checked again under a row lock,
    so two runs at once anonymise once); None when it has not or they already are. Files are
    deleted from storage only after the transaction commits."""
    years = retention_years() if years is None else years
    with transaction.atomic():
        Learner.objects.select_for_update().filter(pk=learner.pk).first()
        current = _left_learners().filter(pk=learner.pk).first()
        if current is None:
            return None
        last = last_activity_on(current)
        if years_after(last, years) > today:
            return None
        summary, files = learner_scrub(learner=current)
        # After the scrub: its own updates were audited too, their before-images holding what
        # it just removed.
        summary["audit_rows_redacted"] = audit_redact_learner(learner_id=current.pk, by=by)
        erasure = RetentionErasure.objects.create(
            learner=current,
            erased_at=timezone.now(),
            erased_by=by,
            last_activity_on=last,
            retention_years=years,
            summary=summary,
        )
        transaction.on_commit(lambda: _delete_files(files))
    return erasure


def import_files_expire(*, today: dt.date, years: int | None = None) -> int:
    """Import files (which hold many learners' rows) are kept for the retention period after
    upload, then deleted; the batch row (who, when, counts, checksum) stays. Returns how many."""
    years = retention_years() if years is None else years
    cutoff = years_after(today, -years)
    expired = ImportBatch.objects.exclude(file="").filter(uploaded_at__date__lte=cutoff)
    count = 0
    for batch in expired.iterator():
        name = batch.file.name
        ImportBatch.objects.filter(pk=batch.pk).update(file="", errors=[], touched_learner_ids=[])
        transaction.on_commit(lambda name=name: _delete_files([name]))
        count += 1
    return count


def _delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)
