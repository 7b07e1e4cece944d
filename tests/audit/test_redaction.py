"""Retention erasure redacts the audit trail: the guard lets one flagged transaction overwrite
the content of audit rows and nothing else (DELETE never), and anonymising a learner leaves no
trace of their personal data in any audit row, others' rows untouched, the redaction recorded.
SQLite (the run command): the same, in a subprocess (as test_sqlite.py)."""

import datetime as dt
import json

import pytest
import time_machine
from django.apps import apps
from django.db import DatabaseError, models, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, Operation
from audit.redaction import ERASED, redaction_allowed
from audit.registry import audited_models
from audit.services import access_record
from dataprotection.retention import learner_anonymise
from demo.factories import ContactLogEntryFactory, LearnerFactory
from riskcases.models import ContactAttachment
from tests.audit.test_sqlite import sqlite_run
from tests.reports.conftest import _monday  # noqa: F401 (an autouse fixture)
from tests.reports.test_evidence_pack import (  # noqa: F401 (fixtures)
    CANARY,
    CANARY_FILE,
    journey,
    safeguarding,
)

pytestmark = pytest.mark.django_db

DUE = dt.date(2032, 12, 7)  # six years after the journey's last activity

# Text columns of audited learner records that are not personal: file paths (random names
# under the learner's id), checksums, MIME types, and stage, status and rule keys of the
# case's policy version, and a dated case task's label (the policy's words).
NOT_PERSONAL = {
    "file", "sha256", "content_type", "policy_key", "move_key", "due_rule", "stage", "from_stage",
    "to_stage", "from_status", "to_status", "reinstated_at_stage", "stage_key", "label",
}  # fmt: skip


def content(event: AuditEvent) -> str:
    return json.dumps([event.before, event.after, event.detail])


def snapshot(events) -> list[tuple]:
    return [(e.pk, e.before, e.after, e.detail, e.redacted_at) for e in events.order_by("pk")]


def test_rule_every_free_text_column_of_a_learners_records_is_declared_personal_or_kept():
    for model, entry in audited_models(apps):
        if entry.learner is None:
            continue  # rows about no learner are never redacted (see the README)
        for field in model._meta.concrete_fields:
            free_text = isinstance(field, models.CharField | models.TextField | models.FileField)
            if free_text and not field.choices and field.column not in NOT_PERSONAL:
                assert field.column in entry.personal, (entry.label, field.column)
        assert set(entry.personal) <= {f.column for f in model._meta.concrete_fields}


def test_it_still_refuses_changes_without_the_flag_and_deletes_always(learner):
    event = AuditEvent.objects.filter(learner=learner).first()
    redaction = {"before": None, "after": {"x": ERASED}, "redacted_at": timezone.now()}
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(**redaction)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        redaction_allowed(),
    ):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert snapshot(AuditEvent.objects.filter(pk=event.pk)) == [
        (event.pk, event.before, event.after, "", None)
    ]


def test_it_lets_a_flagged_transaction_change_only_the_content(learner, manager):
    event = AuditEvent.objects.filter(learner=learner).first()
    rows = AuditEvent.objects.filter(pk=event.pk)
    now = timezone.now()
    refused = [
        {"actor_label": "someone else", "redacted_at": now},
        {"learner_id": learner.pk + 1, "redacted_at": now},
        {"operation": Operation.DELETE, "redacted_at": now},
        {"at": now, "redacted_at": now},
        {"actor_id": manager.pk, "redacted_at": now},
        {"after": {"first_name": ERASED}},  # a redaction must say when
    ]
    with transaction.atomic():
        for change in refused:
            with (
                pytest.raises(DatabaseError, match="may change only"),
                transaction.atomic(),
                redaction_allowed(),
            ):
                rows.update(**change)
        with redaction_allowed():
            rows.update(after={"first_name": ERASED}, detail="(erased)", redacted_at=now)
        # The flag ends with the block, though the transaction goes on.
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            rows.update(detail="again", redacted_at=now)
    event.refresh_from_db()
    assert (event.after, event.detail, event.redacted_at) == ({"first_name": ERASED}, ERASED, now)
    assert (event.actor_label, event.learner_id) == ("system", learner.pk)
    assert event.operation == Operation.INSERT


