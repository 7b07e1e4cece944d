"""Whoever rates or enrols a learner (the pages, a CSV import, the import_records command), the
learner ends with the same case and the same notifications: every caller goes through the actions
in escalation/learner_actions.py.

No import or command rates a learner Medium today: the one rating they make is the enrolment
rating of a new learner in a learners file (Low, as the policy has it with no start-of-programme
factor). So the import and the command are compared with the Enrol page through that action, and
a Medium rating on the page with the action every other caller must use."""

import datetime as dt
import uuid
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from demo.factories import CourseFactory, EmployerFactory, LearnerFactory, valid_uln
from escalation import learner_actions, record_imports
from escalation.learner_actions import learner_enrolment_rate, learner_rate
from escalation.models import EscalationCase
from escalation.record_imports import records_import_apply, records_import_preview
from learners.models import Learner
from learners.policies import active_preset
from notifications.models import Notification
from riskcases.models import RiskFactor
from riskcases.services import rating_current

# A Monday morning in term.
NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=ZoneInfo("Europe/London"))
LEARNERS_HEADER = (
    "uln,first_name,last_name,programme_type,nation,course_code,tutor,team,start_date,"
    "planned_end_date,employer"
)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def outcome(learner: Learner) -> dict:
    """What the learner ends with: rating, case (stage, due date, the rule that set it, why it
    opened) and who was told what (titles with the learner's name taken out)."""
    learner.refresh_from_db()
    rating = rating_current(learner=learner)
    case = EscalationCase.objects.filter(learner=learner).first()
    opened = case.changes.order_by("sequence").first() if case else None
    told = Notification.objects.filter(url__contains=f"/learners/{learner.pk}/")
    return {
        "rating": rating.level if rating else None,
        "cases": EscalationCase.objects.filter(learner=learner).count(),
        "case": case
        and (case.status, case.stage, case.stage_due_on, case.due_rule, case.preset_key),
        "opened": opened and (opened.kind, opened.reason.replace(learner.full_name, "{name}")),
        "notifications": sorted(
            (n.recipient.username, n.kind, n.title.replace(learner.full_name, "{name}"))
            for n in told.select_related("recipient")
        ),
        "all_notifications": Notification.objects.count(),
    }


# --- a Medium rating ---------------------------------------------------------------------------


