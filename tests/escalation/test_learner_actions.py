"""Whoever rates or enrols a learner (the pages, a CSV import, the import_records command), the
learner ends with the same case and the same notifications: every caller goes through the actions
in escalation/learner_actions.py.

The rating page is compared with learner_rate, the action every other caller must use. The
import and the command rate a learner once: the enrolment rating of a new learner in a learners
file, Low by default or what its start_rating, start_rating_reason and start_risk_factors columns
give, through the Enrol page's action. So a learner enrolled Low, and one enrolled Medium with a
start-of-programme factor, by the Imports pages or the command ends as one enrolled on the Enrol
page does (the Medium comparisons run each route on the same world, undoing the one before)."""

import datetime as dt
import uuid
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from config.celery import app as celery_app
from demo.factories import CourseFactory, EmployerFactory, LearnerFactory, valid_uln
from escalation import learner_actions, record_imports
from escalation.learner_actions import learner_enrolment_rate, learner_rate
from escalation.models import EscalationCase
from escalation.record_imports import records_import_apply, records_import_preview
from learners.models import ImportBatch, ImportStatus, Learner
from notifications.models import Notification
from policies.selectors import default_spec
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
        "factors": rating and sorted(rating.risk_factors.values_list("code", flat=True)),
        "cases": EscalationCase.objects.filter(learner=learner).count(),
        "case": case
        and (
            case.status,
            case.stage,
            case.stage_due_on,
            case.due_rule,
            case.policy_version.policy.key,
        ),
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
    first = default_spec().stages[0]
    assert (page["rating"], page["cases"]) == ("medium", 1)
    assert page["case"] == ("open", first.key, None, "", default_spec().key)
    assert page["opened"] == ("opened", f"Rated Medium: {reason}")


def test_a_second_medium_caller_joins_the_case_instead_of_opening_another(tutor, team):
    learner = LearnerFactory(tutor=tutor, team=team, start_date=dt.date(2026, 9, 7))
    learner_rate(learner=learner, level="medium", reason="Falling behind", by=tutor)
    learner_rate(learner=learner, level="high", reason="No response to contact", by=tutor)

    assert outcome(learner)["cases"] == 1


# --- enrolment: the Enrol page, a CSV import, the import_records command ------------------------


@pytest.fixture(autouse=True)
def tutor_of_team(tutor, team):
    """The Enrol page takes only a tutor of the chosen team."""
    team.tutors.add(tutor)


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


def _row(uln: str, tutor, team, start: str = "2026-09-07", end: str = "06/09/2027") -> str:
    return (
        f"{uln},Amira,Khan,Apprenticeship,England,st0384,{tutor.username},{team.name},"
        f"{start},{end},Northwind Ltd"
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


# --- enrolment at Medium: the Enrol page, the Imports pages, the import_records command ----------

START_COLUMNS = ",start_rating,start_rating_reason,start_risk_factors"
PROBATION = "On probation with the employer; first job after school"
# New starters, starting today. (A start date weeks back would differ: an applied import
# evaluates the new learner's triggers at once, which may fire "no active learning" and move the
# case on, where the Enrol page leaves that to the nightly sweep.)
START, END = "2026-11-02", "2027-11-01"


@pytest.fixture
def eager_celery():
    # What the import does after its commit (evaluating the new learner's triggers) runs here.
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def undone(django_capture_on_commit_callbacks):
    """Enrol one way, with what runs after the commit, take the outcome, then undo it all: each
    route starts from the same world, so every count in outcome() is comparable."""

    def run(enrol, uln: str) -> dict:
        with transaction.atomic():
            with django_capture_on_commit_callbacks(execute=True):
                enrol()
            result = outcome(Learner.objects.get(uln=uln))
            transaction.set_rollback(True)
        return result

    return run


def _medium_row(uln: str, tutor, team, factors: str = "employment-probation") -> str:
    return f'{_row(uln, tutor, team, START, END)},medium,"{PROBATION}",{factors}'


def _enrol_on_page(client, manager, tutor, team, course, employer, uln, factor) -> None:
    client.force_login(manager)
    response = client.post(
        reverse("learner_enrol"),
        {
            "first_name": "Amira",
            "last_name": "Khan",
            "uln": uln,
            "programme_type": "apprenticeship",
            "nation": "ENG",
            "course": course.pk,
            "employer": employer.pk,
            "team": team.pk,
            "tutor": tutor.pk,
            "start_date": START,
            "planned_end_date": END,
            "level": "medium",
            "start_factors": [factor.pk],
            "rating_reason": PROBATION,
            "submission_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302


def _assert_enrolled_medium(result: dict) -> None:
    """Not vacuous: the Medium enrolment opened the case at the preset's first stage."""
    first = default_spec().stages[0]
    assert (result["rating"], result["factors"], result["cases"]) == (
        "medium",
        ["employment-probation"],
        1,
    )
    assert result["case"] == ("open", first.key, None, "", default_spec().key)
    assert result["opened"] == ("opened", f"Start-of-programme risk: {PROBATION}")


@pytest.mark.parametrize(
    "factors",
    ["employment-probation", "enrolling while on an EMPLOYMENT probation period"],
    ids=["code", "name"],
)
def test_enrolled_medium_by_the_import_pages_the_outcome_matches_the_enrol_page(
    client, manager, tutor, team, course, employer, enrolments, eager_celery, undone, factors
):
    factor = RiskFactor.objects.get(code="employment-probation")
    uln = valid_uln(93_001)
    content = f"{LEARNERS_HEADER}{START_COLUMNS}\r\n{_medium_row(uln, tutor, team, factors)}\r\n"

    def by_import() -> None:
        client.force_login(manager)
        upload = SimpleUploadedFile("starters.csv", content.encode())
        response = client.post(reverse("import_list"), {"kind": "learners", "file": upload})
        assert response.status_code == 302
        batch = ImportBatch.objects.get(original_name="starters.csv")
        assert (batch.status, batch.errors) == (ImportStatus.PREVIEWED, [])
        response = client.post(reverse("import_apply", args=[batch.pk]))
        assert response.status_code == 302
        batch.refresh_from_db()
        assert batch.status == ImportStatus.APPLIED

    imported = undone(by_import, uln)
    page = undone(
        lambda: _enrol_on_page(client, manager, tutor, team, course, employer, uln, factor), uln
    )

    assert enrolments == [uln, uln]  # the one action, both times
    assert imported == page
    _assert_enrolled_medium(page)


def test_enrolled_medium_by_the_import_command_the_outcome_matches_the_enrol_page(
    client, manager, tutor, team, course, employer, tmp_path, enrolments, eager_celery, undone
):
    factor = RiskFactor.objects.get(code="employment-probation")
    uln = valid_uln(93_002)
    path = tmp_path / "starters.csv"
    path.write_text(
        f"{LEARNERS_HEADER}{START_COLUMNS}\n{_medium_row(uln, tutor, team)}\n", encoding="utf-8"
    )
    out = StringIO()

    by_command = undone(
        lambda: call_command(
            "import_records", "learners", str(path), "--by", manager.username, stdout=out
        ),
        uln,
    )
    page = undone(
        lambda: _enrol_on_page(client, manager, tutor, team, course, employer, uln, factor), uln
    )

    assert "Imported (import batch" in out.getvalue()
    assert enrolments == [uln, uln]
    assert by_command == page
    _assert_enrolled_medium(page)