def test_a_failed_redaction_block_takes_its_flag_back(learner):
    rows = AuditEvent.objects.filter(learner=learner)
    with transaction.atomic():
        with pytest.raises(RuntimeError), redaction_allowed():
            raise RuntimeError("the redaction failed")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            rows.update(detail="x", redacted_at=timezone.now())


def test_anonymising_redacts_the_learners_trail_and_only_theirs(
    journey,  # noqa: F811 (the fixtures imported above)
    safeguarding,  # noqa: F811
    director,
    client,
):
    learner = journey["learner"]
    learner.refresh_from_db()
    other = LearnerFactory(first_name="Otto", last_name="Other")
    ContactLogEntryFactory(learner=other, notes="Otto's own note stays")
    attachment = ContactAttachment.objects.get(original_name=CANARY_FILE)
    access_record(
        user=safeguarding,
        operation=Operation.DOWNLOAD,
        obj=attachment,
        learner_id=learner.pk,
        detail=f"Attachment of a confidential entry: {CANARY_FILE}",
    )
    access_record(
        user=safeguarding,
        operation=Operation.DOWNLOAD,
        obj=learner,
        learner_id=learner.pk,
        detail=f"Evidence pack: evidence-pack-{learner.uln}-20261130-0900.pdf",
    )
    tokens = [
        learner.first_name,
        learner.last_name,
        learner.uln,
        learner.email,
        CANARY,
        CANARY_FILE,
        "Rang about the missed reviews",
        "Two missed reviews and slipping behind plan",
        "Pat Boss",
    ]
    trail = AuditEvent.objects.all()
    assert all(any(t in content(e) for e in trail) for t in tokens)  # planted, and audited
    others = snapshot(AuditEvent.objects.exclude(learner=learner))
    kept = {
        e.pk: (e.at, e.actor_id, e.actor_label, e.operation, e.table_name, e.row_id)
        for e in AuditEvent.objects.filter(learner=learner)
    }

    with time_machine.travel(dt.datetime(2032, 12, 7, 9, tzinfo=dt.UTC), tick=False):
        erasure = learner_anonymise(learner=learner, by=safeguarding, today=DUE)

    for event in AuditEvent.objects.all():
        for token in tokens:
            assert token not in content(event), (token, event.pk, event.table_name)
    assert snapshot(AuditEvent.objects.exclude(learner=learner)) == others
    redacted = AuditEvent.objects.filter(learner=learner, redacted_at__isnull=False)
    assert redacted.count() == erasure.summary["audit_rows_redacted"] > len(kept) // 2
    for event in AuditEvent.objects.filter(pk__in=kept):  # who, what, when: unchanged
        assert kept[event.pk] == (
            event.at, event.actor_id, event.actor_label, event.operation, event.table_name,
            event.row_id,
        )  # fmt: skip
    # The anonymising updates were audited and redacted too; what is not personal stays.
    scrub = AuditEvent.objects.get(
        table_name="learners_learner", operation=Operation.UPDATE, after__archived=True
    )
    assert scrub.before["first_name"] == ERASED and scrub.before["archived"] is False
    assert scrub.after["status"] == "withdrawn" and scrub.redacted_at is not None
    download = AuditEvent.objects.get(learner=learner, detail__startswith="Evidence pack")
    assert download.detail == f"Evidence pack: evidence-pack-{ERASED}-20261130-0900.pdf"
    assert AuditEvent.objects.get(detail__startswith="Attachment of a confidential").detail == (
        f"Attachment of a confidential entry: {ERASED}"
    )
    record = AuditEvent.objects.get(operation=Operation.REDACT)
    assert (record.actor_id, record.actor_label, record.learner_id, record.redacted_at) == (
        safeguarding.pk,
        safeguarding.username,
        learner.pk,
        None,
    )
    assert record.detail == (
        f"Personal data erased from {redacted.count()} audit rows (retention period passed)"
    )
    # The audit page says what happened, and shows none of it.
    client.force_login(director)
    page = client.get(reverse("audit_list"), {"action": Operation.REDACT}).content.decode()
    assert "Redacted" in page and "Audit trail" in page and record.detail in page
    anonymised = type(learner).objects.get(pk=learner.pk)
    page = client.get(reverse("audit_list"), {"learner": anonymised.uln}).content.decode()
    assert "Personal data erased on 7 Dec 2032 (retention)" in page
    for token in (learner.full_name, *tokens[2:]):  # "Learner" alone is the filter's label
        assert token not in page, token
    # The trail can still be changed no other way.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        redacted.update(detail="", redacted_at=None)


