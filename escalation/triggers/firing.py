"""What a trigger does when it fires, and what the tutor decides.

Policy: a trigger puts the learner at risk. The product raises a risk notification saying which
rule fired on which records, opens (or joins) the learner's case at first risk identified (or at
stage 1 for the rules the preset lists), and proposes a rating that the tutor accepts or
overrides with a reason. Where the version's triggers do not drive its ladder
(drivers.triggers False) the notification and the proposed rating are all there is. Inside the
first days on programme the directors are told at once.
"""

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from escalation.learner_actions import learner_rate
from escalation.models import Decision, EscalationCase, RiskNotification
from escalation.services import IllegalMove
from escalation.sweeps.selectors import Audience, audiences_resolve
from escalation.triggers.base import Firing
from escalation.triggers.cases import cases_for_firings
from learners.models import Learner
from learners.roles import Role
from notifications.services import NotificationItem, notifications_send_many
from policies.selectors import version_spec
from policies.spec import LOW, RISK_LEVELS, PolicySpec, TriggerRule
from riskcases.models import RiskRating
from riskcases.services import rating_current


def rating_proposed(*, rule: TriggerRule, current_level: str | None, step_up: bool = True) -> str:
    """The rule's level, or one step above the current rating if that is higher: a new
    trigger on a learner already at risk is more concern, not the same. Not where the version
    says itself when to go higher (``step_up`` False, its rating_step_up), nor for a rule
    proposing the lowest level (expectations met)."""
    proposed = RISK_LEVELS.index(rule.proposes)
    if current_level is not None and step_up and rule.proposes != LOW:
        proposed = max(proposed, min(RISK_LEVELS.index(current_level) + 1, len(RISK_LEVELS) - 1))
    return RISK_LEVELS[proposed]


def within_first_days(*, learner: Learner, policy: PolicySpec, today: dt.date) -> bool:
    return 0 <= (today - learner.start_date).days < policy.directors_told_within_days


def trigger_fire(*, firing: Firing, today: dt.date) -> RiskNotification | None:
    """Raise one risk notification, unless this rule already fired on these records."""
    return triggers_fire_many(firings=[firing], today=today)[0]


def triggers_fire_many(
    *, firings: Sequence[Firing], today: dt.date
) -> list[RiskNotification | None]:
    """Raise a batch's risk notifications in one transaction (None for a firing already
    stored). Safe to run twice at once: the batch locks its learners' rows (in one statement,
    in pk order) and re-checks under the locks what has fired; the unique key backs it. Reads
    and writes are set-based: the cases joined or opened (escalation/triggers/cases.py), the
    notes, the announcements."""
    try:
        with transaction.atomic():
            learner_ids = sorted({f.learner_id for f in firings})
            learners = Learner.objects.select_for_update().filter(pk__in=learner_ids)
            by_pk = {learner.pk: learner for learner in learners.order_by("pk")}
            done = set(
                RiskNotification.objects.filter(
                    learner_id__in=learner_ids, rule_key__in={f.rule.key for f in firings}
                ).values_list("learner_id", "rule_key", "fingerprint")
            )
            ratings = {
                r.learner_id: r.level
                for r in RiskRating.objects.filter(
                    learner_id__in=learner_ids, ended_at__isnull=True
                )
            }
            new: dict[int, Firing] = {}  # by position in the batch
            for position, firing in enumerate(firings):
                key = (firing.learner_id, firing.rule.key, firing.fingerprint)
                if key not in done:
                    done.add(key)
                    new[position] = firing
            cases = cases_for_firings(firings=list(new.values()), learners=by_pk)
            case_at = dict(zip(new, cases, strict=True))
            notes: list[RiskNotification | None] = [
                _note_for(
                    firing=firing,
                    learner=by_pk[firing.learner_id],
                    case=case_at[position],
                    current_level=ratings.get(firing.learner_id),
                    today=today,
                )
                if position in new
                else None
                for position, firing in enumerate(firings)
            ]
            fresh = [note for note in notes if note is not None]
            RiskNotification.objects.bulk_create(fresh)
            _announce_many(
                notes=fresh, policies=[version_spec(f.rule.version_id) for f in new.values()]
            )
    except IntegrityError:
        if len(firings) == 1:
            return [None]  # another sweep stored it first
        # Something in the batch was stored meanwhile: one at a time, each deciding alone.
        return [trigger_fire(firing=f, today=today) for f in firings]
    return notes


