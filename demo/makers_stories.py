"""What Makers' own rules add to the demo, in the London team (tutor8, manager5, director):

- an apprentice who moved back and forth through the informal stages (1 → 2 → 1 → 2), which the
  case page counts;
- an apprentice in formal support at stage 3 with one of the two review meetings held, run by
  the apprentice, and the time plan running;
- an apprentice at stage 4: stage 3's two reviews held, its recommendation ("Escalate to stage
  4") confirmed by e-mail, and one stage 4 review the employer missed, whose record was e-mailed
  to them.

Keyed on the stories' first moves, so a rerun adds nothing."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone

from demo.factories import open_case, stage_letter_not_sent
from demo.timeline import at, on
from escalation.case_moves import case_move
from escalation.models import EscalationCase, StageChange
from escalation.recommendation_emails import case_recommendation_email
from escalation.recommendations import case_recommendation_record
from escalation.stage_reviews import stage_review_record
from learners.models import Learner, LearnerStatus, Team

TEAM = "London Software Apprenticeships"
STORY_MARK = "Makers demo: "
POINTS = {
    "Update on progress with actions": "Finished the testing kata; the API project is a week late.",
    "Successes": "Paired well with the team lead on the payments bug.",
    "Blockers": "Struggling to find focus time at work between support tickets.",
    "Any amendments proposed": "Move the portfolio deadline back one week.",
    "Support requests": "A weekly session with the tech coach on the API project.",
}


def _uncased(team: Team, skip: int) -> Learner | None:
    return (
        Learner.objects.filter(team=team, status=LearnerStatus.ON_PROGRAMME, archived=False)
        .exclude(Exists(EscalationCase.objects.filter(learner=OuterRef("pk"))))
        .order_by("pk")[skip : skip + 1]
        .first()
    )


def _move(case, key, by, when, reason, due_on=None):
    with on(when):
        return case_move(case=case, move_key=key, by=by, reason=reason, due_on=due_on)


def _reviews(case, by, days: list[dt.date], *, employer_attended=True):
    for day in days:
        with on(at(day, 15)):
            stage_review_record(
                case=case, by=by, held_on=day, points=POINTS, employer_attended=employer_attended
            )


def _back_and_forth(learner, tutor, today) -> None:
    with on(at(today - dt.timedelta(days=70), 9)):
        case = open_case(learner, reason=f"{STORY_MARK}two weeks behind the timeline")
    steps = [
        ("stage_1_forward", 63, "Still behind after extra reviews: more coaching time."),
        ("stage_2_back", 42, "Caught up on two modules; back to lighter support."),
        ("stage_1_forward", 21, "Fell behind again after a house move."),
    ]
    for key, days_ago, reason in steps:
        case = _move(case, key, tutor, at(today - dt.timedelta(days=days_ago), 10), reason)


def _formal(learner, tutor, manager, today, *, to_stage_4: bool) -> None:
    start = today - dt.timedelta(days=56 if to_stage_4 else 20)
    with on(at(start, 9)):
        case = open_case(learner, reason=f"{STORY_MARK}behind the timeline")
    case = _move(case, "stage_1_forward", tutor, at(start + dt.timedelta(days=3), 10), "No change")
    formal_on = start + dt.timedelta(days=7)
    case = _move(
        case,
        "stage_2_forward",
        tutor,
        at(formal_on, 11),
        "Informal support has not brought the apprentice back on track.",
        due_on=formal_on + dt.timedelta(days=35),
    )
    with on(at(formal_on, 12)):
        stage_letter_not_sent(case, by=tutor, reason="Told in person; the e-mail followed.")
    if not to_stage_4:
        _reviews(case, tutor, [formal_on + dt.timedelta(days=7)])
        return
    _reviews(case, tutor, [formal_on + dt.timedelta(days=d) for d in (7, 21)])
    with on(at(formal_on + dt.timedelta(days=28), 16)):
        recommendation = case_recommendation_record(
            case=case,
            by=tutor,
            outcome="Escalate to stage 4",
            reason="The API project is now three weeks late despite the weekly sessions.",
        )
        case_recommendation_email(recommendation=recommendation, by=tutor)
    stage_4_on = formal_on + dt.timedelta(days=29)
    case = _move(
        case,
        "stage_3_forward",
        manager,
        at(stage_4_on, 10),
        "As recommended at the last stage 3 review.",
        due_on=stage_4_on + dt.timedelta(days=35),
    )
    _reviews(case, manager, [stage_4_on + dt.timedelta(days=10)], employer_attended=False)


def seed(*, stdout) -> None:
    team = Team.objects.filter(name=TEAM).first()
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["tutor8", "manager5"])
    }
    if team is None or len(users) < 2:
        return
    if StageChange.objects.filter(case__learner__team=team, reason__startswith=STORY_MARK).exists():
        return
    today = timezone.localdate()
    tutor, manager = users["tutor8"], users["manager5"]
    learners = [_uncased(team, skip) for skip in range(3)]
    if None in learners:
        return
    _back_and_forth(learners[0], tutor, today)
    _formal(learners[1], tutor, manager, today, to_stage_4=False)
    _formal(learners[2], tutor, manager, today, to_stage_4=True)
    stdout.write("policy rules: Makers informal back-and-forth, stage 3 and stage 4 reviews")
