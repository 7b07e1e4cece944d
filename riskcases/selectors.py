"""Reads for the caseload and the learner page."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from learners.models import Learner
from learners.policy_reading import learner_policy
from learners.record_kinds import timeline_filters
from learners.roles import Role, has_role
from learners.selectors import learner_list_for
from riskcases.models import (
    AgreedAction,
    ContactLogEntry,
    ContactType,
    RiskFactor,
    RiskLevel,
    RiskRating,
    SupportRecord,
)

# Actions due within this many days count as "due soon" on the caseload.
ACTIONS_DUE_SOON_DAYS = 7
LEVEL_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}

CASELOAD_SORTS = {
    "name": ("last_name", "first_name", "pk"),
    "-name": ("-last_name", "-first_name", "-pk"),
    "rating": ("level_rank", "last_name", "pk"),
    "-rating": ("-level_rank", "last_name", "pk"),
    # Oldest last contact first: the learners most in need of a call come to the top.
    "last_contact": ("last_contact_at", "last_name", "pk"),
    "-last_contact": ("-last_contact_at", "last_name", "pk"),
    "actions": ("actions_overdue", "actions_due_soon", "last_name", "pk"),
    "-actions": ("-actions_overdue", "-actions_due_soon", "last_name", "pk"),
}


def can_read_confidential(user: AbstractBaseUser) -> bool:
    """Policy: sensitive information from safeguarding conversations is shared only with the
    safeguarding team (not managers, not administrators, not the author)."""
    return has_role(user, Role.SAFEGUARDING)


def _count_subquery(queryset: QuerySet, outer_field: str) -> Coalesce:
    counted = queryset.values(outer_field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def caseload_for(*, user: AbstractBaseUser, today: dt.date | None = None) -> QuerySet[Learner]:
    """Visible learners with their current rating, last contact and open actions, each a
    subquery, so the page runs the same number of queries however many rows it shows."""
    today = today or timezone.localdate()
    current = RiskRating.objects.filter(learner=OuterRef("pk"), ended_at__isnull=True)
    last_contact = (
        ContactLogEntry.objects.filter(learner=OuterRef("pk"))
        .exclude(contact_type=ContactType.RISK_RATING)
        .values("learner")
        .annotate(last=Max("occurred_at"))
        .values("last")
    )
    open_actions = AgreedAction.objects.filter(
        support_record__learner=OuterRef("pk"), done_at__isnull=True
    )
    return learner_list_for(user=user).annotate(
        current_level=Subquery(current.values("level")[:1]),
        level_rank=Case(
            *(When(current_level=level, then=Value(rank)) for level, rank in LEVEL_ORDER.items()),
            default=Value(-1),
            output_field=IntegerField(),
        ),
        last_contact_at=Subquery(last_contact),
        actions_overdue=_count_subquery(
            open_actions.filter(due_on__lt=today), "support_record__learner"
        ),
        actions_due_soon=_count_subquery(
            open_actions.filter(
                due_on__gte=today, due_on__lte=today + dt.timedelta(days=ACTIONS_DUE_SOON_DAYS)
            ),
            "support_record__learner",
        ),
    )


def caseload_sorted(queryset: QuerySet[Learner], sort: str) -> QuerySet[Learner]:
    return queryset.order_by(*CASELOAD_SORTS.get(sort, CASELOAD_SORTS["name"]))


@dataclass
class TimelineItem:
    kind: str  # rating | contact | support | action
    at: dt.datetime
    title: str
    obj: Any
    hidden: bool = False  # a confidential entry whose body this user may not read
    extra: dict = field(default_factory=dict)
    # Items from higher apps (case stages, withdrawals, breaks) bring their own template.
    template: str = ""


# The timeline filters this module reads (their labels, their order and the record kinds each
# shows: learners/record_kinds.py); escalation.selectors reads the rest.
TIMELINE_KINDS = timeline_filters("contact", "rating", "support", "action")


def _midday(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def learner_timeline(
    *, learner: Learner, user: AbstractBaseUser, kinds: set[str] | None = None
) -> list[TimelineItem]:
    """One chronological story (newest first) of ratings, contacts, plans and done actions.
    Rating changes appear once, through their "risk rating" contact-log entry."""
    kinds = kinds or set(TIMELINE_KINDS)
    reader = can_read_confidential(user)
    items: list[TimelineItem] = []
    if kinds & {"contact", "rating"}:
        entries = learner.contacts.select_related("author", "rating").prefetch_related(
            "attachments", "risk_factors"
        )
        if "contact" not in kinds:
            entries = entries.filter(contact_type=ContactType.RISK_RATING)
        if "rating" not in kinds:
            entries = entries.exclude(contact_type=ContactType.RISK_RATING)
        for entry in entries:
            is_rating = entry.contact_type == ContactType.RISK_RATING
            items.append(
                TimelineItem(
                    kind="rating" if is_rating else "contact",
                    at=entry.occurred_at,
                    title=entry.get_contact_type_display(),
                    obj=entry,
                    hidden=entry.confidential and not reader,
                )
            )
        # Enrolment at Low writes no log entry (the policy needs none); show it all the same.
        if "rating" in kinds:
            for rating in learner.ratings.filter(log_entry__isnull=True).select_related("set_by"):
                items.append(TimelineItem("rating", rating.started_at, "Risk rating", rating))
    if "support" in kinds:
        records = learner.support_records.select_related("created_by").prefetch_related(
            "interventions", "actions"
        )
        for record in records:
            items.append(
                TimelineItem(
                    "support", _midday(record.agreed_on), record.get_kind_display(), record
                )
            )
    if "action" in kinds:
        done = AgreedAction.objects.filter(
            support_record__learner=learner, done_at__isnull=False
        ).select_related("done_by", "support_record")
        for action in done:
            items.append(TimelineItem("action", action.done_at, "Action completed", action))
    items.sort(key=lambda item: (item.at, item.obj.pk), reverse=True)
    return items


def learner_open_actions(*, learner: Learner) -> QuerySet[AgreedAction]:
    return (
        AgreedAction.objects.filter(support_record__learner=learner, done_at__isnull=True)
        .select_related("support_record")
        .order_by("due_on", "pk")
    )


def learner_risk_factors(*, learner: Learner, user: AbstractBaseUser) -> QuerySet[RiskFactor]:
    """Factors recorded on the learner's ratings and contacts. Factors noted on confidential
    entries (a safeguarding referral, say) show only to the safeguarding team."""
    contacts = Q(contacts__learner=learner)
    if not can_read_confidential(user):
        contacts &= Q(contacts__confidential=False)
    return RiskFactor.objects.filter(Q(ratings__learner=learner) | contacts).distinct()


def learner_needs_support_prompt(*, learner: Learner, rating: RiskRating | None) -> bool:
    """Policy (First risk identified): at Medium or High a support plan and engagement
    contract must be considered. Prompt until one has been agreed since the rating began."""
    if (
        rating is None
        or rating.level not in learner_policy(learner=learner).support_plan_prompt_levels
    ):
        return False
    return not SupportRecord.objects.filter(
        learner=learner, created_at__gte=rating.started_at
    ).exists()


def support_records_with_actions(*, learner: Learner) -> QuerySet[SupportRecord]:
    return learner.support_records.prefetch_related(
        Prefetch("actions", queryset=AgreedAction.objects.order_by("due_on", "pk"))
    )
