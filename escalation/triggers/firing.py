"""What a trigger does when it fires, what the tutor decides, and the back-on-track proposal.

Policy: a trigger puts the learner at risk. The product raises a risk notification saying which
rule fired on which records, opens (or joins) the learner's case at first risk identified (or at
stage 1 for the rules the preset lists), and proposes a rating that the tutor accepts or
overrides with a reason. Inside the first days on programme the directors are told at once.
"""

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from escalation.models import CaseStatus, Decision, EscalationCase, RiskNotification
from escalation.services import IllegalMove
from escalation.sweep_selectors import Audience, audiences_resolve
from escalation.trigger_cases import cases_for_firings
from escalation.triggers import Firing, learners_evaluated, triggers_holding
from learners.models import Learner, ProgressSnapshot
from learners.policies import active_preset
from learners.policies.base import RISK_LEVELS, PolicyPreset, TriggerRule
from learners.roles import Role
from notifications.services import NotificationItem, notifications_send_many
from riskcases.models import RiskRating
from riskcases.services import rating_change, rating_current

# Firings (and removal proposals) per transaction in the sweep: few queries per batch, locks
# held briefly.
FIRING_BATCH_SIZE = 100


def rating_proposed(*, rule: TriggerRule, current_level: str | None) -> str:
    """The rule's level, or one step above the current rating if that is higher: a new
    trigger on a learner already at risk is more concern, not the same."""
    proposed = RISK_LEVELS.index(rule.proposes)
    if current_level is not None:
        proposed = max(proposed, min(RISK_LEVELS.index(current_level) + 1, len(RISK_LEVELS) - 1))
    return RISK_LEVELS[proposed]


def within_first_days(*, learner: Learner, preset: PolicyPreset, today: dt.date) -> bool:
    return 0 <= (today - learner.start_date).days < preset.directors_told_within_days


def trigger_fire(*, firing: Firing, today: dt.date) -> RiskNotification | None:
    """Raise one risk notification, unless this rule already fired on these records."""
    return triggers_fire_many(firings=[firing], today=today)[0]


def triggers_fire_many(
    *, firings: Sequence[Firing], today: dt.date
) -> list[RiskNotification | None]:
    """Raise a batch's risk notifications in one transaction (None for a firing already
    stored). Safe to run twice at once: the batch locks its learners' rows (in one statement,
    in pk order) and re-checks under the locks what has fired; the unique key backs it. Reads
    and writes are set-based: the cases joined or opened (escalation/trigger_cases.py), the
    notes, the announcements."""
    preset = active_preset()
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
                    preset=preset,
                    today=today,
                )
                if position in new
                else None
                for position, firing in enumerate(firings)
            ]
            fresh = [note for note in notes if note is not None]
            RiskNotification.objects.bulk_create(fresh)
            _announce_many(notes=fresh, preset=preset)
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
    case: EscalationCase,
    current_level: str | None,
    preset: PolicyPreset,
    today: dt.date,
) -> RiskNotification:
    """The firing's note (unsaved), on the case it joined or opened."""
    rule = firing.rule
    return RiskNotification(
        learner=learner,
        rule_key=rule.key,
        rule_name=rule.name,
        fingerprint=firing.fingerprint,
        evidence=firing.evidence,
        fired_at=timezone.now(),
        fired_on=today,
        case=case,
        within_first_days=within_first_days(learner=learner, preset=preset, today=today),
        proposed_level=rating_proposed(rule=rule, current_level=current_level),
    )


def _announce_many(*, notes: Sequence[RiskNotification], preset: PolicyPreset) -> None:
    """Tell the tutor, the team's managers and quality / IQA of each note, and the directors
    of those inside the first days on programme."""
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
                body=f"{note.evidence} Proposed rating: {preset.label(note.proposed_level)}.",
                url=_learner_risk_url(learner),
                dedupe_key=f"risk:{note.pk}",
            )
        )
    days = preset.directors_told_within_days
    for note, recipients in zip(early, people[len(notes) :], strict=True):
        learner = note.learner
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
    the current rating). The rating change goes through the rating history as any other."""
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
            rating_change(
                learner=note.learner,
                level=chosen,
                reason=f"{why} ({note.rule_name}: {note.evidence})",
                set_by=by,
            )
        note.status = Decision.ACCEPTED if accept else Decision.OVERRIDDEN
        note.decided_level, note.decision_reason = chosen, why
        note.decided_by, note.decided_at = by, timezone.now()
        note.save()
    return note


# --- back on track ------------------------------------------------------------------------------


def _on_target_since(snapshots: list[ProgressSnapshot]) -> dt.date | None:
    """The first day of the current unbroken run of snapshots at or above plan (oldest first
    in ``snapshots``), or None if the latest is below plan."""
    since = None
    for snapshot in snapshots:
        if snapshot.actual_percent >= snapshot.planned_percent:
            since = since or snapshot.occurred_on
        else:
            since = None
    return since


def cases_back_on_track(
    *, learners: QuerySet[Learner], holding: set[int], today: dt.date, preset: PolicyPreset
) -> list[int]:
    """Active cases not yet proposed for removal whose learner has no trigger holding and has
    been at or above plan for the preset's period. Two queries."""
    period_start = today - dt.timedelta(days=preset.back_on_track_days)
    cases = dict(
        EscalationCase.objects.filter(
            learner__in=learners_evaluated(learners).values("pk"),
            status__in=(CaseStatus.OPEN, CaseStatus.STEPPED_DOWN),
            removal_proposed_on__isnull=True,
        )
        .exclude(learner_id__in=holding)
        .values_list("learner_id", "pk")
    )
    snapshots: dict[int, list[ProgressSnapshot]] = {}
    for snapshot in ProgressSnapshot.objects.filter(
        learner_id__in=cases, occurred_on__lte=today
    ).order_by("learner_id", "occurred_on", "pk"):
        snapshots.setdefault(snapshot.learner_id, []).append(snapshot)
    return [
        case_id
        for learner_id, case_id in cases.items()
        if (since := _on_target_since(snapshots.get(learner_id, []))) and since <= period_start
    ]


