"""Writes that carry a rule: ratings, contact-log entries, support records and actions.

The rating and support writes here are the riskcases half of an action: a person's or an
import's rating, enrolment or support agreement goes through escalation/learner_actions.py
(learner_rate, learner_enrol, support_agree), which also opens or steps down the case."""

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from learners.models import Learner
from learners.policy_reading import learner_policy
from learners.services import learner_ensure_open, learner_lock
from riskcases.attachments import CheckedAttachment
from riskcases.models import (
    AgreedAction,
    ContactAttachment,
    ContactLogEntry,
    ContactType,
    ContactWith,
    Direction,
    Outcome,
    RiskFactor,
    RiskFactorKind,
    RiskLevel,
    RiskRating,
    SupportRecord,
)

# A clock a few minutes fast on the user's machine should not block a contact logged "now".
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def rating_current(*, learner: Learner) -> RiskRating | None:
    return learner.ratings.filter(ended_at__isnull=True).first()


def _rating_log_entry(*, rating: RiskRating, previous: RiskRating | None) -> ContactLogEntry:
    preset = learner_policy(learner=rating.learner)
    new_label = preset.label(rating.level)
    summary = (
        f"Risk rating changed from {preset.label(previous.level)} to {new_label}."
        if previous
        else f"Risk rating set to {new_label} at enrolment."
    )
    entry = ContactLogEntry.objects.create(
        learner=rating.learner,
        occurred_at=rating.started_at,
        contact_type=ContactType.RISK_RATING,
        contact_with=ContactWith.LEARNER,
        direction=Direction.NONE,
        outcome=Outcome.NOT_APPLICABLE,
        notes=f"{summary}\nReason: {rating.reason}",
        rating=rating,
        author=rating.set_by,
    )
    entry.risk_factors.set(rating.risk_factors.all())
    return entry


def rating_enrol(
    *,
    learner: Learner,
    set_by: AbstractBaseUser,
    level: str,
    reason: str,
    start_factors: Sequence[RiskFactor] = (),
) -> RiskRating:
    """The first rating. Policy (At-risk rating): every learner is rated Low at enrolment
    unless a start-of-programme risk factor applies, when the enrolling user rates Medium or
    High. Low needs no contact-log entry; Medium or High is logged as a risk rating."""
    if any(f.kind != RiskFactorKind.START for f in start_factors):
        raise ValidationError({"start_factors": "Only start-of-programme factors apply here."})
    if start_factors and level == RiskLevel.LOW:
        raise ValidationError(
            {"level": "A start-of-programme risk factor applies: rate Medium or High."}
        )
    if not start_factors and level != RiskLevel.LOW:
        raise ValidationError(
            {
                "level": "Learners start Low unless a start-of-programme risk factor applies: "
                "choose the factor, or rate Low."
            }
        )
    with transaction.atomic():
        learner = learner_lock(learner=learner)
        if rating_current(learner=learner) is not None:
            raise ValidationError("This learner already has a rating; change it instead.")
        rating = RiskRating.objects.create(
            learner=learner,
            level=level,
            started_at=timezone.now(),
            set_by=set_by,
            reason=reason.strip() or "Enrolment: no start-of-programme risk factors.",
        )
        rating.risk_factors.set(start_factors)
        if level != RiskLevel.LOW:
            _rating_log_entry(rating=rating, previous=None)
    return rating


