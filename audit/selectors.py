"""Reads for the audit page: the filtered trail, and each row as a readable field diff.

Confidential safeguarding content never leaves this module for a reader outside the
safeguarding team: the audit page is for directors and IQA, and the policy shares what was
said in a safeguarding conversation only with the safeguarding team."""

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format

from audit.actor import SYSTEM
from audit.models import ACCESS_KIND, ACCESS_OPERATIONS, AuditEvent
from audit.registry import GROUPS, audited_models, tables_of_group
from learners.models import Learner
from learners.policy_reading import organisation_policy
from policies.selectors import version_spec, version_specs
from policies.spec import PolicySpec

# What a confidential entry's rows may show to someone outside the safeguarding team.
CONFIDENTIAL_VISIBLE = {
    "riskcases_contactlogentry": {
        "id", "learner_id", "author_id", "occurred_at", "created_at", "confidential",
        "contact_type",
    },
    "riskcases_contactattachment": {"id", "entry_id", "uploaded_by_id", "uploaded_at"},
}  # fmt: skip
HIDDEN = "(confidential)"
NOT_SHOWN = {"submission_token"}  # a double-click guard, not something anyone changed
VALUE_LIMIT = 160


def audit_events(
    *,
    learner: str = "",
    user: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    kind: str = "",
    action: str = "",
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor", "learner").order_by("-at", "-id")
    if learner:
        term = learner.strip()
        matches = Learner.objects.filter(
            Q(uln=term) | Q(first_name__icontains=term) | Q(last_name__icontains=term)
        )
        if " " in term:
            first, _, last = term.partition(" ")
            matches |= Learner.objects.filter(
                first_name__icontains=first, last_name__icontains=last.strip()
            )
        events = events.filter(learner_id__in=matches.values("pk"))
    if user == SYSTEM:
        events = events.filter(actor__isnull=True)
    elif user:
        events = events.filter(actor_id=user)
    if date_from:
        start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min))
        events = events.filter(at__gte=start)
    if date_to:
        end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min))
        events = events.filter(at__lt=end)
    if kind == ACCESS_KIND:
        events = events.filter(operation__in=ACCESS_OPERATIONS)
    elif kind in GROUPS:
        events = events.filter(table_name__in=tables_of_group(apps, kind))
    if action:
        events = events.filter(operation=action)
    return events


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    record: str  # "Contact log entry #12"
    changes: list[FieldChange]
    detail: str


def _models_by_table() -> dict[str, type[models.Model]]:
    return {model._meta.db_table: model for model, _entry in audited_models(apps)}


STAGE_COLUMNS = {"stage", "from_stage", "to_stage"}


def _row_version(row: dict) -> int | None:
    """The policy version a case's or stage change's row names (its column, as stored)."""
    return row.get("policy_version_id") or row.get("policy_version")


def _stage_name(row: dict, value: str, organisation: Callable[[], PolicySpec]) -> str:
    """A stage key in the words of the version the row names (the case's, or the stage
    change's); the organisation's policy for rows that do not say (older stage changes)."""
    version_id = _row_version(row)
    try:
        policy = version_spec(version_id) if version_id else organisation()
        return policy.stage(value).name
    except KeyError:
        return value


def _display(field: models.Field | None, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if field is not None:
        if field.choices and not isinstance(value, dict | list):
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.BooleanField):
            return "Yes" if value in (True, 1, "1", "true") else "No"
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            parsed = parse_datetime(value.replace(" ", "T"))
            if parsed is not None:
                if timezone.is_naive(parsed):
                    parsed = timezone.make_aware(parsed, dt.UTC)
                return date_format(timezone.localtime(parsed), "j M Y H:i")
        if isinstance(field, models.DateField) and isinstance(value, str):
            parsed = parse_date(value[:10])
            if parsed is not None:
                return date_format(parsed, "j M Y")
        if field.is_relation:
            return f"#{value}"
    text = json.dumps(value) if isinstance(value, dict | list) else str(value)
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"


def _confidential(event: AuditEvent, confidential_entries: set[int]) -> bool:
    rows = [row for row in (event.before, event.after) if row]
    if event.table_name == "riskcases_contactlogentry":
        return any(row.get("confidential") in (True, 1) for row in rows) or (
            event.row_id in confidential_entries
        )
    if event.table_name == "riskcases_contactattachment":
        return any(row.get("entry_id") in confidential_entries for row in rows) or (
            not rows and event.detail.startswith("Attachment of a confidential")
        )
    return False


def _changes(
    event: AuditEvent,
    model,
    hidden: set[str] | None,
    organisation: Callable[[], PolicySpec],
) -> list[FieldChange]:
    before, after = event.before or {}, event.after or {}
    fields = {f.column: f for f in model._meta.concrete_fields} if model else {}
    if event.before is not None and event.after is not None:
        columns = [c for c in after if before.get(c) != after.get(c)]
    else:
        columns = [
            c for c in (after or before) if c != "id" and (after or before)[c] not in ("", None)
        ]
    order = {column: index for index, column in enumerate(fields)}
    columns.sort(key=lambda column: order.get(column, len(order)))
    changes = []
    for column in columns:
        if column in NOT_SHOWN:
            continue
        field = fields.get(column)
        label = str(field.verbose_name).capitalize() if field else column
        if hidden is not None and column not in hidden:
            changes.append(
                FieldChange(
                    label, HIDDEN if column in before else "", HIDDEN if column in after else ""
                )
            )
            continue
        shown = []
        for row in (before, after):
            value = row.get(column)
            if column in STAGE_COLUMNS and isinstance(value, str) and value:
                shown.append(_stage_name(row, value, organisation))
            else:
                shown.append(_display(field, value) if column in row else "")
        changes.append(FieldChange(label, *shown))
    return changes


def audit_rows(events: list[AuditEvent], *, reader_sees_confidential: bool) -> list[EventRow]:
    """Each event with its record's name and its fields before -> after. A few queries at most
    (which of the page's contact entries are confidential; the policy versions the page's
    rows name, and the organisation's policy for those that name none), however many rows."""
    by_table = _models_by_table()
    version_specs(
        {_row_version(row) for e in events for row in (e.before, e.after) if row} - {None}
    )
    organisation = cache(organisation_policy)  # read once, and only if a row needs it
    confidential_entries: set[int] = set()
    if not reader_sees_confidential:
        entry_ids = {
            row.get("entry_id")
            for e in events
            if e.table_name == "riskcases_contactattachment"
            for row in (e.before, e.after)
            if row
        } | {e.row_id for e in events if e.table_name == "riskcases_contactlogentry"}
        entry_ids.discard(None)
        if entry_ids:
            entry_model = apps.get_model("riskcases", "ContactLogEntry")
            confidential_entries = set(
                entry_model.objects.filter(pk__in=entry_ids, confidential=True).values_list(
                    "pk", flat=True
                )
            )
    rows = []
    for event in events:
        model = by_table.get(event.table_name)
        name = str(model._meta.verbose_name).capitalize() if model else event.table_name
        if event.table_name == AuditEvent._meta.db_table:
            name = "Audit trail"  # a redaction: it changed this learner's audit rows
        record = f"{name} #{event.row_id}" if event.row_id is not None else name
        secret = not reader_sees_confidential and _confidential(event, confidential_entries)
        hidden = CONFIDENTIAL_VISIBLE.get(event.table_name, set()) if secret else None
        detail = event.detail
        if secret and ":" in detail:
            detail = detail.split(":", 1)[0]  # the file's name may say what was disclosed
        rows.append(EventRow(event, record, _changes(event, model, hidden, organisation), detail))
    return rows
