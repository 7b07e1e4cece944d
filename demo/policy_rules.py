"""Step 3b of seed_demo: what MTT's, Aspiration's and Makers' own rules add to the demo
(Makers': demo/makers_stories.py).

Manchester (MTT): a case opened at First risk identified carries the Directors' 10-day
discussion task; a learner past 6 weeks on programme with no rating review is flagged to their
tutor; a serious case was escalated straight to Stage 2 with its reason. Cardiff (Aspiration,
Wales): the Operational Support Coordinator (``coordinator``) holds the role for the team and
moved a case on at Stage 1. Keyed on the moves made, so a rerun adds nothing."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone

from demo import letters as demo_letters
from demo import makers_stories
from demo.factories import open_case, stage_letter_not_sent
from demo.timeline import at, on
from escalation.case_moves import case_move
from escalation.models import EscalationCase, StageChange
from escalation.sweeps.rating_review import rating_reviews_flag
from learners.models import Learner, LearnerStatus, Team

COORDINATOR = "coordinator"
COORDINATED_TEAM = "Cardiff and Valleys"
MTT_TEAM = "Manchester Apprenticeships"


def _uncased(team: Team) -> Learner | None:
    """The team's first learner on programme who has never had a case."""
    return (
        Learner.objects.filter(team=team, status=LearnerStatus.ON_PROGRAMME, archived=False)
        .exclude(Exists(EscalationCase.objects.filter(learner=OuterRef("pk"))))
        .order_by("pk")
        .first()
    )


def _manchester(stdout) -> None:
    team = Team.objects.get(name=MTT_TEAM)
    today = timezone.localdate()
    # Learners 6 weeks on programme with no rating entered and no review held: their tutor is
    # flagged (the 07:05 job does this every morning).
    flagged = rating_reviews_flag(today=today)
    done = StageChange.objects.filter(
        case__learner__team=team, move_key="escalate_now_stage_2"
    ).exists()
    learner = None if done else _uncased(team)
    if learner is not None:
        # A serious case, escalated at once to Stage 2 by the team's manager with the reason.
        when = at(today - dt.timedelta(days=3), 10)
        with on(when):
            case = open_case(learner, reason="Disclosed serious money worries at a review")
        with on(when + dt.timedelta(hours=2)):
            case_move(
                case=case,
                by=get_user_model().objects.get(username="manager"),
                reason="Serious case: the learner said they will leave this week unless "
                "something changes; escalated at once rather than waiting at First risk.",
                move_key="escalate_now_stage_2",
            )
    stdout.write(f"policy rules: MTT rating reviews flagged today: {flagged}")


def _cardiff(stdout) -> None:
    team = Team.objects.get(name=COORDINATED_TEAM)
    coordinator = get_user_model().objects.get(username=COORDINATOR)
    team.support_coordinators.add(coordinator)
    done = StageChange.objects.filter(by=coordinator).exists()
    learner = None if done else _uncased(team)
    if learner is not None:
        today = timezone.localdate()
        with on(at(today - dt.timedelta(days=8), 9)):
            case = open_case(learner, stage="stage_1", reason="No recorded progress in 49 days")
        with on(at(today - dt.timedelta(days=2), 11)):
            stage_letter_not_sent(
                case, by=coordinator, reason="Told in person at a three-way meeting"
            )
            case_move(
                case=case,
                by=coordinator,
                reason="No reply to the Stage 1 e-mail or the two welfare calls.",
                move_key="stage_1_forward",
            )
    stdout.write("policy rules: Cardiff's Operational Support Coordinator moved a case on")


def seed(*, stdout) -> None:
    _manchester(stdout)
    _cardiff(stdout)
    makers_stories.seed(stdout=stdout)
    # The stages these cases reached have their letters sent now, as every other case's were.
    demo_letters.seed(stdout=stdout)
