"""Reads for learners on a break in learning: the contact reminder list and the learner page's
break panel.

Policy (Aspiration 5.1.2.1): a learner on a break "should be contacted regularly as appropriate
during the period of suspension". The contact clock runs from the later of the break's start
and the last contact-log entry (rating changes are not contacts), so a break agreed yesterday is
not already due. Here, in escalation beside the break actions (escalation/breaks.py): it reads
the contact log (riskcases) beside the learner."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from learners.access import learners_visible_to
from learners.models import BreakInLearning, Learner, LearnerStatus
from learners.policy_reading import team_specs
from riskcases.models import ContactLogEntry, ContactType


@dataclass(frozen=True)
class BreakRow:
    learner: Learner
    since: dt.date | None  # None: the status says break but no break was recorded here
    reason: str
    expected_return_on: dt.date | None
    last_contact_on: dt.date | None
    days_without_contact: int | None  # since the later of the start and the last contact
    contact_due: bool
    return_passed: bool


def _rows(learners: QuerySet[Learner], today: dt.date) -> list[BreakRow]:
    """One query whatever the number of learners: each column is a subquery."""
    open_break = BreakInLearning.objects.filter(learner=OuterRef("pk"), returned_on__isnull=True)
    last_contact = (
        ContactLogEntry.objects.filter(learner=OuterRef("pk"))
        .exclude(contact_type=ContactType.RISK_RATING)
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    on_break = learners.filter(status=LearnerStatus.BREAK_IN_LEARNING, archived=False).annotate(
        break_since=Subquery(open_break.values("occurred_on")[:1]),
        break_reason=Subquery(open_break.values("reason")[:1]),
        last_contact_at=Subquery(last_contact),
    )
    specs = team_specs()
    rows = []
    for learner in on_break.select_related("tutor", "team"):
        limit = specs[learner.team_id].break_contact_days
        last = learner.last_contact_at and timezone.localtime(learner.last_contact_at).date()
        clock = max((d for d in (learner.break_since, last) if d), default=None)
        days = (today - clock).days if clock else None
        expected = learner.expected_return_date
        rows.append(
            BreakRow(
                learner=learner,
                since=learner.break_since,
                reason=learner.break_reason or "",
                expected_return_on=expected,
                last_contact_on=last,
                days_without_contact=days,
                contact_due=days is None or days >= limit,
                return_passed=expected is not None and expected < today,
            )
        )
    # Most overdue for contact first (never contacted and no start recorded: first of all).
    rows.sort(key=lambda r: (-_overdue(r), r.learner.last_name, r.learner.first_name, r.learner.pk))
    return rows


def _overdue(row: BreakRow) -> int:
    return 10**6 if row.days_without_contact is None else row.days_without_contact


def breaks_for(*, user: AbstractBaseUser, today: dt.date | None = None) -> list[BreakRow]:
    """The contact reminder list: every learner on a break the user may see."""
    return _rows(learners_visible_to(user), today or timezone.localdate())


def learner_break_state(*, learner: Learner, today: dt.date | None = None) -> BreakRow | None:
    """The learner page's panel: the current break, or None when not on one."""
    if learner.status != LearnerStatus.BREAK_IN_LEARNING:
        return None  # no query for the usual case
    rows = _rows(Learner.objects.filter(pk=learner.pk), today or timezone.localdate())
    return rows[0] if rows else None