def test_rated_medium_on_the_page_or_through_learner_rate_the_case_and_notifications_match(
    client, tutor, team
):
    on_page = LearnerFactory(tutor=tutor, team=team, start_date=dt.date(2026, 9, 7))
    by_action = LearnerFactory(tutor=tutor, team=team, start_date=dt.date(2026, 9, 7))
    reason = "Missed three sessions in a row"

    client.force_login(tutor)
    response = client.post(
        reverse("rating_change", args=[on_page.pk]),
        {"level": "medium", "reason": reason, "submission_token": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    page = outcome(on_page)
    learner_rate(learner=by_action, level="medium", reason=reason, by=tutor)
    action = outcome(by_action)

    assert action == page
    # Not vacuous: the rating opened a case at the preset's first stage (which has no deadline
    # of its own: the next stage's working days start when a person moves the case on).
    first = active_preset().stages[0]
    assert (page["rating"], page["cases"]) == ("medium", 1)
    assert page["case"] == ("open", first.key, None, "", active_preset().key)
    assert page["opened"] == ("opened", f"Rated Medium: {reason}")


def test_a_second_medium_caller_joins_the_case_instead_of_opening_another(tutor, team):
    learner = LearnerFactory(tutor=tutor, team=team, start_date=dt.date(2026, 9, 7))
    learner_rate(learner=learner, level="medium", reason="Falling behind", by=tutor)
    learner_rate(learner=learner, level="high", reason="No response to contact", by=tutor)

    assert outcome(learner)["cases"] == 1


# --- enrolment: the Enrol page, a CSV import, the import_records command ------------------------


@pytest.fixture
def course(db):
    return CourseFactory(code="ST0384", title="Team Leader", programme_type="apprenticeship")


@pytest.fixture
def employer(db):
    return EmployerFactory(name="Northwind Ltd")


@pytest.fixture
def enrolments(monkeypatch):
    """Every enrolment rating, whoever made it: the spy wraps the one action."""
    calls = []
    real = learner_actions.learner_enrolment_rate

    def spy(**kwargs):
        calls.append(kwargs["learner"].uln)
        return real(**kwargs)

    monkeypatch.setattr(learner_actions, "learner_enrolment_rate", spy)
    monkeypatch.setattr(record_imports, "learner_enrolment_rate", spy)
    return calls


def _row(uln: str, tutor, team) -> str:
    return (
        f"{uln},Amira,Khan,Apprenticeship,England,st0384,{tutor.username},{team.name},"
        "2026-09-07,06/09/2027,Northwind Ltd"
    )


def test_enrolled_by_csv_import_by_command_or_on_the_page_the_outcome_matches(
    client, manager, tutor, team, course, employer, tmp_path, enrolments
):
    by_import, by_command, on_page = valid_uln(91_001), valid_uln(91_002), valid_uln(91_003)

    content = f"{LEARNERS_HEADER}\r\n{_row(by_import, tutor, team)}\r\n".encode()
    batch = records_import_preview(
        kind="learners", uploaded_file=SimpleUploadedFile("starters.csv", content), by=manager
    )
    records_import_apply(batch=batch, by=manager)

    path = tmp_path / "starters.csv"
    path.write_text(f"{LEARNERS_HEADER}\n{_row(by_command, tutor, team)}\n", encoding="utf-8")
    call_command(
        "import_records", "learners", str(path), "--by", manager.username, stdout=StringIO()
    )

    client.force_login(manager)
    response = client.post(
        reverse("learner_enrol"),
        {
            "first_name": "Amira",
            "last_name": "Khan",
            "uln": on_page,
            "programme_type": "apprenticeship",
            "nation": "ENG",
            "course": course.pk,
            "employer": employer.pk,
            "team": team.pk,
            "tutor": tutor.pk,
            "start_date": "2026-09-07",
            "planned_end_date": "2027-09-06",
            "level": "low",
            "submission_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302

    assert enrolments == [by_import, by_command, on_page]  # one action for all three
    results = [outcome(Learner.objects.get(uln=uln)) for uln in (by_import, by_command, on_page)]
    assert results[0] == results[1] == results[2]
    assert (results[0]["rating"], results[0]["cases"]) == ("low", 0)


def test_enrolled_medium_on_the_page_opens_the_case_the_import_enrolment_would(
    client, manager, tutor, team, course, employer
):
    factor = RiskFactor.objects.get(code="employment-probation")
    reason = "On probation with the employer"
    client.force_login(manager)
    response = client.post(
        reverse("learner_enrol"),
        {
            "first_name": "Nia",
            "last_name": "Jones",
            "uln": valid_uln(92_001),
            "programme_type": "apprenticeship",
            "nation": "ENG",
            "course": course.pk,
            "employer": employer.pk,
            "team": team.pk,
            "tutor": tutor.pk,
            "start_date": "2026-11-02",
            "planned_end_date": "2027-11-01",
            "level": "medium",
            "start_factors": [factor.pk],
            "rating_reason": reason,
            "submission_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    page = outcome(Learner.objects.get(uln=valid_uln(92_001)))

    # What the learners import's enrolment step calls, for a learner it has just written.
    imported = LearnerFactory(
        tutor=tutor,
        team=team,
        course=course,
        employer=employer,
        start_date=dt.date(2026, 11, 2),
        initial_rating=None,  # as the import writes it: the rating is the action's
    )
    learner_enrolment_rate(
        learner=imported, by=manager, level="medium", reason=reason, start_factors=[factor]
    )

    assert outcome(imported) == page
    assert page["cases"] == 1
    assert page["opened"] == ("opened", f"Start-of-programme risk: {reason}")
