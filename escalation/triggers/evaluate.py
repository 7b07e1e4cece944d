"""Evaluating the triggers and the inactivity clock: the daily sweep over every open learner
(06:00, the Celery task escalation.tasks.sweep_triggers) or the learners just given new
records. Runs the inactivity driver (escalation/sweeps/inactivity.py: activity closes the
cases it opened, a long enough silence opens one), fires what is new
(escalation/triggers/firing.py), withdraws back-on-track proposals a trigger now contradicts,
and proposes removal for the cases back on track (back_on_track.py).
"""

import datetime as dt

from escalation.models import EscalationCase, RiskNotification
from escalation.sweeps.inactivity import inactivity_evaluate
from escalation.triggers.back_on_track import cases_back_on_track, cases_propose_removal
from escalation.triggers.firing import triggers_fire_many
from escalation.triggers.registry import learners_evaluated, triggers_holding
from learners.models import Learner

# Firings (and removal proposals) per transaction in the sweep: few queries per batch, locks
# held briefly.
FIRING_BATCH_SIZE = 100


def triggers_evaluate(*, today: dt.date, learner_ids: list[int] | None = None) -> dict:
    """Evaluate the inactivity clock and the triggers for every open learner (the daily sweep)
    or for the learners just given new records. Closes or opens the inactivity clock's cases,
    fires what is new, withdraws stale back-on-track proposals, and proposes removal for cases
    that are back on track."""
    # The inactivity clock first: a case it opens is the one a trigger then joins, and so
    # stays driven by the clock (activity recorded closes it).
    inactivity = inactivity_evaluate(today=today, learner_ids=learner_ids)
    learners = Learner.objects.all()
    if learner_ids is not None:
        learners = learners.filter(pk__in=learner_ids)
    holding = triggers_holding(learners=learners, today=today)
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
    back = cases_back_on_track(learners=learners, holding=at_risk, today=today)
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
        **inactivity,
    }