def rating_change(
    *,
    learner: Learner,
    level: str,
    reason: str,
    set_by: AbstractBaseUser,
    risk_factors: Iterable[RiskFactor] = (),
    submission_token: uuid.UUID | None = None,
) -> RiskRating:
    """Policy (At-risk rating): a change end-dates the current rating and adds a new one with
    a contact-log entry of type "risk rating". The history is only ever superseded."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": "Say why the rating is changing."})
    if level not in RiskLevel.values:
        raise ValidationError({"level": "Choose Low, Medium or High."})
    with transaction.atomic():
        # The lock makes concurrent changes to one learner take turns; the partial unique
        # index (one_current_rating_per_learner) is the backstop.
        learner = learner_lock(learner=learner)
        if submission_token:
            already = RiskRating.objects.filter(submission_token=submission_token).first()
            if already is not None:
                return already  # a double click or a re-sent form: stored once
        learner_ensure_open(learner=learner)
        current = rating_current(learner=learner)
        if current is not None and current.level == level:
            label = learner_policy(learner=learner).label(level)
            raise ValidationError({"level": f"The rating is already {label}."})
        now = timezone.now()
        if current is not None:
            current.ended_at = now
            current.save(update_fields=["ended_at"])
        rating = RiskRating.objects.create(
            learner=learner,
            level=level,
            started_at=now,
            set_by=set_by,
            reason=reason.strip(),
            submission_token=submission_token or uuid.uuid4(),
        )
        rating.risk_factors.set(list(risk_factors))
        _rating_log_entry(rating=rating, previous=current)
    return rating


def contact_log(
    *,
    learner: Learner,
    author: AbstractBaseUser,
    occurred_at: dt.datetime,
    contact_type: str,
    contact_with: str = ContactWith.LEARNER,
    direction: str = Direction.OUTBOUND,
    outcome: str = Outcome.NOT_APPLICABLE,
    welfare_check: bool = False,
    notes: str = "",
    confidential: bool = False,
    risk_factors: Iterable[RiskFactor] = (),
    attachments: Sequence[CheckedAttachment] = (),
    submission_token: uuid.UUID | None = None,
    closed_learner_letter: bool = False,
) -> ContactLogEntry:
    """Store one contact-log entry. ``closed_learner_letter`` is for the letter service only
    (escalation/letter_sending.py): the copy of a letter is stored even for a withdrawn learner,
    as the written confirmation of a withdrawal must be. It allows letter entries, nothing else."""
    if closed_learner_letter and contact_type != ContactType.LETTER:
        raise ValueError("closed_learner_letter is only for letter entries")
    if contact_type == ContactType.RISK_RATING:
        raise ValidationError({"contact_type": "Change the rating with the rating form."})
    if occurred_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"occurred_at": "A contact cannot be logged in the future."})
    if contact_with != ContactWith.LEARNER and learner.employer_id is None:
        raise ValidationError({"contact_with": f"{learner.full_name} has no employer on record."})
    token = submission_token or uuid.uuid4()
    try:
        with transaction.atomic():
            learner = learner_lock(learner=learner)
            already = ContactLogEntry.objects.filter(submission_token=token).first()
            if already is not None:
                return already  # a double click or a re-sent form: stored once
            if not (closed_learner_letter and not learner.archived):
                learner_ensure_open(learner=learner)
            entry = ContactLogEntry.objects.create(
                learner=learner,
                occurred_at=occurred_at,
                contact_type=contact_type,
                contact_with=contact_with,
                direction=direction,
                outcome=outcome,
                welfare_check=welfare_check or contact_type == ContactType.WELFARE_CHECK,
                notes=notes.strip(),
                confidential=confidential,
                author=author,
                submission_token=token,
            )
            entry.risk_factors.set(list(risk_factors))
            for checked in attachments:
                attachment = ContactAttachment(
                    entry=entry,
                    original_name=checked.name,
                    content_type=checked.content_type,
                    size=checked.size,
                    sha256=checked.sha256,
                    uploaded_by=author,
                )
                attachment.file.save(checked.name, checked.upload, save=False)
                attachment.save()
    except IntegrityError:
        # Two identical submissions raced past the check; the first one won.
        existing = ContactLogEntry.objects.filter(submission_token=token).first()
        if existing is None:
            raise
        return existing
    return entry


def support_record_create(
    *,
    learner: Learner,
    created_by: AbstractBaseUser,
    kind: str,
    summary: str,
    agreed_on: dt.date,
    review_on: dt.date | None = None,
    shared_with_employer: bool = False,
    interventions: Iterable = (),
    actions: Sequence[dict] = (),
    submission_token: uuid.UUID | None = None,
) -> SupportRecord:
    token = submission_token or uuid.uuid4()
    with transaction.atomic():
        learner = learner_lock(learner=learner)
        already = SupportRecord.objects.filter(submission_token=token).first()
        if already is not None:
            return already
        learner_ensure_open(learner=learner)
        record = SupportRecord(
            learner=learner,
            kind=kind,
            summary=summary.strip(),
            agreed_on=agreed_on,
            review_on=review_on,
            shared_with_employer=shared_with_employer,
            created_by=created_by,
            submission_token=token,
        )
        record.full_clean(exclude=["learner", "created_by"])
        record.save()
        record.interventions.set(list(interventions))
        AgreedAction.objects.bulk_create(
            AgreedAction(
                support_record=record,
                description=a["description"].strip(),
                owner=a["owner"],
                due_on=a["due_on"],
            )
            for a in actions
        )
    return record


def agreed_action_set_done(
    *, action: AgreedAction, done: bool, by: AbstractBaseUser
) -> AgreedAction:
    with transaction.atomic():
        learner_lock(learner=action.support_record.learner)
        learner_ensure_open(learner=action.support_record.learner)
        action = AgreedAction.objects.select_for_update().get(pk=action.pk)
        if done and action.done_at is None:
            action.done_at, action.done_by = timezone.now(), by
        elif not done and action.done_at is not None:
            action.done_at, action.done_by = None, None
        action.save(update_fields=["done_at", "done_by"])
    return action
