"""The subject access export: everything held about one learner (every kind of record, the
attachments, confidential safeguarding entries unless withheld with a reason), nothing about any
other learner, run only by the safeguarding team, and every export audited."""

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from dataprotection.models import SubjectAccessExport
from dataprotection.sar_export import SECTIONS
from demo.factories import (
    BreakFactory,
    EmploymentChangeFactory,
    ImportBatchFactory,
    LearnerFactory,
    ProgressEventFactory,
    ProgressSnapshotFactory,
    SessionFactory,
    SubmissionFactory,
    VisitFactory,
    WorkAbsenceFactory,
    open_case,
)
from escalation.models import CaseRecommendation, CaseTask, StageReview
from learners.models import ImportStatus, Learner
from notifications.models import EmailDelivery
from riskcases.services import contact_log, rating_change
from tests.dataprotection.conftest import CANARY, CANARY_FILE
from tests.reports.test_evidence_pack import attachment

OTHER = "ZZOTHERLEARNERZZ"  # planted in every text field of the other learner's records


def activity(learner, tag: str) -> None:
    day = dt.date(2026, 10, 5)
    SessionFactory(learner=learner, occurred_on=day, title=f"Session {tag}")
    VisitFactory(learner=learner, occurred_on=day)
    SubmissionFactory(learner=learner, occurred_on=day, title=f"Homework {tag}")
    ProgressSnapshotFactory(learner=learner, occurred_on=day)
    ProgressEventFactory(learner=learner, occurred_on=day, description=f"Unit {tag}")
    WorkAbsenceFactory(learner=learner, occurred_on=day, notes=f"Absence {tag}")
    EmploymentChangeFactory(learner=learner, occurred_on=day, employer_name=f"Employer {tag}")
    BreakFactory(
        learner=learner,
        occurred_on=dt.date(2026, 10, 6),
        returned_on=dt.date(2026, 10, 8),
        reason=f"Break {tag}",
    )


@pytest.fixture
def history(journey, tutor, manager):
    """The journey's learner with every kind of activity record, an import that touched them
    and another learner (in the same file), and a digest e-mail naming both; and the other
    learner, with the token planted everywhere, a confidential entry and an attachment."""
    learner = journey["learner"]
    other = LearnerFactory(
        tutor=tutor, team=learner.team, first_name=OTHER, last_name="Qwertyson", email=""
    )
    activity(learner, "LILY")
    activity(other, OTHER)
    rating_change(learner=other, level="high", reason=f"Reason {OTHER}", set_by=tutor)
    for case, tag in (
        (learner.cases.first(), "LILY"),
        (open_case(other, reason=f"Case {OTHER}"), OTHER),
    ):
        CaseRecommendation.objects.create(
            case=case,
            stage_key=case.stage,
            policy_version_id=case.policy_version_id,
            outcome="Escalate",
            reason=f"Recommended {tag}",
            by=tutor,
            at=timezone.now(),
        )
        CaseTask.objects.create(
            case=case,
            stage_key=case.stage,
            change_sequence=case.change_count,
            label="Team and Directors discuss further interventions",
            due_on=timezone.localdate(),
            set_at=timezone.now(),
            done_at=timezone.now(),
            done_by=tutor,
            done_note=f"Agreed {tag}",
        )
        StageReview.objects.create(
            case=case,
            stage_key=case.stage,
            policy_version_id=case.policy_version_id,
            held_on=timezone.localdate(),
            points={"Blockers": f"Said {tag}"},
            recorded_by=tutor,
            recorded_at=timezone.now(),
        )
    contact_log(
        learner=other,
        author=tutor,
        occurred_at=timezone.now(),
        contact_type="phone",
        outcome="responded",
        notes=f"Confidential {OTHER}",
        confidential=True,
        attachments=[attachment(f"{OTHER}.pdf")],
    )
    rows = (
        "uln,date,session,attendance\r\n"
        f"{learner.uln},2026-10-05,Session LILY,attended\r\n"
        f"{other.uln},2026-10-05,Session {OTHER},attended\r\n"
    )
    ImportBatchFactory(
        file=ContentFile(rows.encode(), name="import.csv"),
        original_name="attendance-october.csv",
        status=ImportStatus.APPLIED,
        applied_at=timezone.now(),
        touched_learner_ids=[learner.pk, other.pk],
    )
    EmailDelivery.objects.create(
        to_address="manager@example.com",
        subject="Cases to act on",
        body=f"Overdue (2):\n- {learner.full_name} (North): Stage 1\n  http://x/cases/1/\n"
        f"- {other.full_name} (North): Stage 1 {OTHER}\n",
        dedupe_key=f"manager-digest:{manager.pk}:2026-11-23",
    )
    return learner


def export(client, user, learner, **data):
    client.force_login(user)
    return client.post(
        reverse("subject_access", args=[learner.pk]), {"include_confidential": "on"} | data
    )