SQLITE_CHECK = """
import datetime as dt, json
from django.db import DatabaseError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.urls import reverse
from django.utils import timezone
from audit.models import AuditEvent, Operation
from audit.redaction import redaction_allowed
from dataprotection.retention import learner_anonymise
from learners.models import LearnerStatus
from demo.factories import ContactLogEntryFactory, LearnerFactory

assert connection.vendor == "sqlite"
gone = LearnerFactory(first_name="Zebedee", last_name="Quixotic", status=LearnerStatus.COMPLETED)
ContactLogEntryFactory(learner=gone, notes="TOKEN-sqlite-note-5rq")
other = LearnerFactory(first_name="Otto", last_name="Other")
ContactLogEntryFactory(learner=other, notes="Otto's note stays")
rows = AuditEvent.objects.filter(pk=AuditEvent.objects.filter(learner=gone).first().pk)
now = timezone.now()

def refused(change, message, flag=True):
    try:
        with transaction.atomic():
            if flag:
                with redaction_allowed():
                    change()
            else:
                change()
    except DatabaseError as exc:
        assert message in str(exc), exc
    else:
        raise AssertionError("the audit table took a change")

refused(lambda: rows.update(detail="x", redacted_at=now), "UPDATE refused", flag=False)
refused(lambda: rows.update(actor_label="x", redacted_at=now), "may change only")
refused(lambda: rows.update(detail="x"), "must set redacted_at")
refused(rows.delete, "DELETE refused")
try:
    with redaction_allowed():
        pass
except TransactionManagementError:
    pass
else:
    raise AssertionError("a redaction outside a transaction")
with transaction.atomic():
    with redaction_allowed():
        rows.update(detail="allowed", redacted_at=now)
    refused(lambda: rows.update(detail="again", redacted_at=now), "UPDATE refused", flag=False)
assert rows.get().detail == "allowed"

others = [(e.pk, e.before, e.after, e.detail) for e in AuditEvent.objects.exclude(learner=gone)]
assert learner_anonymise(learner=gone, by=None, today=dt.date(2040, 1, 1)) is not None
for event in AuditEvent.objects.all():
    text = json.dumps([event.before, event.after, event.detail])
    for token in ("Zebedee", "Quixotic", gone.uln, "TOKEN-sqlite-note-5rq"):
        assert token not in text, (token, event.pk)
assert others == [
    (e.pk, e.before, e.after, e.detail) for e in AuditEvent.objects.exclude(learner=gone)
]
record = AuditEvent.objects.get(operation=Operation.REDACT)
assert record.learner_id == gone.pk and record.actor_label == "system", record
assert AuditEvent.objects.filter(learner=gone, redacted_at__isnull=False).count() >= 3
print("SQLITE-REDACTION-OK")
"""


def test_it_redacts_on_sqlite_too(tmp_path):
    output = sqlite_run(tmp_path, SQLITE_CHECK)
    assert "SQLITE-REDACTION-OK" in output, output
