from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from demo.factories import CourseFactory, valid_uln
from learners.models import ImportBatch, ImportStatus, Learner, ScheduledSession


@pytest.fixture
def write_csv(tmp_path):
    def write(*lines: str, name: str = "attendance.csv"):
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write


def run(*args: str):
    out, err = StringIO(), StringIO()
    call_command("import_records", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_applies_a_clean_file_and_prints_the_counts(manager, learner, write_csv):
    path = write_csv("uln,date,session,attendance", f"{learner.uln},2026-09-14,Unit 1,attended")

    out, _ = run("attendance", str(path), "--by", manager.username)

    assert "1 row, 1 new, 0 changed, 0 unchanged, 0 with errors" in out
    assert ScheduledSession.objects.filter(learner=learner).count() == 1
    assert ImportBatch.objects.get().status == ImportStatus.APPLIED


def test_it_is_a_no_op_the_second_time(manager, learner, write_csv):
    path = write_csv("uln,date,session,attendance", f"{learner.uln},2026-09-14,Unit 1,attended")
    run("attendance", str(path), "--by", manager.username)

    out, _ = run("attendance", str(path), "--by", manager.username)

    assert "Applied attendance.csv (attendance): 1 row, 0 new, 0 changed, 1 unchanged" in out
    assert ScheduledSession.objects.count() == 1


def test_a_dry_run_writes_nothing(manager, learner, write_csv):
    path = write_csv("uln,date,session,attendance", f"{learner.uln},2026-09-14,Unit 1,attended")

    out, _ = run("attendance", str(path), "--by", manager.username, "--dry-run")

    assert "1 new" in out
    assert "Dry run: nothing was written." in out
    assert not ScheduledSession.objects.exists()


def test_it_prints_every_error_and_fails_without_writing(manager, learner, write_csv):
    path = write_csv(
        "uln,date,session,attendance",
        f"{learner.uln},2026-09-14,Unit 1,attended",
        f"{learner.uln},2026-02-30,Unit 2,attended",
        f"{learner.uln},2026-09-16,Unit 3,sometimes",
    )
    err = StringIO()
    with pytest.raises(CommandError, match=r"2 row\(s\) with errors; nothing was imported"):
        call_command(
            "import_records", "attendance", str(path), "--by", manager.username, stderr=err
        )

    lines = err.getvalue().splitlines()
    assert lines[0].startswith("row 3, date: “2026-02-30” is not a real date")
    assert lines[1].startswith("row 4, attendance: Attendance value “sometimes” is not recognised")
    assert not ScheduledSession.objects.exists()


def test_it_refuses_an_unreadable_file_and_an_unknown_user(manager, write_csv):
    path = write_csv("uln,when", name="wrong.csv")
    with pytest.raises(CommandError, match=r"wrong\.csv: The file is missing the columns"):
        run("attendance", str(path), "--by", manager.username)
    with pytest.raises(CommandError, match="No active user is called 'ghost'"):
        run("attendance", str(path), "--by", "ghost")
    assert not ImportBatch.objects.exists()


def test_it_prints_a_starting_rating_the_enrol_page_would_refuse(manager, tutor, team, write_csv):
    CourseFactory(code="ST0384", programme_type="apprenticeship")
    path = write_csv(
        "uln,first_name,last_name,programme_type,nation,course_code,tutor,team,start_date,"
        "planned_end_date,employer,start_rating,start_rating_reason,start_risk_factors",
        f"{valid_uln(96_001)},Amira,Khan,apprenticeship,England,ST0384,{tutor.username},"
        f"{team.name},2026-09-07,2027-09-06,Acme,high,,Travel issues",
        name="starters.csv",
    )
    err = StringIO()
    with pytest.raises(CommandError, match=r"1 row\(s\) with errors; nothing was imported"):
        call_command("import_records", "learners", str(path), "--by", manager.username, stderr=err)

    assert err.getvalue().splitlines() == [
        "row 2, start_risk_factors: “Travel issues” is a during-programme risk factor: only "
        "start-of-programme factors apply at enrolment.",
        "row 2, start_rating_reason: Say why the learner starts above Low.",
    ]
    assert not Learner.objects.exists()
