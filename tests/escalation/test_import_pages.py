import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demo.factories import ImportBatchFactory
from learners.models import ImportBatch, ImportStatus, ScheduledSession
from learners.roles import Role

LIST = reverse("import_list")


def attendance_csv(learner, *rows: str) -> bytes:
    """An attendance file with ``rows``; two good rows when none are given."""
    rows = rows or (
        f"{learner.uln},2026-09-14,Unit 1,attended",
        f"{learner.uln},2026-09-15,Unit 2,missed",
    )
    return ("\n".join(["uln,date,session,attendance", *rows]) + "\n").encode()


def upload(client, content: bytes, *, kind: str = "attendance", name: str = "attendance.csv"):
    return client.post(LIST, {"kind": kind, "file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize("role", [Role.TUTOR, Role.QUALITY, Role.SAFEGUARDING, Role.LEAVER_PANEL])
def test_it_forbids_roles_that_do_not_import(client, user_with_role, role):
    client.force_login(user_with_role(role))
    assert client.get(LIST).status_code == 403
    assert client.post(LIST).status_code == 403


def test_it_sends_anonymous_visitors_to_log_in(client, db):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.MANAGER, Role.DIRECTOR])
def test_managers_and_directors_see_the_page_and_its_nav_entry(client, user_with_role, role):
    client.force_login(user_with_role(role))
    response = client.get(LIST)
    assert response.status_code == 200
    assert b">Imports</a>" in response.content
    assert b"actual_percent" in response.content  # the columns of each kind are explained


def test_a_manager_uploads_previews_and_applies_a_file(client, manager, learner):
    client.force_login(manager)

    response = upload(client, attendance_csv(learner))

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("import_detail", args=[batch.pk])
    assert not ScheduledSession.objects.exists()
    page = client.get(response.url).content.decode()
    assert "Apply 2 rows" in page
    assert "No problems found" in page

    response = client.post(reverse("import_apply", args=[batch.pk]), follow=True)

    assert ScheduledSession.objects.filter(learner=learner).count() == 2
    page = response.content.decode()
    assert "Imported attendance.csv: 2 new, 0 changed, 0 unchanged." in page
    assert "Apply 2 rows" not in page
    batch.refresh_from_db()
    assert (batch.status, batch.applied_by) == (ImportStatus.APPLIED, manager)
    assert batch.touched_learner_ids == [learner.pk]


def test_applying_a_batch_twice_is_refused(client, manager, learner):
    client.force_login(manager)
    upload(client, attendance_csv(learner))
    batch = ImportBatch.objects.get()
    client.post(reverse("import_apply", args=[batch.pk]))

    response = client.post(reverse("import_apply", args=[batch.pk]), follow=True)

    assert "This import was already applied on" in response.content.decode()
    assert ScheduledSession.objects.count() == 2


def test_uploading_the_same_file_again_makes_a_batch_that_changes_nothing(client, manager, learner):
    client.force_login(manager)
    upload(client, attendance_csv(learner))
    client.post(reverse("import_apply", args=[ImportBatch.objects.get().pk]))

    upload(client, attendance_csv(learner))
    second = ImportBatch.objects.latest("pk")
    assert (second.new_count, second.changed_count, second.unchanged_count) == (0, 0, 2)
    client.post(reverse("import_apply", args=[second.pk]))

    second.refresh_from_db()
    assert second.status == ImportStatus.APPLIED
    assert second.touched_learner_ids == []
    assert ScheduledSession.objects.count() == 2


def test_a_file_with_errors_shows_every_error_and_cannot_be_applied(client, manager, learner):
    client.force_login(manager)
    upload(
        client,
        attendance_csv(
            learner,
            f"{learner.uln},2026-09-14,Unit 1,attended",
            f"{learner.uln},14/09/2026,Unit 1,attended",
            f"{learner.uln},2026-09-40,Unit 2,attended",
        ),
    )
    batch = ImportBatch.objects.get()

    page = client.get(reverse("import_detail", args=[batch.pk])).content.decode()

    assert batch.status == ImportStatus.REJECTED
    assert "2 rows have errors, so nothing from this file can be imported." in page
    assert "Duplicate of row 2: same ULN, date and session." in page
    assert "“2026-09-40” is not a real date" in page
    assert "Upload a corrected file" in page
    assert "Apply " not in page
    response = client.post(reverse("import_apply", args=[batch.pk]), follow=True)
    assert "This file has errors" in response.content.decode()
    assert not ScheduledSession.objects.exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"kind": "attendance"}, "This field is required."),
        ({"kind": "payroll", "file": b"uln\n"}, "Select a valid choice."),
        ({"kind": "attendance", "file": b"\x89PNG\r\n\x1a\n\x00\x00"}, "holds binary data"),
        ({"kind": "attendance", "file": b"PK\x03\x04rest"}, "spreadsheet workbook"),
        ({"kind": "attendance", "file": "uln,date\n£".encode("latin-1")}, "not UTF-8"),
        ({"kind": "attendance", "file": b"uln,date\n"}, "missing the columns"),
        ({"kind": "attendance", "file": b""}, "The submitted file is empty."),
    ],
)
def test_bad_uploads_get_a_form_error_not_an_error_page(client, manager, data, expected):
    client.force_login(manager)
    if "file" in data:
        data = {**data, "file": SimpleUploadedFile("upload.csv", data["file"])}

    response = client.post(LIST, data)

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not ImportBatch.objects.exists()


@override_settings(IMPORT_MAX_BYTES=1024)
def test_a_file_over_the_limit_gets_a_form_error(client, manager, learner):
    client.force_login(manager)
    rows = [f"{learner.uln},2026-09-14,Unit {i},attended" for i in range(100)]

    response = upload(client, attendance_csv(learner, *rows))

    assert "Split it into smaller files" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_manager_cannot_see_another_managers_batch(client, manager, user_with_role):
    other = ImportBatchFactory(uploaded_by=user_with_role(Role.MANAGER))
    client.force_login(manager)
    assert client.get(reverse("import_detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("import_apply", args=[other.pk])).status_code == 404


def test_the_preview_page_queries_do_not_grow_with_errors(client, manager):
    def errors(n):
        return [{"row": r, "column": "date", "message": "Bad date."} for r in range(2, n + 2)]

    few = ImportBatchFactory(uploaded_by=manager, errors=errors(1))
    many = ImportBatchFactory(uploaded_by=manager, errors=errors(100))
    client.force_login(manager)
    client.get(reverse("import_detail", args=[few.pk]))  # warm the session

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("import_detail", args=[few.pk]))
    with CaptureQueriesContext(connection) as hundred:
        response = client.get(reverse("import_detail", args=[many.pk]))

    assert response.content.decode().count("Bad date.") == 100
    assert len(hundred) == len(one)