def _note_for(
    *,
    firing: Firing,
    learner: Learner,
    case: EscalationCase | None,
    current_level: str | None,
    today: dt.date,
) -> RiskNotification:
    """The firing's note (unsaved), on the case it joined or opened."""
    rule = firing.rule
    policy = version_spec(rule.version_id)
    return RiskNotification(
        learner=learner,
        rule_key=rule.key,
        rule_name=rule.name,
        fingerprint=firing.fingerprint,
        evidence=firing.evidence,
        fired_at=timezone.now(),
        fired_on=today,
        case=case,
        # A proposal back to the lowest rating is no early risk for the directors.
        within_first_days=rule.proposes != LOW
        and within_first_days(learner=learner, policy=policy, today=today),
        proposed_level=rating_proposed(
            rule=rule, current_level=current_level, step_up=policy.rating_step_up
        ),
    )


def _announce_many(*, notes: Sequence[RiskNotification], policies: Sequence[PolicySpec]) -> None:
    """Tell the tutor, the team's managers and quality / IQA of each note, and the directors
    of those inside the first days on programme (``policies``: each note's rule's version)."""
    policy_of = {id(note): policy for note, policy in zip(notes, policies, strict=True)}
    risk_roles = frozenset({Role.TUTOR, Role.MANAGER, Role.QUALITY})
    audiences = [Audience(learner=note.learner, roles=risk_roles) for note in notes]
    early = [note for note in notes if note.within_first_days]
    audiences += [
        Audience(learner=note.learner, roles=frozenset({Role.DIRECTOR})) for note in early
    ]
    people = audiences_resolve(audiences=audiences)
    items = []
    for note, recipients in zip(notes, people[: len(notes)], strict=True):
        learner = note.learner
        items.append(
            NotificationItem(
                recipients=recipients,
                kind="risk_notification",
                title=f"Risk notification for {learner.full_name}: {note.rule_name}",
                body=f"{note.evidence} Proposed rating: "
                f"{policy_of[id(note)].label(note.proposed_level)}.",
                url=_learner_risk_url(learner),
                dedupe_key=f"risk:{note.pk}",
            )
        )
    for note, recipients in zip(early, people[len(notes) :], strict=True):
        learner = note.learner
        days = policy_of[id(note)].directors_told_within_days
        items.append(
            NotificationItem(
                recipients=recipients,
                kind="early_risk",
                title=f"Inside the first {days} days: {learner.full_name}, {note.rule_name}",
                body=f"Started on {learner.start_date:%d %b %Y}. {note.evidence}",
                url=_learner_risk_url(learner),
                dedupe_key=f"risk:{note.pk}:directors",
            )
        )
    notifications_send_many(items=items)


def _learner_risk_url(learner: Learner) -> str:
    return reverse("learner_detail", args=[learner.pk]) + "#risk-notifications"


def risk_notification_decide(
    *,
    notification: RiskNotification,
    by: AbstractBaseUser,
    accept: bool,
    level: str = "",
    reason: str = "",
) -> RiskNotification:
    """The tutor accepts the proposed rating, or overrides it with a reason (which may keep
    the current rating). The rating change is ``learner_rate``'s, as on the rating page: at
    Medium or High it opens a case, or joins the one the trigger opened."""
    reason = reason.strip()
    if not accept:
        if level not in RISK_LEVELS:
            raise ValidationError({"level": "Choose the rating you think is right."})
        if not reason:
            raise ValidationError({"reason": "Say why you are not accepting the proposal."})
    with transaction.atomic():
        note = (
            RiskNotification.objects.select_for_update()
            .select_related("learner")
            .get(pk=notification.pk)
        )
        if note.status != Decision.PENDING:
            raise IllegalMove("This risk notification has already been decided.")
        chosen = note.proposed_level if accept else level
        why = reason or f"Accepted the proposal from the trigger: {note.rule_name}."
        current = rating_current(learner=note.learner)
        if current is None or current.level != chosen:
            learner_rate(
                learner=note.learner,
                level=chosen,
                reason=f"{why} ({note.rule_name}: {note.evidence})",
                by=by,
            )
        note.status = Decision.ACCEPTED if accept else Decision.OVERRIDDEN
        note.decided_level, note.decision_reason = chosen, why
        note.decided_by, note.decided_at = by, timezone.now()
        note.save()
    return note
