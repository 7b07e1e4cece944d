from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from learners.models import Learner, LearnerStatus, RecordSource

CLOSED_STATUSES = {LearnerStatus.WITHDRAWN, LearnerStatus.COMPLETED}


class LearnerClosedError(ValidationError):
    """The learner's record is closed to new entries (archived, withdrawn or completed)."""


def learner_ensure_open(*, learner: Learner) -> None:
    """Archived, withdrawn and completed learners take no new entries (ratings, contacts,
    plans). A break in learning stays open: the policies require contact during breaks."""
    if learner.archived:
        raise LearnerClosedError(
            f"{learner.full_name}'s record is archived, so it takes no new entries.",
            code="learner_archived",
        )
    if learner.status in CLOSED_STATUSES:
        raise LearnerClosedError(
            f"{learner.full_name} is {learner.get_status_display().lower()}, so the record "
            "takes no new entries.",
            code="learner_closed",
        )


def learner_lock(*, learner: Learner) -> Learner:
    """Re-read the learner under a row lock so writes about one learner happen one at a time."""
    assert transaction.get_connection().in_atomic_block, "lock inside a transaction"
    return Learner.objects.select_for_update().get(pk=learner.pk)


def learner_create(*, data: dict) -> Learner:
    """Write a new learner from its fields. Only the learner row: enrolment (the rating and the
    case that follow) is escalation.learner_actions.learner_enrol."""
    learner = Learner(**data)
    learner.full_clean()
    learner.save()
    return learner


def learner_record_add(*, learner: Learner, record: Model, by: AbstractBaseUser) -> Model:
    """Store an activity record a member of staff entered. Refused on a closed record; the
    record's own constraints (one per natural key) are checked before it is written."""
    learner_ensure_open(learner=learner)
    record.learner = learner
    record.source, record.recorded_by = RecordSource.TUTOR, by
    record.full_clean()
    record.save()
    return record
