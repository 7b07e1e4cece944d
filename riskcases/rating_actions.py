"""What the learner's current rating asks for while it stands (a version's rating_actions,
e.g. BPN section 7's Amber: "Tutor notifies apprentice and employer/mentor; recovery plan
agreed and documented"), ticked off from the record since the rating began: contact-log
entries with the parties named (an entry with both reaches either), by the roles named, or a
support record of a named kind. Three queries."""

import datetime as dt
from dataclasses import dataclass

from learners.models import Learner
from learners.policy_reading import learner_policy
from policies.spec import RatingAction
from riskcases.models import ContactLogEntry, ContactType, ContactWith, RiskRating, SupportRecord


@dataclass(frozen=True)
class RatingCheck:
    action: RatingAction
    done: bool
    evidence: str  # what ticked it off ("E-mail with the employer on 3 Nov 2026"), or ""

    @property
    def to_consider(self) -> bool:
        """Listed for the tutor to consider, never ticked (optional, or nothing to tick it)."""
        return self.action.optional or not self.action.ticked_from_record


def _reaches(entry: ContactLogEntry, party: str) -> bool:
    return entry.contact_with in (party, ContactWith.BOTH)


def _contact_check(action: RatingAction, entries: list[ContactLogEntry]) -> tuple[bool, str]:
    wanted = [
        entry
        for entry in entries
        if (not action.contact_types or entry.contact_type in action.contact_types)
        and (not action.by_roles or entry.author_roles & set(action.by_roles))
    ]
    found = []
    for party in action.contact_with or ("",):
        entry = next((e for e in wanted if not party or _reaches(e, party)), None)
        if entry is None:
            return False, ""
        found.append(entry)
    said = dict.fromkeys(
        f"{e.get_contact_type_display()} with the {e.get_contact_with_display().lower()} on "
        f"{e.occurred_at:%-d %b %Y}"
        for e in found
    )
    return True, "; ".join(said)


def rating_checklist(
    *, learner: Learner, rating: RiskRating | None = None
) -> tuple[RiskRating | None, list[RatingCheck]]:
    """The current rating and what its level asks for under the learner's policy, each ticked
    off from the record since the rating began (empty where the level asks for nothing)."""
    rating = rating or RiskRating.objects.filter(learner=learner, ended_at__isnull=True).first()
    if rating is None:
        return None, []
    actions = learner_policy(learner=learner).rating_actions.get(rating.level, ())
    if not actions:
        return rating, []
    since: dt.datetime = rating.started_at
    entries = list(
        ContactLogEntry.objects.filter(learner=learner, occurred_at__gte=since)
        .exclude(contact_type=ContactType.RISK_RATING)
        .select_related("author")
        .prefetch_related("author__groups")
        .order_by("occurred_at", "pk")
    )
    for entry in entries:
        entry.author_roles = {group.name for group in entry.author.groups.all()}
    support = list(
        SupportRecord.objects.filter(learner=learner, agreed_on__gte=since.date()).order_by(
            "agreed_on", "pk"
        )
    )
    checks = []
    for action in actions:
        done, evidence = False, ""
        if action.support_kinds:
            record = next((s for s in support if s.kind in action.support_kinds), None)
            if record is not None:
                done = True
                evidence = f"{record.get_kind_display()} agreed on {record.agreed_on:%-d %b %Y}"
        elif action.contact_with or action.by_roles:
            done, evidence = _contact_check(action, entries)
        checks.append(RatingCheck(action, done and not action.optional, evidence))
    return rating, checks
