import dataclasses
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from demo.factories import (
    CourseFactory,
    EmployerFactory,
    LearnerFactory,
    SessionFactory,
    TeamFactory,
    UserFactory,
    valid_uln,
)
from escalation.models import EscalationCase
from escalation.record_imports import records_import_apply, records_import_preview
from learners.import_formats import FORMATS
from learners.imports import ImportFileError, ImportRejected, import_dry_run, import_write
from learners.models import (
    Employer,
    ImportStatus,
    Learner,
    ProgressSnapshot,
    RecordSource,
    ScheduledSession,
)
from learners.roles import Role
from riskcases.models import RiskFactor, RiskRating

ATTENDANCE_HEADER = "uln,date,session,attendance"


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def messages_by_row(report) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for e in report.errors:
        found.setdefault(e.row, []).append((e.column, e.message))
    return found


@pytest.fixture
def attendance_file(learner):
    return csv_bytes(
        ATTENDANCE_HEADER,
        f"{learner.uln},2026-09-14,Unit 1,attended",
        f"{learner.uln},15/09/2026,Unit 2,Missed called in",
        f"{learner.uln},2026-09-16,Unit 3,MISSED",
    )


# --- attendance: happy path, re-import, change ------------------------------------------------


def test_it_previews_attendance_without_writing_anything(manager, attendance_file):
    report = import_dry_run(kind="attendance", content=attendance_file, by=manager)

    assert (report.rows, report.new, report.changed, report.unchanged) == (3, 3, 0, 0)
    assert report.errors == []
    assert not ScheduledSession.objects.exists()


def test_it_imports_attendance_as_imported_records_by_the_importer(
    manager, learner, attendance_file
):
    report = import_write(kind="attendance", content=attendance_file, by=manager)

    assert report.new == 3
    assert report.touched_learner_ids == [learner.pk]
    sessions = {s.title: s for s in ScheduledSession.objects.filter(learner=learner)}
    assert sessions["Unit 2"].attendance == "missed_called_in"
    assert sessions["Unit 2"].occurred_on == dt.date(2026, 9, 15)
    assert sessions["Unit 3"].attendance == "missed"
    assert sessions["Unit 1"].kind == "session"
    assert {s.source for s in sessions.values()} == {RecordSource.IMPORT}
    assert {s.recorded_by for s in sessions.values()} == {manager}


def test_it_changes_nothing_when_the_same_file_is_imported_again(manager, attendance_file):
    import_write(kind="attendance", content=attendance_file, by=manager)
    before = list(ScheduledSession.objects.values())

    again = import_write(kind="attendance", content=attendance_file, by=manager)

    assert (again.new, again.changed, again.unchanged) == (0, 0, 3)
    assert again.touched_learner_ids == []
    assert list(ScheduledSession.objects.values()) == before


def test_it_updates_a_row_whose_values_changed(manager, tutor, learner):
    session = SessionFactory(
        learner=learner, occurred_on=dt.date(2026, 9, 14), title="Unit 1", attendance="missed"
    )
    content = csv_bytes(
        "uln,date,session,attendance,kind",
        f"{learner.uln},2026-09-14,Unit 1,attended,workshop",
        f"{learner.uln},2026-09-21,Unit 2,attended,",
    )

    report = import_write(kind="attendance", content=content, by=manager)

    assert (report.new, report.changed, report.unchanged) == (1, 1, 0)
    session.refresh_from_db()
    assert (session.attendance, session.kind) == ("attended", "workshop")
    assert session.source == RecordSource.IMPORT
    assert session.recorded_by == manager
    assert ScheduledSession.objects.count() == 2


# --- row errors --------------------------------------------------------------------------------


