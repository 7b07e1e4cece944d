"""Step 2 of seed_demo: rating histories, contacts, support plans and actions.

Each learner's story is drawn from a random generator seeded with their ULN, so it is the same
on every machine; learners that already have contacts are left alone, so a second run adds
nothing.

A current learner's story goes through the actions on the days it happened, as the learner page
does: rises through learner_rate (the rating, its contact-log entry and, at Medium, the escalation
case opened at the first stage; High joins it), contacts through contact_log, support plans
through support_agree and their actions ticked off through agreed_action_set_done. The
escalation builder then carries the cases on. A learner who has since completed or been
withdrawn takes no new entries (the actions refuse a closed record), so their earlier history is
written with the factories as those rows would have been (``_change_closed`` and the rest).
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.factories import (
    AgreedActionFactory,
    ContactLogEntryFactory,
    SupportRecordFactory,
)
from demo.timeline import on
from escalation.learner_actions import learner_enrolment_rate, learner_rate, support_agree
from learners.models import Learner, LearnerStatus
from learners.policy_reading import learner_policy
from learners.roles import Role
from learners.services import CLOSED_STATUSES
from riskcases.models import (
    ContactLogEntry,
    ContactType,
    ContactWith,
    Direction,
    Intervention,
    Outcome,
    RiskFactor,
    RiskLevel,
    RiskRating,
    SupportKind,
)
from riskcases.services import agreed_action_set_done, contact_log

RISE_REASONS = {
    RiskLevel.MEDIUM: [
        ("Slightly behind target: two units late.", "underachievement"),
        ("Missed a scheduled session without notice.", "poor-attendance"),
        ("Workload up after a promotion; progress slowing.", "increased-workload"),
        ("Travel problems since the bus route changed.", "travel"),
        ("Unwell for a fortnight; catching up.", "illness"),
    ],
    RiskLevel.HIGH: [
        ("Three consecutive sessions missed without calling in.", "poor-attendance"),
        ("No recorded progress in six weeks.", "underachievement"),
        ("Two visits cancelled by the employer within four weeks.", "employer-relationship"),
        ("Bereavement in the family; not responding to contact.", "bereavement"),
        ("Around a third behind planned progress.", "underachievement"),
    ],
}
CONTACT_NOTES = {
    Outcome.RESPONDED: "Spoke with the learner; agreed next steps and a date for the next session.",
    Outcome.NO_RESPONSE: "No answer. Left no message: voicemail full.",
    Outcome.LEFT_MESSAGE: "Left a voicemail asking the learner to call back.",
    Outcome.COMMITMENT_AGREED: "Learner committed to attend every session and reply within 2 days.",
}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 15)))


def _closed(learner: Learner) -> bool:
    return learner.archived or learner.status in CLOSED_STATUSES


def _change(learner: Learner, level: str, when: dt.datetime, reason: str, factor, by) -> None:
    if _closed(learner):
        _change_closed(learner, level, when, reason, factor, by)
        return
    with on(when):
        learner_rate(learner=learner, level=level, reason=reason, by=by, risk_factors=[factor])


def _contact(learner: Learner, *, risk_factors=(), **fields) -> None:
    """A contact-log entry, through contact_log (the Log a contact page's write) on its day."""
    if _closed(learner):
        entry = ContactLogEntryFactory(learner=learner, **fields)
        entry.risk_factors.set(risk_factors)
        return
    with on(fields["occurred_at"]):
        contact_log(learner=learner, risk_factors=risk_factors, **fields)


def _support(learner: Learner, *, actions: list[tuple[str, str, dt.date, bool]], **fields) -> None:
    """A support plan or engagement contract with its agreed actions (description, owner, due,
    done), agreed through support_agree on its day, each done action ticked off on its due day
    through agreed_action_set_done, as on the learner page."""
    tutor, agreed = fields["created_by"], fields["agreed_on"]
    if _closed(learner):
        interventions = fields.pop("interventions")
        record = SupportRecordFactory(learner=learner, **fields)
        record.interventions.set(interventions)
        for text, owner, due, done in actions:
            AgreedActionFactory(
                support_record=record,
                description=text,
                owner=owner,
                due_on=due,
                done_at=_at(due, 15) if done else None,
                done_by=tutor if done else None,
            )
        return
    by = fields.pop("created_by")
    with on(_at(agreed, 14)):
        record = support_agree(
            learner=learner,
            by=by,
            actions=[{"description": t, "owner": o, "due_on": d} for t, o, d, _ in actions],
            **fields,
        ).record
    for action, (_, _, due, done) in zip(record.actions.order_by("pk"), actions, strict=True):
        if done:
            with on(_at(due, 15)):
                agreed_action_set_done(action=action, done=True, by=tutor)


def _change_closed(
    learner: Learner, level: str, when: dt.datetime, reason: str, factor, by
) -> None:
    """The rows rating_change writes, for a learner whose record is now closed."""
    current = learner.ratings.get(ended_at__isnull=True)
    current.ended_at = when
    current.save(update_fields=["ended_at"])
    rating = RiskRating.objects.create(
        learner=learner, level=level, started_at=when, set_by=by, reason=reason
    )
    rating.risk_factors.set([factor])
    preset = learner_policy(learner=learner)
    entry = ContactLogEntry.objects.create(
        learner=learner,
        occurred_at=when,
        contact_type=ContactType.RISK_RATING,
        direction=Direction.NONE,
        outcome=Outcome.NOT_APPLICABLE,
        notes=(
            f"Risk rating changed from {preset.label(current.level)} to {preset.label(level)}."
            f"\nReason: {reason}"
        ),
        rating=rating,
        author=by,
    )
    entry.risk_factors.set([factor])


def _story(
    learner: Learner, today: dt.date, factors: dict, interventions: list, safeguarding
) -> bool:
    rng = random.Random(int(learner.uln))
    tutor = learner.tutor
    first_day = learner.start_date + dt.timedelta(days=7)
    last_day = min(today, learner.planned_end_date) - dt.timedelta(days=1)
    if last_day <= first_day:
        return False  # too new to have a history
    span = (last_day - first_day).days
    withdrawn = learner.status == LearnerStatus.WITHDRAWN
    roll = rng.random()
    target = (
        RiskLevel.HIGH if withdrawn or roll < 0.15 else RiskLevel.MEDIUM if roll < 0.4 else None
    )

    # Routine contacts for everyone.
    for _ in range(rng.randint(1, 3)):
        day = first_day + dt.timedelta(days=rng.randint(0, span))
        _contact(
            learner,
            author=tutor,
            occurred_at=_at(day, rng.randint(9, 16)),
            contact_type=rng.choice([ContactType.MEETING, ContactType.EMAIL, ContactType.VISIT]),
            outcome=Outcome.RESPONDED,
            notes=CONTACT_NOTES[Outcome.RESPONDED],
        )
    if target is None:
        return True

    # The rise: Medium (and perhaps High), then chasing contacts and a support plan.
    rise_day = first_day + dt.timedelta(days=rng.randint(span // 3, max(span // 3, span - 10)))
    reason, code = rng.choice(RISE_REASONS[RiskLevel.MEDIUM])
    _change(learner, RiskLevel.MEDIUM, _at(rise_day, 10), reason, factors[code], tutor)
    if target == RiskLevel.HIGH:
        high_day = min(rise_day + dt.timedelta(days=rng.randint(5, 20)), last_day)
        reason, code = rng.choice(RISE_REASONS[RiskLevel.HIGH])
        _change(learner, RiskLevel.HIGH, _at(high_day, 11), reason, factors[code], tutor)
        rise_day = high_day
    for i, outcome in enumerate([Outcome.NO_RESPONSE, Outcome.LEFT_MESSAGE, Outcome.RESPONDED]):
        day = min(rise_day + dt.timedelta(days=i + 1), last_day)
        welfare = i > 0
        _contact(
            learner,
            author=tutor,
            occurred_at=_at(day, 9 + i * 2),
            contact_type=ContactType.WELFARE_CHECK if welfare else ContactType.PHONE,
            welfare_check=welfare,
            outcome=outcome,
            notes=CONTACT_NOTES[outcome],
            contact_with=ContactWith.LEARNER,
        )
    if rng.random() < 0.7:
        agreed = min(rise_day + dt.timedelta(days=4), last_day)
        kind = rng.choice([SupportKind.SUPPORT_PLAN, SupportKind.ENGAGEMENT_CONTRACT])
        chosen = rng.sample(interventions, 2)
        actions = []
        for text, owner in [
            ("Submit the overdue unit", "learner"),
            ("Book a three-way review", "tutor"),
        ]:
            due = agreed + dt.timedelta(days=rng.randint(3, 21))
            # Closed records keep no open actions; elsewhere about half the past ones are done.
            closed = learner.status != LearnerStatus.ON_PROGRAMME and learner.status != (
                LearnerStatus.BREAK_IN_LEARNING
            )
            actions.append((text, owner, due, due < today and (closed or rng.random() < 0.5)))
        _support(
            learner,
            created_by=tutor,
            agreed_on=agreed,
            kind=kind,
            review_on=agreed + dt.timedelta(days=28),
            shared_with_employer=bool(learner.employer_id),
            summary="Agreed weekly check-ins and a catch-up plan for the late units.",
            interventions=chosen,
            actions=actions,
        )
    if safeguarding is not None and rng.random() < 0.08:
        _contact(
            learner,
            author=tutor,
            occurred_at=_at(min(rise_day + dt.timedelta(days=2), last_day), 14),
            contact_type=ContactType.MEETING,
            outcome=Outcome.RESPONDED,
            confidential=True,
            notes="Learner disclosed concerns about their safety at home. Referred to the "
            "safeguarding lead the same day.",
            risk_factors=[factors["safeguarding-referral"]],
        )
    return True


def seed(*, stdout) -> None:
    today = timezone.localdate()
    factors = {f.code: f for f in RiskFactor.objects.all()}
    interventions = list(Intervention.objects.order_by("code"))
    safeguarding = get_user_model().objects.filter(groups__name=Role.SAFEGUARDING).first()
    todo = Learner.objects.filter(contacts__isnull=True).select_related("tutor").order_by("uln")
    told = 0
    for learner in todo:
        if not learner.ratings.exists():  # enrolled before the learners builder rated them
            with on(_at(learner.start_date, 9)):
                learner_enrolment_rate(
                    learner=learner, by=learner.tutor, level=RiskLevel.LOW, reason=""
                )
        told += _story(learner, today, factors, interventions, safeguarding)
    stdout.write(f"riskcases: histories for {told} learners")
