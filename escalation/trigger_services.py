"""What a trigger does when it fires, what the tutor decides, and the back-on-track proposal.

Policy: a trigger puts the learner at risk. The product raises a risk notification saying which
rule fired on which records, opens (or joins) the learner's case at first risk identified (or at
stage 1 for the rules the preset lists), and proposes a rating that the tutor accepts or
overrides with a reason. Inside the first days on programme the directors are told at once.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from escalation.models import CaseStatus, Decision, EscalationCase, RiskNotification
from escalation.services import IllegalMove, case_active, case_advance, case_open, case_preset
from escalation.triggers import Firing, learners_evaluated, triggers_holding
from learners.models import Learner, ProgressSnapshot
from learners.policies import active_preset
from learners.policies.base import RISK_LEVELS, PolicyPreset, TriggerRule
from learners.roles import Role
from learners.services import learner_lock
from notifications.services import notification_send
from riskcases.services import rating_change, rating_current


def rating_proposed(*, rule: TriggerRule, current_level: str | None) -> str:
    """The rule's level, or one step above the current rating if that is higher: a new
    trigger on a learner already at risk is more concern, not the same."""
    proposed = RISK_LEVELS.index(rule.proposes)
    if current_level is not None:
        proposed = max(proposed, min(RISK_LEVELS.index(current_level) + 1, len(RISK_LEVELS) - 1))
    return RISK_LEVELS[proposed]


def within_first_days(*, learner: Learner, preset: PolicyPreset, today: dt.date) -> bool:
    return 0 <= (today - learner.start_date).days < preset.directors_told_within_days


def _risk_audience(learner: Learner) -> QuerySet:
    """Told of every risk notification: the tutor, the team's managers and quality / IQA."""
    scope = Q(pk=learner.tutor_id) | Q(managed_teams=learner.team_id) | Q(groups__name=Role.QUALITY)
    return get_user_model().objects.filter(scope, is_active=True).distinct()


def _directors() -> QuerySet:
    return get_user_model().objects.filter(groups__name=Role.DIRECTOR, is_active=True)


def _case_for_trigger(*, learner: Learner, rule: TriggerRule, reason: str) -> EscalationCase:
    """Open the learner's case at the rule's stage, or join the active one, moving an open case
    up to that stage if it is below it (a stage 1 trigger on a first-risk case starts stage 1)."""
    preset = active_preset()
    target = rule.opens_at or preset.stages[0].key
    case = case_active(learner=learner)
    if case is None:
        return case_open(learner=learner, by=None, reason=reason, stage_key=target)
    case_stages = [s.key for s in case_preset(case).stages]
    if case.status != CaseStatus.OPEN or target not in case_stages:
        return case
    while case_stages.index(case.stage) < case_stages.index(target):
        case = case_advance(case=case, by=None, reason=reason, expected_stage=case.stage)
    return case


def trigger_fire(*, firing: Firing, today: dt.date) -> RiskNotification | None:
    """Raise one risk notification, unless this rule already fired on these records.
    Safe to run twice at once: the learner's row lock serialises, the unique key backs it."""
    preset = active_preset()
    rule = firing.rule
    try:
        with transaction.atomic():
            learner = learner_lock(learner=Learner(pk=firing.learner_id))
            done = RiskNotification.objects.filter(
                learner=learner, rule_key=rule.key, fingerprint=firing.fingerprint
            )
            if done.exists():
                return None
            current = rating_current(learner=learner)
            early = within_first_days(learner=learner, preset=preset, today=today)
            case = _case_for_trigger(
                learner=learner, rule=rule, reason=f"Trigger: {rule.name}. {firing.evidence}"
            )
            note = RiskNotification.objects.create(
                learner=learner,
                rule_key=rule.key,
                rule_name=rule.name,
                fingerprint=firing.fingerprint,
                evidence=firing.evidence,
                fired_at=timezone.now(),
                fired_on=today,
                case=case,
                within_first_days=early,
                proposed_level=rating_proposed(
                    rule=rule, current_level=current.level if current else None
                ),
            )
            _announce(note=note, learner=learner, preset=preset)
    except IntegrityError:
        return None  # another sweep stored it first
    return note


def _announce(*, note: RiskNotification, learner: Learner, preset: PolicyPreset) -> None:
    url = reverse("learner_detail", args=[learner.pk]) + "#risk-notifications"
    proposed = preset.label(note.proposed_level)
    notification_send(
        recipients=_risk_audience(learner),
        kind="risk_notification",
        title=f"Risk notification for {learner.full_name}: {note.rule_name}",
        body=f"{note.evidence} Proposed rating: {proposed}.",
        url=url,
        dedupe_key=f"risk:{note.pk}",
    )
    if note.within_first_days:
        days = preset.directors_told_within_days
        notification_send(
            recipients=_directors(),
            kind="early_risk",
            title=f"Inside the first {days} days: {learner.full_name}, {note.rule_name}",
            body=f"Started on {learner.start_date:%d %b %Y}. {note.evidence}",
            url=url,
            dedupe_key=f"risk:{note.pk}:directors",
        )


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


def case_propose_removal(*, case_id: int, today: dt.date) -> bool:
    with transaction.atomic():
        updated = EscalationCase.objects.filter(
            pk=case_id, removal_proposed_on__isnull=True
        ).update(removal_proposed_on=today)
        if not updated:
            return False  # another sweep proposed it
        case = EscalationCase.objects.select_related("learner").get(pk=case_id)
        learner = case.learner
        notification_send(
            recipients=get_user_model().objects.filter(
                managed_teams=learner.team_id, is_active=True
            ),
            kind="back_on_track",
            title=f"{learner.full_name} is back on track: confirm removal from the register",
            body="No trigger holds and progress has been at or above plan for "
            f"{active_preset().back_on_track_days} days.",
            url=reverse("case_detail", args=[case.pk]),
            dedupe_key=f"case:{case.pk}:back-on-track:{today.isoformat()}",
        )
    return True


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
    fired = [note.pk for f in fresh if (note := trigger_fire(firing=f, today=today))]
    at_risk = {f.learner_id for f in holding}
    # A trigger holds again: the back-on-track proposal no longer stands.
    EscalationCase.objects.filter(learner_id__in=at_risk, removal_proposed_on__isnull=False).update(
        removal_proposed_on=None
    )
    back = cases_back_on_track(learners=learners, holding=at_risk, today=today, preset=preset)
    proposed = [pk for pk in back if case_propose_removal(case_id=pk, today=today)]
    return {
        "day": today.isoformat(),
        "holding": len(holding),
        "fired": fired,
        "proposed_removal": proposed,
    }
