"""The rating review check (daily, escalation.tasks.sweep_rating_reviews): under a version with
``periods.rating_review_days`` (MTT: "the rating will be entered by the tutor or reviewer at the
first review or in the first 6 weeks on programme"), a learner on programme that many days
with no rating review recorded is flagged to their tutor, once.

A rating review is recorded when the learner has a risk-rating entry on the contact log (a
rating entered: at enrolment with a start factor, or changed since) or a progress review held
(a Low rating needs nothing on the log, but the review that confirmed it is on record)."""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse

from learners.models import Learner, LearnerStatus, Visit
from learners.models.records import VisitKind, VisitOutcome
from learners.policy_reading import team_specs
from notifications.services import NotificationItem, notifications_send_many
from riskcases.models import ContactLogEntry, ContactType


def learners_without_rating_review(*, today: dt.date) -> list[Learner]:
    """Learners on programme past their version's rating-review days with no rating review
    recorded, oldest start first; one query per distinct number of days (one, today)."""
    by_days: dict[int, list[int]] = {}
    for team_id, spec in team_specs(today=today).items():
        if spec.periods.rating_review_days:
            by_days.setdefault(spec.periods.rating_review_days, []).append(team_id)
    rated = ContactLogEntry.objects.filter(
        learner=OuterRef("pk"), contact_type=ContactType.RISK_RATING
    )
    reviewed = Visit.objects.filter(
        learner=OuterRef("pk"), kind=VisitKind.REVIEW, outcome=VisitOutcome.HELD
    )
    found: list[Learner] = []
    for days, team_ids in by_days.items():
        found += (
            Learner.objects.filter(
                team_id__in=team_ids,
                status=LearnerStatus.ON_PROGRAMME,
                archived=False,
                start_date__lt=today - dt.timedelta(days=days),
            )
            .exclude(Exists(rated))
            .exclude(Exists(reviewed))
            .select_related("tutor", "team")
        )
    return sorted(found, key=lambda learner: (learner.start_date, learner.pk))


def rating_reviews_flag(*, today: dt.date) -> int:
    """Tell each such learner's tutor, once per learner (the notification's key): returns how
    many tutors were newly told. Run again, it tells nobody twice."""
    specs = team_specs(today=today)
    items = []
    for learner in learners_without_rating_review(today=today):
        days = specs[learner.team_id].periods.rating_review_days
        items.append(
            NotificationItem(
                recipients=[learner.tutor] if learner.tutor.is_active else [],
                kind="rating_review_due",
                title=f"{learner.full_name}: no rating review in the first {days} days",
                body=f"{learner.full_name} started on {learner.start_date:%d %b %Y} and has no "
                "risk rating entered or progress review recorded. The policy has the rating "
                f"entered at the first review or within the first {days} days on programme.",
                url=reverse("learner_detail", args=[learner.pk]),
                dedupe_key=f"rating-review:{learner.pk}",
            )
        )
    return sum(notifications_send_many(items=items)) if items else 0
