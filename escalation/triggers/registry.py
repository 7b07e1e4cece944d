"""Which query each trigger kind runs, and which of the preset's triggers hold today.

HOLDING maps each kind (the object declared in policies/trigger_kinds.py) to its
module's ``holding`` query. Every declared kind must have one: a kind added there without a
module here fails at import, not on the first morning its preset runs.
"""

import datetime as dt

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from escalation.triggers import (
    behind_progress,
    break_no_return,
    break_silence,
    cancelled_visits,
    concern_recorded,
    expectations_met,
    inactivity,
    left_employment,
    missed_class,
    missed_homework,
    missed_review,
    missed_sessions,
    no_active_learning_month,
    no_new_employer,
    no_progress,
    repeated_concerns,
    work_absences,
)
from escalation.triggers.base import Firing, HoldingQuery
from learners.models import Learner, LearnerStatus
from learners.policy_reading import team_specs
from policies.spec import PolicySpec, TriggerKind
from policies.trigger_kinds import TRIGGER_KINDS

KIND_MODULES = (
    behind_progress,
    missed_sessions,
    missed_homework,
    work_absences,
    left_employment,
    no_new_employer,
    no_progress,
    cancelled_visits,
    break_silence,
    break_no_return,
    inactivity,
    no_active_learning_month,
    missed_review,
    missed_class,
    concern_recorded,
    repeated_concerns,
    expectations_met,
)
HOLDING: dict[TriggerKind, HoldingQuery] = {module.KIND: module.holding for module in KIND_MODULES}

if missing := sorted(k for k, kind in TRIGGER_KINDS.items() if kind not in HOLDING):
    raise ImproperlyConfigured(f"Trigger kinds with no holding query: {', '.join(missing)}")

EVALUATED_STATUSES = (LearnerStatus.ON_PROGRAMME, LearnerStatus.BREAK_IN_LEARNING)


def learners_evaluated(learners: QuerySet[Learner]) -> QuerySet[Learner]:
    """Learners the triggers look at: open records only (a withdrawn or completed learner, or
    an archived record, is not at risk of leaving)."""
    return learners.filter(archived=False, status__in=EVALUATED_STATUSES)


def triggers_holding(
    *, learners: QuerySet[Learner], today: dt.date, policy: PolicySpec | None = None
) -> list[Firing]:
    """Every trigger that holds today for ``learners``, each learner under the version its
    team follows today: each rule's kind's query over the learners of the teams following the
    rule's version, in the rule's scope (its programme types and nations). Queries per rule of
    each version in use, never per learner. ``policy``: that version's rules over every one of
    ``learners`` instead (a policy's page, the tests).

    A version whose drivers.triggers is False runs its triggers too: they raise risk
    notifications proposing a rating, but open or join no case (escalation/triggers/cases.py),
    as where the rating runs beside a ladder something else drives (BPN's section 7)."""
    scopes: list[tuple[PolicySpec, QuerySet[Learner]]] = []
    if policy is not None:
        scopes.append((policy, learners_evaluated(learners)))
    else:
        teams_by_version: dict[int, list[int]] = {}
        specs = {}
        for team_id, spec in team_specs(today=today).items():
            teams_by_version.setdefault(spec.version_id, []).append(team_id)
            specs[spec.version_id] = spec
        for version_id, team_ids in teams_by_version.items():
            scope = learners_evaluated(learners).filter(team_id__in=team_ids)
            scopes.append((specs[version_id], scope))
    firings: list[Firing] = []
    for spec, scope in scopes:
        for rule in spec.triggers:
            rule_scope = scope
            if rule.programme_types is not None:
                rule_scope = rule_scope.filter(programme_type__in=rule.programme_types)
            if rule.nations is not None:
                rule_scope = rule_scope.filter(nation__in=rule.nations)
            firings.extend(HOLDING[rule.kind](rule, rule_scope, today))
    return firings