def test_it_reports_each_kind_of_row_error_with_its_row_and_column(manager, learner):
    content = csv_bytes(
        ATTENDANCE_HEADER,
        f"{learner.uln},2026-09-14,Unit 1,attended",  # row 2: fine
        f"{learner.uln},31/02/2026,Unit 1,attended",  # row 3: no such day
        f"{learner.uln},next tuesday,Unit 1,attended",  # row 4: not a date
        f"{valid_uln(424242)},2026-09-14,Unit 1,attended",  # row 5: unknown ULN
        "123,2026-09-14,Unit 1,attended",  # row 6: not a ULN
        f"{learner.uln},14/09/2026,Unit 1,missed",  # row 7: same key as row 2
        f"{learner.uln},2026-09-15,Unit 2,late",  # row 8: not a choice
        f"{learner.uln},2026-09-15,,attended",  # row 9: no session title
    )

    report = import_dry_run(kind="attendance", content=content, by=manager)

    errors = messages_by_row(report)
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9}
    assert errors[3] == [("date", "“31/02/2026” is not a real date (no such day in that month).")]
    assert errors[4] == [
        (
            "date",
            "“next tuesday” is not a date. Write dates as YYYY-MM-DD (2026-09-07) or "
            "DD/MM/YYYY (07/09/2026).",
        )
    ]
    assert errors[5] == [("uln", f"No learner with ULN {valid_uln(424242)} is on record among "
                                 "the learners you can see.")]  # fmt: skip
    assert errors[6] == [("uln", "“123”: A ULN is exactly 10 digits.")]
    assert errors[7] == [("", "Duplicate of row 2: same ULN, date and session.")]
    assert errors[8][0][0] == "attendance"
    assert "Use one of: attended, missed, missed_called_in (Missed, called in)" in errors[8][0][1]
    assert errors[9] == [("session", "This cannot be empty.")]
    assert (report.rows, report.new, report.error_rows) == (8, 1, 7)


def test_it_reports_every_bad_row_not_just_the_first(manager, learner):
    rows = [f"{learner.uln},2026-13-{day:02d},Unit,attended" for day in range(1, 29)]
    report = import_dry_run(
        kind="attendance", content=csv_bytes(ATTENDANCE_HEADER, *rows), by=manager
    )

    assert [e.row for e in report.errors] == list(range(2, 30))
    assert report.error_rows == 28


def test_it_reads_progress_percentages_and_refuses_out_of_range_ones(manager, learner):
    content = csv_bytes(
        "uln,date,actual_percent,planned_percent",
        f"{learner.uln},2026-09-30,35%,40",
        f"{learner.uln},2026-10-31,101,50",
        f"{learner.uln},2026-11-30,half,-1",
    )

    report = import_dry_run(kind="progress", content=content, by=manager)

    errors = messages_by_row(report)
    assert errors[3] == [
        ("actual_percent", "101% is out of range: use a whole number from 0 to 100.")
    ]
    assert [c for c, _ in errors[4]] == ["actual_percent", "planned_percent"]
    assert report.new == 1


def test_it_does_not_find_learners_outside_a_managers_teams(manager, other_team):
    elsewhere = LearnerFactory(team=other_team)
    content = csv_bytes(ATTENDANCE_HEADER, f"{elsewhere.uln},2026-09-14,Unit 1,attended")

    report = import_dry_run(kind="attendance", content=content, by=manager)

    assert [(e.row, e.column) for e in report.errors] == [(2, "uln")]


# --- file-level errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "The file is empty."),
        (b"  \r\n\r\n", "The file is empty."),
        (b"PK\x03\x04\x14\x00\x06\x00binary", "spreadsheet workbook (.xlsx or .xls), not a CSV"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "holds binary data"),
        ("uln,date,session,attendance\r\n1,2,Café £5,x\r\n".encode("cp1252"), "not UTF-8"),
        (b"uln,date,attendance\r\n", "missing the column session. Every attendance file needs"),
        (b"ULN,Date\r\n", "missing the columns session, attendance"),
        (b"uln,date,date,session,attendance\r\n", "appear more than once: date"),
    ],
)
def test_it_refuses_a_file_it_cannot_read_as_a_whole(manager, content, expected):
    with pytest.raises(ImportFileError) as caught:
        import_dry_run(kind="attendance", content=content, by=manager)
    assert expected in caught.value.messages[0]


