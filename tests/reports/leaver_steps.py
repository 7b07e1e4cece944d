"""A known leaver panel cycle, built through the real services on the days things happened.

Anchor Monday 28 September 2026: the cycle is 28 Sep to 22 Nov 2026 and the conftest freezes
"now" on Monday 23 November 2026, the day after it ends."""

import datetime as dt
from types import SimpleNamespace

import time_machine
from django.utils import timezone

from demo.factories import (
    CourseFactory,
    LearnerFactory,
    SupportRecordFactory,
    TeamFactory,
    TutorFactory,
    UserFactory,
    open_case,
)
from escalation.breaks import break_start
from escalation.services import case_step_down
from reports.cycles import cycle_starting
from reports.models import LeaverPanelSettings
from riskcases.models import SupportKind
from tests.escalation.withdrawal_steps import agreement, approve, at_withdrawal_stage, reason
from withdrawals.models import ExitTheme
from withdrawals.services import exit_review_record

ANCHOR = dt.date(2026, 9, 28)
CYCLE = cycle_starting(ANCHOR)  # 28 Sep to 22 Nov 2026
START = dt.date(2026, 6, 1)


def local(day: dt.date, hour: int = 11, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def withdraw(learner, *, manager, director, at: dt.datetime, code: int = 44, review=None):
    """Raise (20 days before), approve (and agree, for apprentices) at ``at``; optionally
    record an exit review the same day: ``review`` = (reasons, theme codes, took part)."""
    with time_machine.travel(at - dt.timedelta(days=20), tick=False):
        case = at_withdrawal_stage(learner, manager)
    request = case.withdrawal_requests.get()
    with time_machine.travel(at, tick=False):
        if learner.programme_type == "apprenticeship":
            agreement(request, manager)
        approve(
            request,
            director,
            ilr_reason=reason(code),
            last_day_of_learning=timezone.localdate() - dt.timedelta(days=10),
        )
        if review:
            reasons, themes, took_part = review
            exit_review_record(
                request=request,
                by=manager,
                reasons=reasons,
                themes=ExitTheme.objects.filter(code__in=themes),
                might_have_kept="Protected study time.",
                learner_took_part=took_part,
            )
    request.refresh_from_db()
    return request


def build_known_cycle() -> SimpleNamespace:
    LeaverPanelSettings.objects.create(anchor_date=ANCHOR)
    north = TeamFactory(name="North Team")
    south = TeamFactory(name="South Team")
    manager = UserFactory(username="leaver.manager", roles=["manager"])
    director = UserFactory(username="leaver.director", roles=["director"])
    tutor = TutorFactory(username="tina.tutor", first_name="Tina", last_name="Tutor")
    leader = CourseFactory(code="TL3", title="Team Leader Level 3")
    skills = CourseFactory(code="TS1", title="Work Skills", programme_type="traineeship")
    short = CourseFactory(code="SC1", title="Food Hygiene", programme_type="short_course")

    def learner(first, last, team, course):
        return LearnerFactory(
            first_name=first,
            last_name=last,
            team=team,
            tutor=tutor,
            course=course,
            programme_type=course.programme_type,
            start_date=START,
        )

    ada = learner("Ada", "Apprentice", north, leader)
    ben = learner("Ben", "Boundary", south, skills)
    cat = learner("Cat", "Onbreak", north, short)
    dan = learner("Dan", "Before", north, leader)
    eve = learner("Eve", "After", south, skills)
    people = {"manager": manager, "director": director}
    ada.request = withdraw(
        ada,
        **people,
        at=local(dt.date(2026, 10, 5)),
        code=44,
        review=("Extra shifts left no time to study.", ["workload-time", "employer-support"], True),
    )
    # On a break when withdrawn: a break that ended without a return.
    with time_machine.travel(local(dt.date(2026, 9, 1)), tick=False):
        break_start(
            learner=cat,
            started_on=dt.date(2026, 9, 1),
            expected_return_on=dt.date(2026, 12, 1),
            reason="Caring for a parent",
            by=tutor,
        )
    cat.request = withdraw(
        cat,
        **people,
        at=local(dt.date(2026, 10, 20)),
        code=3,
        review=("I was too ill to carry on.", ["health-wellbeing", "workload-time"], True),
    )
    # The last day of the cycle, late in the evening, is in it; the next day is not.
    ben.request = withdraw(ben, **people, at=local(dt.date(2026, 11, 22), 23, 30), code=44)
    dan.request = withdraw(dan, **people, at=local(dt.date(2026, 9, 27), 23, 30), code=43)
    eve.request = withdraw(eve, **people, at=local(dt.date(2026, 11, 23), 0, 30), code=44)
    # The pipeline at the cycle's end: first risk, stage 1, stepped down, and Eve's stage 3
    # (withdrawn only after the cycle ended).
    with time_machine.travel(local(dt.date(2026, 11, 10)), tick=False):
        open_case(learner("Fay", "Firstrisk", north, leader))
        open_case(learner("Gus", "Stageone", south, leader), stage="stage_1")
        hal = learner("Hal", "Steppeddown", south, skills)
        case = open_case(hal)
        SupportRecordFactory(learner=hal, created_by=tutor, kind=SupportKind.SUPPORT_CONTRACT)
        case_step_down(case=case, by=tutor, reason="Support contract agreed")
    return SimpleNamespace(
        cycle=CYCLE,
        leavers=[ada, cat, ben],
        outside=[dan, eve],
        manager=manager,
        director=director,
        tutor=tutor,
    )
