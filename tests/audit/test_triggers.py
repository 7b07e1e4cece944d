"""The triggers: every listed table has them, they catch bulk and queryset writes, name the
actor, and the audit table refuses to be changed."""

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from audit.actor import actor_set
from audit.models import AuditEvent, Operation
from audit.registry import AUDITED
from audit.triggers import expected_triggers, triggers_missing
from demo.factories import ContactLogEntryFactory
from learners.models import Learner
from riskcases.models import ContactLogEntry

pytestmark = pytest.mark.django_db


def test_it_has_the_triggers_of_every_listed_model():
    assert triggers_missing(apps, connection) == {}
    expected = expected_triggers(apps)
    assert len(expected) == len(AUDITED) + 1  # and the audit table's own guard
    assert all(len(names) == 3 for table, names in expected.items() if table != "audit_auditevent")


def test_it_records_bulk_create_bulk_update_and_queryset_update(learner):
    entries = ContactLogEntry.objects.bulk_create(
        ContactLogEntryFactory.build(learner=learner, notes=f"bulk {n}") for n in range(3)
    )
    inserted = AuditEvent.objects.filter(
        table_name="riskcases_contactlogentry", operation=Operation.INSERT
    )
    assert sorted(e.after["notes"] for e in inserted) == ["bulk 0", "bulk 1", "bulk 2"]
    assert {e.learner_id for e in inserted} == {learner.pk}

    for entry in entries:
        entry.notes = entry.notes.upper()
    ContactLogEntry.objects.bulk_update(entries, ["notes"])
    Learner.objects.filter(pk=learner.pk).update(phone="07700 900123")
    updates = AuditEvent.objects.filter(operation=Operation.UPDATE)
    assert sorted(
        (e.before["notes"], e.after["notes"])
        for e in updates
        if e.row_id in {x.pk for x in entries} and e.table_name == "riskcases_contactlogentry"
    ) == [
        ("bulk 0", "BULK 0"),
        ("bulk 1", "BULK 1"),
        ("bulk 2", "BULK 2"),
    ]
    phone = updates.get(table_name="learners_learner")
    assert phone.after["phone"] == "07700 900123" and phone.before["phone"] != phone.after["phone"]
    assert phone.actor_id is None and phone.actor_label == "system"


def test_it_skips_updates_that_change_nothing_and_records_deletes(learner):
    before = AuditEvent.objects.count()
    Learner.objects.filter(pk=learner.pk).update(phone=learner.phone)
    assert AuditEvent.objects.count() == before
    entry = ContactLogEntryFactory(learner=learner)
    ContactLogEntry.objects.filter(pk=entry.pk).delete()
    deleted = AuditEvent.objects.get(operation=Operation.DELETE)
    assert deleted.before["id"] == entry.pk and deleted.after is None
    assert deleted.learner_id == learner.pk


def test_it_names_the_actor_set_for_a_block_and_forgets_it_after(learner, manager):
    with actor_set(user=manager):
        Learner.objects.filter(pk=learner.pk).update(phone="1")
    Learner.objects.filter(pk=learner.pk).update(phone="2")
    first, second = AuditEvent.objects.filter(table_name="learners_learner").order_by("id")[1:]
    assert (first.actor_id, first.actor_label) == (manager.pk, "team.manager")
    assert (second.actor_id, second.actor_label) == (None, "system")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('audit.actor_id', true)")
        assert cursor.fetchone()[0] in ("", None)


def test_it_refuses_to_update_or_delete_audit_rows(learner):
    event = AuditEvent.objects.filter(learner=learner).first()
    assert event is not None
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(actor_label="someone else")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.detail = "edited"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save()
    event.refresh_from_db()
    assert event.detail == "" and event.actor_label == "system"


def test_a_celery_tasks_changes_are_the_systems_named_by_task(learner, tutor):
    import datetime as dt

    import time_machine

    from demo.factories import open_case
    from escalation.services import case_advance
    from escalation.tasks import sweep_overdue_cases

    with time_machine.travel(dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC), tick=False):
        case_advance(case=open_case(learner), by=tutor, reason="no contact")  # due 30 Nov
    with (
        time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False),
        actor_set(user=tutor),  # even called from a request, a task runs as the system
    ):
        sweep_overdue_cases.apply()
    moved = AuditEvent.objects.filter(
        table_name="escalation_escalationcase", operation=Operation.UPDATE
    ).first()  # newest first
    assert moved.after["stage"] == "stage_2"
    assert (moved.actor_id, moved.actor_label) == (None, "system (sweep_overdue_cases)")
    Learner.objects.filter(pk=learner.pk).update(phone="after the task")
    last = AuditEvent.objects.filter(table_name="learners_learner").first()
    assert last.actor_label == "system"  # the task's label ended with it


@pytest.mark.parametrize("entry", AUDITED, ids=lambda entry: entry.label)
def test_every_listed_tables_triggers_run(entry):
    """Statement triggers fire on statements that touch no row, so each trigger's SQL is
    planned and run here for every table, whatever rows the other tests make."""
    model = apps.get_model(entry.label)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} SELECT * FROM {table} WHERE false")
        cursor.execute(f"UPDATE {table} SET id = id WHERE false")
        cursor.execute(f"DELETE FROM {table} WHERE false")