def test_it_says_where_the_encoding_goes_wrong_and_how_to_save_as_utf8(manager):
    content = "uln,date,session,attendance\r\n1,2,Caf\u00e9,x\r\n".encode("latin-1")
    with pytest.raises(ImportFileError) as caught:
        import_dry_run(kind="attendance", content=content, by=manager)
    assert "line 2" in caught.value.messages[0]
    assert "CSV UTF-8" in caught.value.messages[0]


@override_settings(IMPORT_MAX_BYTES=100)
def test_it_refuses_a_file_over_the_size_limit(manager, learner):
    content = csv_bytes(
        ATTENDANCE_HEADER, *[f"{learner.uln},2026-09-14,U{i},attended" for i in range(10)]
    )
    with pytest.raises(ImportFileError, match="the limit is"):
        import_dry_run(kind="attendance", content=content, by=manager)


def test_it_accepts_a_bom_any_header_case_and_lists_ignored_columns(manager, learner):
    content = "\ufeff ULN , Date,SESSION,Attendance,Tutor notes\r\n".encode() + (
        f"{learner.uln},2026-09-14,Unit 1,Cancelled by us,late bus\r\n".encode()
    )

    report = import_dry_run(kind="attendance", content=content, by=manager)

    assert report.errors == []
    assert report.new == 1
    assert report.notices == ["Ignored column not used in attendance imports: tutor_notes."]


# --- all or nothing ----------------------------------------------------------------------------


def test_it_writes_nothing_when_any_row_has_an_error(manager, learner):
    content = csv_bytes(
        ATTENDANCE_HEADER,
        f"{learner.uln},2026-09-14,Unit 1,attended",
        f"{learner.uln},2026-09-15,Unit 2,perhaps",
        f"{learner.uln},2026-09-16,Unit 3,attended",
    )

    with pytest.raises(ImportRejected) as caught:
        import_write(kind="attendance", content=content, by=manager)

    assert [(e.row, e.column) for e in caught.value.report.errors] == [(3, "attendance")]
    assert not ScheduledSession.objects.exists()


def test_it_writes_nothing_when_the_database_refuses_a_row(manager, learner, monkeypatch):
    """A row our checks let through but a database constraint refuses (here: a lenient
    percentage reader against the database's at-most-100 check) rolls back the whole file."""
    lenient = dataclasses.replace(
        FORMATS["progress"],
        columns=tuple(
            dataclasses.replace(c, parse=int) if c.name == "actual_percent" else c
            for c in FORMATS["progress"].columns
        ),
    )
    monkeypatch.setitem(FORMATS, "progress", lenient)
    content = csv_bytes(
        "uln,date,actual_percent,planned_percent",
        f"{learner.uln},2026-09-30,35,40",
        f"{learner.uln},2026-10-31,150,50",
    )

    with pytest.raises(ImportRejected) as caught:
        import_write(kind="progress", content=content, by=manager)

    assert "The database refused a row, so nothing was imported" in (
        caught.value.report.errors[0].message
    )
    assert not ProgressSnapshot.objects.exists()


# --- learners ----------------------------------------------------------------------------------

LEARNERS_HEADER = (
    "uln,first_name,last_name,programme_type,nation,course_code,tutor,team,start_date,"
    "planned_end_date,email,phone,employer"
)


@pytest.fixture
def course(db):
    return CourseFactory(code="ST0384", title="Team Leader", programme_type="apprenticeship")


def test_it_enrols_new_learners_rated_low_and_adds_new_employers(manager, tutor, team, course):
    uln = valid_uln(90_001)
    content = csv_bytes(
        LEARNERS_HEADER,
        f"{uln},Amira,Khan,Apprenticeship,England,st0384,{tutor.username},North Team,"
        "2026-09-07,06/09/2027,amira@example.org,07700 900123,Northwind Ltd",
    )

    batch = records_import_preview(
        kind="learners",
        uploaded_file=SimpleUploadedFile("new starters.csv", content),
        by=manager,
    )
    assert batch.status == ImportStatus.PREVIEWED
    assert batch.notices == [
        "“Northwind Ltd” is a new employer (row 2); applying the file adds it."
    ]
    assert not Learner.objects.filter(uln=uln).exists()

    batch = records_import_apply(batch=batch, by=manager)

    learner = Learner.objects.get(uln=uln)
    assert batch.status == ImportStatus.APPLIED
    assert batch.touched_learner_ids == [learner.pk]
    assert (learner.full_name, learner.tutor, learner.team, learner.course) == (
        "Amira Khan",
        tutor,
        team,
        course,
    )
    assert learner.employer == Employer.objects.get(name="Northwind Ltd")
    assert learner.planned_end_date == dt.date(2027, 9, 6)
    rating = RiskRating.objects.get(learner=learner)
    assert (rating.level, rating.set_by, rating.ended_at) == ("low", manager, None)
    assert rating.reason == "Rated Low at enrolment (imported from new starters.csv)."