def cases_propose_removal(*, case_ids: Sequence[int], today: dt.date) -> list[int]:
    """Propose removal from the register for these cases (those not proposed meanwhile), and
    ask their teams' managers to confirm it. One transaction; returns the cases proposed."""
    with transaction.atomic():
        cases = list(
            EscalationCase.objects.filter(pk__in=case_ids, removal_proposed_on__isnull=True)
            .select_for_update(of=("self",))
            .select_related("learner")
            .order_by("pk")
        )
        EscalationCase.objects.filter(pk__in=[case.pk for case in cases]).update(
            removal_proposed_on=today
        )
        managers: dict[int, list] = {}
        for user in (
            get_user_model()
            .objects.filter(
                managed_teams__in={case.learner.team_id for case in cases}, is_active=True
            )
            .annotate(team_id=F("managed_teams"))
        ):
            managers.setdefault(user.team_id, []).append(user)
        days = active_preset().back_on_track_days
        notifications_send_many(
            items=[
                NotificationItem(
                    recipients=managers.get(case.learner.team_id, []),
                    kind="back_on_track",
                    title=f"{case.learner.full_name} is back on track: confirm removal from "
                    "the register",
                    body=f"No trigger holds and progress has been at or above plan for {days} "
                    "days.",
                    url=reverse("case_detail", args=[case.pk]),
                    dedupe_key=f"case:{case.pk}:back-on-track:{today.isoformat()}",
                )
                for case in cases
            ]
        )
    return [case.pk for case in cases]


# --- the sweep ----------------------------------------------------------------------------------


def triggers_evaluate(*, today: dt.date, learner_ids: list[int] | None = None) -> dict:
    """Evaluate the preset's triggers for every open learner (the daily sweep) or for the
    learners just given new records. Fires what is new, withdraws stale back-on-track
    proposals, and proposes removal for cases that are back on track."""
    preset = active_preset()
    learners = Learner.objects.all()
    if learner_ids is not None:
        learners = learners.filter(pk__in=learner_ids)
    holding = triggers_holding(learners=learners, today=today, preset=preset)
    already = set(
        RiskNotification.objects.filter(
            learner__in=learners_evaluated(learners).values("pk")
        ).values_list("learner_id", "rule_key", "fingerprint")
    )
    fresh = [f for f in holding if (f.learner_id, f.rule.key, f.fingerprint) not in already]
    # A batch of firings per transaction (see triggers_fire_many).
    fired = [
        note.pk
        for start in range(0, len(fresh), FIRING_BATCH_SIZE)
        for note in triggers_fire_many(
            firings=fresh[start : start + FIRING_BATCH_SIZE], today=today
        )
        if note is not None
    ]
    at_risk = {f.learner_id for f in holding}
    # A trigger holds again: the back-on-track proposal no longer stands.
    # The few proposals standing are read first: an UPDATE naming every learner a trigger holds
    # on (thousands) cost more than the whole check.
    proposed_for = EscalationCase.objects.filter(removal_proposed_on__isnull=False).values_list(
        "pk", "learner_id"
    )
    EscalationCase.objects.filter(
        pk__in=[pk for pk, learner_id in proposed_for if learner_id in at_risk],
        removal_proposed_on__isnull=False,
    ).update(removal_proposed_on=None)
    back = cases_back_on_track(learners=learners, holding=at_risk, today=today, preset=preset)
    proposed = [
        pk
        for start in range(0, len(back), FIRING_BATCH_SIZE)
        for pk in cases_propose_removal(
            case_ids=back[start : start + FIRING_BATCH_SIZE], today=today
        )
    ]
    return {
        "day": today.isoformat(),
        "holding": len(holding),
        "fired": fired,
        "proposed_removal": proposed,
    }
