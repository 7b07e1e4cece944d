"""Breaks in learning (suspensions): start one, end it (the learner returns), change the expected
return date. The actions every caller uses (the break pages, seed_demo); the reads are in
escalation/break_selectors.py.

Here, in escalation, because a break feeds the risk triggers (3 months' silence, a passed or
missing return date): each action queues the learner's trigger evaluation for after its
transaction commits.

Policy (Aspiration 5.1.2.1): "Learners on a temporary break in learning must provide an
expected return date to learning." The open BreakInLearning row is the record of the break;
the learner's status and expected_return_date follow it in the same transaction, so the
caseload, the reminder list and the triggers (which read the rows) always agree.

Refusals are ValidationErrors keyed by the argument they are about (started_on,
expected_return_on, reason, returned_on), so a form shows each one beside its field.
"""

import datetime as dt
import logging

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from escalation.tasks import triggers_evaluate_after_commit
from learners.models import BreakInLearning, Learner, LearnerStatus, RecordSource
from learners.services import learner_ensure_open, learner_lock

# The break row has one recorded_by (who started it); who recorded a return or a new date has
# no column yet, so it goes to the log rather than nowhere.
log = logging.getLogger(__name__)

RETURN_DATE_REQUIRED = "The policy requires an expected return date for a break in learning."


def _day(date: dt.date) -> str:
    return f"{date:%d %b %Y}"


def _open_break(learner: Learner) -> BreakInLearning | None:
    return BreakInLearning.objects.filter(learner=learner, returned_on__isnull=True).first()


def _open_break_or_refuse(learner: Learner) -> BreakInLearning:
    pause = _open_break(learner)
    if pause is None:
        raise ValidationError(
            f"{learner.full_name} is not on a break in learning.", code="not_on_break"
        )
    return pause


def _set_status(learner: Learner, status: str, expected_return_date: dt.date | None) -> None:
    learner.status, learner.expected_return_date = status, expected_return_date
    learner.save(update_fields=["status", "expected_return_date", "updated_at"])


def _start_errors(
    *, learner: Learner, started_on: dt.date, expected_return_on: dt.date | None, reason: str
) -> dict[str, str]:
    errors = {}
    if started_on > timezone.localdate():
        errors["started_on"] = "Record a break once it has begun: not a future date."
    elif started_on < learner.start_date:
        errors["started_on"] = (
            f"The break cannot start before the programme did ({_day(learner.start_date)})."
        )
    elif BreakInLearning.objects.filter(learner=learner, returned_on__gt=started_on).exists():
        errors["started_on"] = "This overlaps the previous break: start after its return date."
    if expected_return_on is None:
        errors["expected_return_on"] = RETURN_DATE_REQUIRED
    elif expected_return_on <= started_on:
        errors["expected_return_on"] = "The expected return date must be after the start date."
    if not reason.strip():
        errors["reason"] = "Say why the learner is taking a break."
    return errors


def break_start(
    *,
    learner: Learner,
    started_on: dt.date,
    expected_return_on: dt.date | None,
    reason: str,
    by: AbstractBaseUser,
) -> BreakInLearning:
    """Put the learner on a break from ``started_on`` (today or earlier, recorded late), and
    evaluate the learner's triggers after the commit. Locks the learner's row."""
    with transaction.atomic():
        learner = learner_lock(learner=learner)
        learner_ensure_open(learner=learner)
        if learner.status == LearnerStatus.BREAK_IN_LEARNING or _open_break(learner):
            raise ValidationError(
                f"{learner.full_name} is already on a break in learning.", code="already_on_break"
            )
        errors = _start_errors(
            learner=learner,
            started_on=started_on,
            expected_return_on=expected_return_on,
            reason=reason,
        )
        if errors:
            raise ValidationError(errors)
        pause = BreakInLearning(
            learner=learner,
            occurred_on=started_on,
            expected_return_on=expected_return_on,
            reason=reason.strip(),
            source=RecordSource.TUTOR,
            recorded_by=by,
        )
        pause.full_clean()
        pause.save()
        _set_status(learner, LearnerStatus.BREAK_IN_LEARNING, expected_return_on)
        triggers_evaluate_after_commit(learner_ids=[learner.pk])
    return pause


def break_end(*, learner: Learner, returned_on: dt.date, by: AbstractBaseUser) -> BreakInLearning:
    """End the open break on ``returned_on``: the learner is back on programme. Evaluates the
    learner's triggers after the commit. Locks the learner's row."""
    with transaction.atomic():
        learner = learner_lock(learner=learner)
        learner_ensure_open(learner=learner)
        pause = _open_break_or_refuse(learner)
        if returned_on > timezone.localdate():
            raise ValidationError(
                {"returned_on": "Record the return once it has happened: not a future date."}
            )
        if returned_on < pause.occurred_on:
            raise ValidationError(
                {
                    "returned_on": f"The break began on {_day(pause.occurred_on)}: "
                    "the return cannot be before that."
                }
            )
        pause.returned_on = returned_on
        pause.save(update_fields=["returned_on"])
        _set_status(learner, LearnerStatus.ON_PROGRAMME, None)
        triggers_evaluate_after_commit(learner_ids=[learner.pk])
    log.info("Break %s of learner %s: return recorded by user %s", pause.pk, learner.pk, by.pk)
    return pause


def break_return_date_set(
    *, learner: Learner, expected_return_on: dt.date | None, by: AbstractBaseUser
) -> BreakInLearning:
    """The learner gives a new expected return date: today or later, and after the start (a
    date already gone by is not an expectation; a return that happened is recorded with
    break_end). Evaluates the learner's triggers after the commit. Locks the learner's row."""
    with transaction.atomic():
        learner = learner_lock(learner=learner)
        learner_ensure_open(learner=learner)
        pause = _open_break_or_refuse(learner)
        if expected_return_on is None:
            raise ValidationError({"expected_return_on": RETURN_DATE_REQUIRED})
        if expected_return_on < timezone.localdate():
            raise ValidationError(
                {"expected_return_on": "The new expected return date cannot be in the past."}
            )
        if expected_return_on <= pause.occurred_on:
            raise ValidationError(
                {
                    "expected_return_on": "The expected return date must be after the start "
                    f"of the break ({_day(pause.occurred_on)})."
                }
            )
        pause.expected_return_on = expected_return_on
        pause.save(update_fields=["expected_return_on"])
        _set_status(learner, LearnerStatus.BREAK_IN_LEARNING, expected_return_on)
        triggers_evaluate_after_commit(learner_ids=[learner.pk])
    log.info("Break %s of learner %s: return date changed by user %s", pause.pk, learner.pk, by.pk)
    return pause