def test_it_updates_a_learner_already_on_record(manager, tutor, team, course, learner):
    colleague_tutor = UserFactory(username="second.tutor", roles=[Role.TUTOR])
    content = csv_bytes(
        "uln,first_name,last_name,programme_type,nation,course_code,tutor,team,start_date,"
        "planned_end_date",
        f"{learner.uln},Lily,Learner-Smith,apprenticeship,ENG,ST0384,"
        f"{colleague_tutor.email.upper()},North Team,{learner.start_date:%Y-%m-%d},"
        f"{learner.planned_end_date:%d/%m/%Y}",
    )
    employer = learner.employer

    report = import_write(kind="learners", content=content, by=manager)

    learner.refresh_from_db()
    assert (report.new, report.changed) == (0, 1)
    assert (learner.last_name, learner.tutor, learner.course) == (
        "Learner-Smith",
        colleague_tutor,
        course,
    )
    assert learner.employer == employer  # no employer column: left as it was
    assert RiskRating.objects.filter(learner=learner).count() == 1
    assert import_write(kind="learners", content=content, by=manager).unchanged == 1


def test_it_reports_each_learner_row_problem(manager, tutor, team, other_team, course):
    CourseFactory(code="SC-EFA", title="First Aid", programme_type="short_course")
    EmployerFactory(name="Acme Ltd")
    good = "Amira,Khan,apprenticeship,England,ST0384,{tutor},{team},2026-09-07,2027-09-06,,,{emp}"
    t, n = tutor.username, "North Team"
    content = csv_bytes(
        LEARNERS_HEADER,
        f"{valid_uln(1)}," + good.format(tutor=t, team=n, emp="acme ltd"),  # 2 fine
        f"{valid_uln(2)}," + good.format(tutor="nobody", team=n, emp="Acme Ltd"),  # 3
        f"{valid_uln(3)}," + good.format(tutor=t, team="north team", emp="Acme Ltd"),  # 4
        f"{valid_uln(4)}," + good.format(tutor=t, team="South Team", emp="Acme Ltd"),  # 5
        f"{valid_uln(5)}," + good.format(tutor=t, team=n, emp=""),  # 6 apprentice, no employer
        f"{valid_uln(6)},Al,Jones,short_course,Scotland,ST0384,{t},{n},"
        "2026-09-07,2026-09-01,not-an-email,,",  # 7
        f"{valid_uln(1)}," + good.format(tutor=t, team=n, emp="Acme Ltd"),  # 8 duplicate of 2
    )

    report = import_dry_run(kind="learners", content=content, by=manager)

    errors = messages_by_row(report)
    assert set(errors) == {3, 4, 5, 6, 7, 8}
    assert errors[3] == [("tutor", "No active tutor has the username or e-mail “nobody”.")]
    assert errors[4] == [("team", "No team is named “north team”. Did you mean “North Team”?")]
    assert errors[5] == [
        ("team", "You do not manage South Team; its manager can import these rows.")
    ]
    assert errors[6] == [
        ("employer", "An apprentice must have an employer: add the employer's name.")
    ]
    assert {c for c, _ in errors[7]} == {"nation", "email", "course_code", "planned_end_date"}
    assert errors[8] == [("", "Duplicate of row 2: same ULN.")]
    assert report.new == 1
    assert not Learner.objects.filter(uln=valid_uln(1)).exists()


