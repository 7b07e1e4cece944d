"""The demo's people move a case on as the case page lets them: the version's forward move from
the stage, made by someone it names, once the record holds what the move requires (the stage
letter, the contact attempts over their channels, the review meetings, a recommendation), each
written through the same actions the pages use, on the day it happened."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.timeline import on
from escalation.case_moves import case_move, move_by_kind, user_may_make
from escalation.letter_sending import case_letter_template, letter_send, stage_letter_skip
from escalation.models import EscalationCase
from escalation.recommendation_emails import case_recommendation_email
from escalation.recommendations import case_may_recommend, case_recommendation_record
from escalation.services import case_policy, case_stage_notified
from escalation.stage_reviews import stage_review_record
from learners.roles import Role
from policies.spec import Move
from riskcases.models import ContactType, Outcome
from riskcases.services import contact_log

# The channels a demo tutor tries, in order.
CHANNELS = (ContactType.PHONE, ContactType.EMAIL, ContactType.LETTER, ContactType.WELFARE_CHECK)
TIME_PLAN_DAYS = 28  # the due date a person sets where the stage has them set one


def _people_for(case: EscalationCase) -> list:
    """The tutor, the team's managers, then the directors: who might make a move."""
    team = case.learner.team
    directors = get_user_model().objects.filter(groups__name=Role.DIRECTOR).order_by("username")
    return [case.learner.tutor, *team.managers.order_by("username"), *directors]


def _mover(case: EscalationCase, move: Move):
    for person in _people_for(case):
        if user_may_make(user=person, move=move):
            return person
    return None


def _prepare(case: EscalationCase, move: Move, by, when: dt.datetime) -> None:
    """Put on the record what ``move`` requires, in the hours before it is made."""
    needs = move.requires
    steps = iter(range(1, 20))
    if needs.stage_notified and not case_stage_notified(case):
        template = case_letter_template(case)
        with on(when - dt.timedelta(hours=next(steps))):
            if template is None:
                stage_letter_skip(case=case, by=by, reason="Told in person at the review.")
            else:
                letter_send(case=case, template=template, by=by)
    attempts = max(needs.contact_attempts, needs.distinct_channels)
    for index in range(attempts):
        with on(when - dt.timedelta(hours=next(steps))):
            contact_log(
                learner=case.learner,
                author=by,
                occurred_at=timezone.now(),
                contact_type=CHANNELS[index % len(CHANNELS)],
                outcome=Outcome.NO_RESPONSE,
                notes="Tried to reach the learner about the stage's actions; no reply.",
            )
    stage = case_policy(case).stage(case.stage)
    for _ in range(needs.review_meetings):
        with on(when - dt.timedelta(hours=next(steps))):
            stage_review_record(
                case=case,
                by=by,
                held_on=timezone.localdate(),
                points=dict.fromkeys(stage.review_points, "Targets from the time plan not met."),
                employer_attended=True,
            )
    if (needs.recommendation or needs.outcome) and stage.outcomes:
        with on(when - dt.timedelta(minutes=30)):
            recommendation = case_recommendation_record(
                case=case,
                by=_recommender(case) or by,
                outcome=needs.outcome or stage.outcomes[0],
                reason="The time plan's targets were not met at the reviews.",
            )
            if needs.recommendation_emailed:
                case_recommendation_email(recommendation=recommendation, by=recommendation.by)


def _recommender(case: EscalationCase):
    for person in _people_for(case):
        if case_may_recommend(user=person, case=case):
            return person
    return None


def case_move_on(case: EscalationCase, when: dt.datetime, reason: str) -> EscalationCase | None:
    """Move the case to its next stage as of ``when``, the way its version allows a person to;
    None when no person may (the stage is the last, or only the sweep moves it)."""
    policy = case_policy(case)
    following = policy.next_stage(case.stage)
    if following is None:
        return None
    candidates = [m for m in policy.moves_from(case.stage, kind="forward") if m.people]
    if not candidates:
        return None
    move = move_by_kind(policy=policy, case=case, kind="forward", by=case.learner.tutor)
    by = _mover(case, move)
    if by is None:
        return None
    _prepare(case, move, by, when)
    due_on = None
    target = policy.move_target(move, case.stage)
    if target is not None and target.deadline_set_by_person:
        due_on = timezone.localtime(when).date() + dt.timedelta(days=TIME_PLAN_DAYS)
    with on(when):
        return case_move(case=case, move_key=move.key, by=by, reason=reason, due_on=due_on)