def unzip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_it_exports_every_kind_of_record_and_the_attachments(client, history, safeguarding):
    response = export(client, safeguarding, history)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    archive = unzip(response)
    names = set(archive.namelist())
    for section in SECTIONS:
        assert f"json/{section.key}.json" in names
        assert f"csv/{section.key}.csv" in names
        rows = json.loads(archive.read(f"json/{section.key}.json"))
        if section.key != "earlier_exports":
            assert rows, f"no {section.key} in the export"
        table = list(csv.reader(io.StringIO(archive.read(f"csv/{section.key}.csv").decode())))
        assert len(table) == len(rows) + (1 if rows else 0)
    index = archive.read("index.html").decode()
    assert history.full_name in index and history.uln in index
    assert "Confidential safeguarding entries are included" in index
    files = [n for n in names if n.startswith("attachments/")]
    assert any(CANARY_FILE in n for n in files)  # the confidential entry's file
    assert any("call-record.pdf" in n for n in files)
    assert any(n.startswith("attachments/employer-agreements/") for n in files)
    assert any(n.startswith("attachments/emails/") for n in files)  # the letter's PDF e-mailed
    assert sum(n.startswith("attachments/contacts/") and "stage-1" in n for n in files) == 1
    assert CANARY in archive.read("json/contacts.json").decode()
    imports = json.loads(archive.read("json/imports.json"))
    assert [r["values"]["session"] for r in imports] == ["Session LILY"]
    digest = [e for e in json.loads(archive.read("json/emails.json")) if e["note"]]
    assert digest[0]["body"].startswith(f"- {history.full_name} (North)")


def test_it_holds_nothing_about_another_learner(client, history, safeguarding):
    other = Learner.objects.get(first_name=OTHER)
    archive = unzip(export(client, safeguarding, history))
    for name in archive.namelist():
        content = archive.read(name)
        for token in (OTHER, "Qwertyson", other.uln, f"/learners/{other.pk}/"):
            assert token.encode() not in content, (token, name)


def test_it_audits_each_export_with_the_zip_checksum(client, history, safeguarding):
    import hashlib

    response = export(client, safeguarding, history)
    content = b"".join(response.streaming_content)
    row = SubjectAccessExport.objects.get()
    assert (row.learner, row.generated_by, row.included_confidential) == (
        history,
        safeguarding,
        True,
    )
    assert row.sha256 == hashlib.sha256(content).hexdigest()
    assert row.size == len(content) and row.record_count > 50 and row.file_count >= 4
    assert row.generated_at == timezone.now()
    # The download is an access event on the learner's audit trail, as report downloads are.
    from audit.models import AuditEvent, Operation

    [event] = AuditEvent.objects.filter(operation=Operation.DOWNLOAD, learner_id=history.pk)
    assert event.row_id == row.pk and event.detail == "Subject access export"


def test_it_withholds_confidential_entries_only_with_a_reason(client, history, safeguarding):
    response = export(client, safeguarding, history, include_confidential="")
    assert response.status_code == 200
    assert "Say which exemption applies" in response.content.decode()
    assert not SubjectAccessExport.objects.exists()

    reason = "Serious harm: disclosure would put the learner at risk (DPA 2018 Sch 3)."
    archive = unzip(
        export(client, safeguarding, history, include_confidential="", withheld_reason=reason)
    )
    for name in archive.namelist():
        assert CANARY.encode() not in archive.read(name), name
        assert CANARY_FILE not in name
    assert reason in archive.read("index.html").decode()
    contacts = json.loads(archive.read("json/contacts.json"))
    secret = [c for c in contacts if c["safeguarding_confidential"]]
    assert secret and all(c["notes"].startswith("Withheld under an exemption") for c in secret)
    row = SubjectAccessExport.objects.get()
    assert (row.included_confidential, row.withheld_reason) == (False, reason)


def test_it_offers_the_choice_on_a_page_that_says_the_default(client, learner, safeguarding):
    client.force_login(safeguarding)
    page = client.get(reverse("subject_access", args=[learner.pk])).content.decode()
    assert "Confidential safeguarding entries are included by default" in page
    assert 'name="include_confidential"' in page and "checked" in page
    detail = client.get(reverse("learner_detail", args=[learner.pk])).content.decode()
    assert reverse("subject_access", args=[learner.pk]) in detail


@pytest.mark.parametrize("role", ["director", "quality", "leaver panel", "manager", "tutor"])
def test_it_refuses_everyone_but_the_safeguarding_team(client, learner, user_with_role, role):
    user = user_with_role(role)
    client.force_login(user)
    url = reverse("subject_access", args=[learner.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"include_confidential": "on"}).status_code == 403
    assert (
        reverse("subject_access", args=[learner.pk])
        not in client.get(reverse("learner_detail", args=[learner.pk])).content.decode()
    )
    assert not SubjectAccessExport.objects.exists()


def test_it_refuses_a_superuser_outside_safeguarding_and_anonymous(client, learner, admin_user):
    url = reverse("subject_access", args=[learner.pk])
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(admin_user)
    assert client.post(url, {"include_confidential": "on"}).status_code == 403


def test_it_is_404_for_a_learner_that_does_not_exist(client, safeguarding):
    client.force_login(safeguarding)
    assert client.get(reverse("subject_access", args=[999999])).status_code == 404