def test_it_refuses_a_course_from_another_programme_type(manager, tutor, team):
    CourseFactory(code="SC-EFA", title="First Aid", programme_type="short_course")
    content = csv_bytes(
        LEARNERS_HEADER,
        f"{valid_uln(7)},Al,Jones,traineeship,Wales,SC-EFA,{tutor.username},North Team,"
        "2026-09-07,2027-01-01,,,",
    )

    report = import_dry_run(kind="learners", content=content, by=manager)

    assert [(e.column, e.message) for e in report.errors] == [
        ("course_code", "First Aid belongs to short course programmes, not traineeships.")
    ]


def test_a_learner_file_with_errors_enrols_nobody(manager, tutor, team, course):
    content = csv_bytes(
        LEARNERS_HEADER,
        f"{valid_uln(8)},Amira,Khan,apprenticeship,England,ST0384,{tutor.username},North Team,"
        "2026-09-07,2027-09-06,,,New Co",
        f"{valid_uln(9)},Bea,Lowe,apprenticeship,England,ST0384,{tutor.username},Nowhere,"
        "2026-09-07,2027-09-06,,,New Co",
    )
    batch = records_import_preview(
        kind="learners", uploaded_file=SimpleUploadedFile("x.csv", content), by=manager
    )

    assert batch.status == ImportStatus.REJECTED
    assert batch.errors == [{"row": 3, "column": "team", "message": "No team is named “Nowhere”."}]
    assert not Learner.objects.filter(uln__in=[valid_uln(8), valid_uln(9)]).exists()
    assert not Employer.objects.filter(name="New Co").exists()


def test_a_director_may_import_learners_into_any_team(user_with_role, tutor, course):
    TeamFactory(name="Far Team")
    director = user_with_role(Role.DIRECTOR)
    content = csv_bytes(
        LEARNERS_HEADER,
        f"{valid_uln(10)},Al,Jones,apprenticeship,England,ST0384,{tutor.username},Far Team,"
        "2026-09-07,2027-09-06,,,Acme",
    )

    assert import_write(kind="learners", content=content, by=director).new == 1


def test_an_apply_checks_again_and_writes_nothing_if_the_records_moved_on(
    manager, learner, other_team, attendance_file
):
    batch = records_import_preview(
        kind="attendance",
        uploaded_file=SimpleUploadedFile("attendance.csv", attendance_file),
        by=manager,
    )
    assert batch.status == ImportStatus.PREVIEWED
    learner.team = other_team  # moved out of the manager's teams after the preview
    learner.save()

    batch = records_import_apply(batch=batch, by=manager)

    assert batch.status == ImportStatus.REJECTED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "uln"), (3, "uln"), (4, "uln")]
    assert batch.touched_learner_ids == []
    assert not ScheduledSession.objects.exists()


# --- learners: the starting rating, as on the Enrol page ---------------------------------------

START_HEADER = (
    "uln,first_name,last_name,programme_type,nation,course_code,tutor,team,start_date,"
    "planned_end_date,employer,start_rating,start_rating_reason,start_risk_factors"
)


def starter(n: int, tutor, rating: str, reason: str, factors: str) -> str:
    return (
        f"{valid_uln(n)},Amira,Khan,apprenticeship,England,ST0384,{tutor.username},North Team,"
        f'2026-09-07,2027-09-06,Acme Ltd,{rating},"{reason}","{factors}"'
    )


def preview(content: bytes, by):
    return records_import_preview(
        kind="learners", uploaded_file=SimpleUploadedFile("starters.csv", content), by=by
    )


