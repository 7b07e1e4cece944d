"""Retention: learners who left more than LEARNER_RETENTION_YEARS (6) ago, counted from their
last recorded activity, are listed (dry run) and, when asked, anonymised; what audit needs is
kept (README: Data protection)."""

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from dataprotection.models import RetentionErasure
from dataprotection.retention import learner_anonymise, retention_due
from dataprotection.tasks import retention_review
from demo.factories import ImportBatchFactory, LearnerFactory, SessionFactory
from escalation.models import StageChange
from learners.models import LearnerStatus
from notifications.models import EmailDelivery, Notification
from riskcases.models import ContactAttachment
from tests.dataprotection.conftest import CANARY
from withdrawals.models import WithdrawalRequest

# The journey's last activity is the appeal received on Monday 7 December 2026.
LAST = dt.date(2026, 12, 7)
DUE = dt.date(2032, 12, 7)


def due_ids(today: dt.date) -> list[int]:
    return [item.learner.pk for item in retention_due(today=today)]


def test_rule_a_withdrawn_learner_is_due_six_years_after_their_last_activity(journey):
    learner = journey["learner"]
    learner.refresh_from_db()
    assert learner.status == LearnerStatus.WITHDRAWN
    assert due_ids(DUE - dt.timedelta(days=1)) == []
    [item] = retention_due(today=DUE)
    assert (item.learner.pk, item.last_activity_on, item.due_on) == (learner.pk, LAST, DUE)


def test_rule_the_setting_changes_the_period(journey):
    with override_settings(LEARNER_RETENTION_YEARS=3):
        assert due_ids(dt.date(2029, 12, 7)) == [journey["learner"].pk]


def test_rule_later_activity_restarts_the_clock(journey):
    learner = journey["learner"]
    SessionFactory(learner=learner, occurred_on=dt.date(2027, 3, 1))
    assert due_ids(DUE) == []
    assert due_ids(dt.date(2033, 3, 1)) == [learner.pk]


def test_rule_learners_still_on_programme_or_with_live_work_are_never_due(db, learner):
    completed = LearnerFactory(status=LearnerStatus.COMPLETED)
    assert due_ids(dt.date(2040, 1, 1)) == [completed.pk]  # the on-programme learner is not
    from demo.factories import open_case

    open_case(completed)
    assert due_ids(dt.date(2040, 1, 1)) == []


def test_it_anonymises_and_keeps_what_audit_needs(journey, safeguarding, client):
    learner = journey["learner"]
    names = [a.file.name for a in ContactAttachment.objects.filter(entry__learner=learner)]
    assert names and all(default_storage.exists(n) for n in names)
    identity = (learner.full_name, learner.uln, learner.email)
    changes = StageChange.objects.filter(case__learner=learner).count()
    digest = EmailDelivery.objects.create(
        to_address="manager@example.com",
        subject="Cases to act on",
        body=f"Overdue (2):\n- {learner.full_name} (North)\n- Someone Else (North)\n",
        dedupe_key="manager-digest:1:2026-12-01",
    )
    with time_machine.travel(dt.datetime(2032, 12, 7, 9, tzinfo=dt.UTC), tick=False):
        erasure = learner_anonymise(learner=learner, by=safeguarding, today=DUE)
    assert erasure.last_activity_on == LAST and erasure.retention_years == 6
    assert erasure.summary["files"] >= 3 and erasure.summary["contacts"] >= 4
    learner.refresh_from_db()
    assert learner.full_name == f"Erased learner {learner.pk}" and learner.email == ""
    assert learner.archived and learner.status == LearnerStatus.WITHDRAWN
    # Kept: the case history, the withdrawal decision and its ILR reason.
    assert StageChange.objects.filter(case__learner=learner).count() == changes
    request = WithdrawalRequest.objects.get(learner=learner)
    assert request.ilr_reason_id and request.last_day_of_learning
    # Gone: files, notifications and e-mails about them.
    assert not ContactAttachment.objects.filter(entry__learner=learner).exists()
    assert not Notification.objects.filter(title__contains=identity[0]).exists()
    assert not EmailDelivery.objects.filter(to_address=identity[2]).exists()
    digest.refresh_from_db()
    assert digest.body == "Overdue (2):\n- Someone Else (North)\n"
    # A subject access export of the record now holds nothing that identifies them. The
    # append-only histories keep their notes (the employer's contact is named in one).
    client.force_login(safeguarding)
    response = client.post(
        reverse("subject_access", args=[learner.pk]), {"include_confidential": "on"}
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    for name in archive.namelist():
        content = archive.read(name)
        for token in (*identity, CANARY, "Rang about the missed reviews"):
            assert token.encode() not in content, (token, name)
        if name != "json/withdrawal_events.json" and not name.endswith(("events.csv", ".html")):
            assert b"Pat Boss" not in content, name
    # Once is enough: a second run finds nothing due.
    assert learner_anonymise(learner=learner, by=None, today=DUE) is None
    assert due_ids(DUE) == []


@pytest.mark.django_db(transaction=True)
def test_it_deletes_the_files_once_the_erasure_commits(tutor, team):
    from riskcases.services import contact_log
    from tests.dataprotection.test_subject_access import attachment

    learner = LearnerFactory(tutor=tutor, team=team)
    entry = contact_log(
        learner=learner,
        author=tutor,
        occurred_at=timezone.now(),
        contact_type="phone",
        outcome="responded",
        notes="Final call",
        attachments=[attachment("final.pdf")],
    )
    name = entry.attachments.get().file.name
    assert default_storage.exists(name)
    learner.status = LearnerStatus.COMPLETED
    learner.save(update_fields=["status"])
    assert learner_anonymise(learner=learner, by=None, today=dt.date(2033, 1, 1))
    assert not default_storage.exists(name)


def test_the_command_lists_without_changing_and_erases_when_asked(journey, safeguarding):
    learner = journey["learner"]
    old_import = ImportBatchFactory()
    out = io.StringIO()
    call_command("apply_retention", "--today", "2032-12-07", stdout=out)
    assert f"learner {learner.pk} (withdrawn): last activity 2026-12-07" in out.getvalue()
    assert "Dry run: nothing changed" in out.getvalue()
    assert not RetentionErasure.objects.exists()
    out = io.StringIO()
    call_command(
        "apply_retention", "--today", "2032-12-07", "--erase", "--by", "sam.safe", stdout=out
    )
    assert "Anonymised 1 learner(s); deleted 1 old import file(s)." in out.getvalue()
    assert RetentionErasure.objects.get().erased_by == safeguarding
    old_import.refresh_from_db()
    assert not old_import.file


def test_the_weekly_job_tells_safeguarding_unless_told_to_erase(journey, safeguarding):
    assert retention_review(today="2032-12-07") == {
        "due": 1,
        "erased": 0,
        "import_files_deleted": 0,
    }
    assert safeguarding.notifications.get().kind == "retention_due"
    assert not RetentionErasure.objects.exists()
    with override_settings(LEARNER_RETENTION_AUTO_ERASE=True):
        assert retention_review(today="2032-12-07")["erased"] == 1
    assert RetentionErasure.objects.get().erased_by is None
