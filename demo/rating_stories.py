"""Step 3 of seed_demo, for the teams whose version has a rating beside its ladder with actions
to tick off and a rule back to the lowest rating (Leeds on BPN 2026, section 7): one apprentice
rated Amber on a missed review, with the Amber checklist half done; one rated Amber on lateness
six weeks ago, the checklist done, and returned to Green today by the "expectations met" rule
(the tutor accepting its proposal). Written through the real actions on the days they happened.

Keyed on the Green story's first contact-log entry, so a rerun adds nothing."""

import datetime as dt

from django.utils import timezone

from demo.timeline import at, on
from escalation.calendar import is_working_day
from escalation.learner_actions import support_agree
from escalation.models import EscalationCase, RiskNotification
from escalation.triggers.evaluate import triggers_evaluate
from escalation.triggers.firing import risk_notification_decide
from learners.models import (
    Attendance,
    Learner,
    LearnerStatus,
    ProgressEvent,
    RecordSource,
    ScheduledSession,
    Team,
    Visit,
)
from learners.policy_reading import team_policy
from riskcases.models import ContactLogEntry, RiskFactor
from riskcases.services import contact_log

LATE_NOTE = "Arrived 40 minutes late to the progress review; second time this term."


def _working_day_back(day: dt.date, days: int, nation: str) -> dt.date:
    while days > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day, nation=nation):
            days -= 1
    return day


def _attended(learner: Learner, day: dt.date) -> None:
    ScheduledSession.objects.get_or_create(
        learner=learner,
        occurred_on=day,
        title="Classroom session",
        defaults={
            "source": RecordSource.TUTOR,
            "recorded_by": learner.tutor,
            "attendance": Attendance.ATTENDED,
        },
    )


def _decide(learner: Learner, rule_key: str, when: dt.datetime) -> bool:
    note = RiskNotification.objects.filter(learner=learner, rule_key=rule_key).first()
    if note is None or note.status != "pending":
        return False
    with on(when):
        risk_notification_decide(notification=note, by=learner.tutor, accept=True)
    return True


def _contact(learner: Learner, when: dt.datetime, **fields) -> None:
    with on(when):
        contact_log(learner=learner, author=learner.tutor, occurred_at=when, **fields)


def _amber(learner: Learner, today: dt.date) -> None:
    """A missed review last week: Amber accepted; the apprentice called, the employer not yet,
    no recovery plan yet."""
    missed = _working_day_back(today, 5, learner.nation)
    _attended(learner, _working_day_back(missed, 1, learner.nation))
    Visit.objects.get_or_create(
        learner=learner,
        occurred_on=missed,
        kind="review",
        defaults={
            "source": RecordSource.TUTOR,
            "recorded_by": learner.tutor,
            "outcome": "cancelled_by_learner",
        },
    )
    with on(at(missed, 17)):
        triggers_evaluate(today=missed, learner_ids=[learner.pk])
    if not _decide(learner, "missed_review", at(missed, 17, 30)):
        return
    _contact(
        learner,
        at(_working_day_back(today, 4, learner.nation), 10),
        contact_type="phone",
        outcome="responded",
        notes="Called about the missed review: she forgot it was booked. Rebooked for next week.",
    )


def _green(learner: Learner, today: dt.date) -> None:
    """Late to a review six weeks ago: Amber accepted, apprentice and employer told, a recovery
    plan agreed; weekly classes since; today the rule proposes Green and the tutor accepts."""
    rated = _working_day_back(today, 30, learner.nation)
    _contact(
        learner,
        at(rated, 10),
        contact_type="meeting",
        outcome="responded",
        notes=LATE_NOTE,
        risk_factors=RiskFactor.objects.filter(code="lateness"),
    )
    with on(at(rated, 17)):
        triggers_evaluate(today=rated, learner_ids=[learner.pk])
    if not _decide(learner, "concern_recorded", at(rated, 17, 30)):
        return
    next_day = rated + dt.timedelta(days=1)
    while not is_working_day(next_day, nation=learner.nation):
        next_day += dt.timedelta(days=1)
    _contact(
        learner,
        at(next_day, 9),
        contact_type="email",
        contact_with="both",
        notes="Wrote to the apprentice and her mentor about punctuality at reviews.",
    )
    with on(at(next_day, 11)):
        support_agree(
            learner=learner,
            by=learner.tutor,
            kind="support_plan",
            summary="Recovery plan: reviews booked at 10:00 on study days; mentor reminds her "
            "the day before; OTJT logged every Friday.",
            agreed_on=next_day,
            shared_with_employer=True,
        )
    day = next_day + dt.timedelta(days=1)
    while day < today:
        if day.weekday() == 1:
            _attended(learner, day)
        if day.day == 28:
            ProgressEvent.objects.get_or_create(
                learner=learner,
                occurred_on=day,
                description="Off-the-job hours logged for the month",
                defaults={"source": RecordSource.TUTOR, "kind": "otj_logged"},
            )
        day += dt.timedelta(days=1)
    _attended(learner, _working_day_back(today, 1, learner.nation))
    with on(at(today, 6)):
        triggers_evaluate(today=today, learner_ids=[learner.pk])
    _decide(learner, "expectations_met", at(today, 8))


def _candidates(team: Team, today: dt.date):
    return (
        Learner.objects.filter(
            team=team,
            status=LearnerStatus.ON_PROGRAMME,
            archived=False,
            start_date__lt=today - dt.timedelta(days=120),
            ratings__ended_at__isnull=True,
            ratings__level="low",
            risk_notifications__isnull=True,
        )
        .exclude(pk__in=EscalationCase.objects.values("learner_id"))
        .select_related("tutor", "team")
        .order_by("uln")
    )


def seed(*, stdout) -> None:
    today = timezone.localdate()
    told = 0
    for team in Team.objects.order_by("name"):
        policy = team_policy(team=team)
        kinds = {rule.key for rule in policy.triggers}
        if not policy.rating_actions or not {"missed_review", "expectations_met"} <= kinds:
            continue
        if ContactLogEntry.objects.filter(learner__team=team, notes=LATE_NOTE).exists():
            continue  # told already
        learners = list(_candidates(team, today)[:2])
        if len(learners) < 2:
            continue
        _amber(learners[0], today)
        _green(learners[1], today)
        told += 1
    stdout.write(f"ratings beside the ladder: {told} team(s) with an Amber and a Green story")