def test_it_checks_the_starting_rating_as_the_enrol_page_does(manager, tutor, team, course):
    RiskFactor.objects.filter(code="vulnerability").update(active=False)
    why = "On probation"
    content = csv_bytes(
        START_HEADER,
        starter(20, tutor, "medium", why, "employment-probation"),  # 2 fine
        starter(21, tutor, "Medium", " ", "employment-probation"),  # 3 no reason
        starter(22, tutor, "", "", "employment-probation"),  # 4 factor at Low
        starter(23, tutor, "high", why, ""),  # 5 no factor
        starter(24, tutor, "medium", why, "employment-probation; no-such-factor"),  # 6
        starter(25, tutor, "medium", why, "bereavement"),  # 7 during-programme
        starter(26, tutor, "medium", why, "vulnerability"),  # 8 inactive
        starter(27, tutor, "urgent", why, "employment-probation"),  # 9
        starter(28, tutor, "Amber", why, "Socio-economic issues (financial, health, welfare, "
                "childcare, access to IT);LOW-ACHIEVING-GROUP"),  # 10 fine: label, name, code
    )  # fmt: skip

    batch = preview(content, manager)

    assert batch.status == ImportStatus.REJECTED
    assert [(e["row"], e["column"], e["message"]) for e in batch.errors] == [
        (3, "start_rating_reason", "Say why the learner starts above Low."),
        (
            4,
            "start_rating",
            "A start-of-programme risk factor applies, so rate the learner Medium or High.",
        ),
        (
            5,
            "start_risk_factors",
            "Name the start-of-programme risk factor that applies, or rate Low.",
        ),
        (6, "start_risk_factors", "No risk factor has the code or name “no-such-factor”."),
        (
            7,
            "start_risk_factors",
            "“Bereavement” is a during-programme risk factor: only start-of-programme factors "
            "apply at enrolment.",
        ),
        (
            8,
            "start_risk_factors",
            "“Signs of vulnerability (instability at home, poor mental health and wellbeing)” is "
            "no longer in use as a risk factor.",
        ),
        (
            9,
            "start_rating",
            "Starting rating “urgent” is not recognised. Use low, medium or high.",
        ),
    ]
    assert (batch.row_count, batch.new_count, batch.error_row_count) == (9, 2, 7)
    assert not Learner.objects.filter(uln=valid_uln(20)).exists()


def test_it_enrols_each_new_learner_at_the_rating_the_file_gives(manager, tutor, team, course):
    content = csv_bytes(
        START_HEADER,
        starter(30, tutor, "Amber", "First job; on probation", "low-achieving-group;"
                "Enrolling while on an employment probation period"),
        starter(31, tutor, "", "", ""),
        starter(32, tutor, "low", "Checked at interview: nothing applies", ""),
    )  # fmt: skip

    batch = records_import_apply(batch=preview(content, manager), by=manager)

    assert batch.status == ImportStatus.APPLIED
    medium, low, low_with_reason = (
        RiskRating.objects.get(learner__uln=valid_uln(n)) for n in (30, 31, 32)
    )
    assert (medium.level, medium.reason, medium.set_by) == (
        "medium",
        "First job; on probation",
        manager,
    )
    assert sorted(medium.risk_factors.values_list("code", flat=True)) == [
        "employment-probation",
        "low-achieving-group",
    ]
    assert EscalationCase.objects.filter(learner=medium.learner).count() == 1
    assert (low.level, low.reason) == (
        "low",
        "Rated Low at enrolment (imported from starters.csv).",
    )
    assert (low_with_reason.level, low_with_reason.reason) == (
        "low",
        "Checked at interview: nothing applies",
    )
    assert not EscalationCase.objects.filter(learner__in=[low.learner, low_with_reason.learner])


def test_it_leaves_a_learner_on_record_at_their_rating(manager, tutor, team, course, learner):
    row = starter(40, tutor, "medium", "Probation", "employment-probation")
    content = csv_bytes(START_HEADER, row.replace(valid_uln(40), learner.uln, 1))

    batch = records_import_apply(batch=preview(content, manager), by=manager)

    assert batch.status == ImportStatus.APPLIED
    assert batch.notices[-1] == (
        "Row 2: already on record, so the starting rating is not applied (change a rating on "
        "the learner's page)."
    )
    assert [r.level for r in RiskRating.objects.filter(learner=learner)] == ["low"]
    assert not EscalationCase.objects.filter(learner=learner).exists()


def test_without_the_catalogue_a_factor_is_a_row_error_not_a_guess(manager, tutor, team, course):
    content = csv_bytes(START_HEADER, starter(41, tutor, "medium", "Why", "employment-probation"))

    report = import_dry_run(kind="learners", content=content, by=manager)

    assert [(e.column, e.message) for e in report.errors] == [
        ("start_risk_factors", "Risk factors cannot be imported here.")
    ]
