"""Subject access sections for activity records (sessions, visits, homework, progress, work
absences, employment changes, breaks), notifications and e-mails about the learner, and the
imports that touched them (only this learner's rows of each file)."""

import csv
import io
import re
from collections.abc import Iterator

from django.db import connection
from django.db.models import Prefetch, Q

from dataprotection.models import SubjectAccessExport
from dataprotection.sar_records import CHUNK, Scope, event_key_pattern, person
from learners.models import ImportBatch
from learners.record_kinds import record_kind
from notifications.models import EmailAttachment, EmailDelivery, Notification

# The columns every activity record shares, then each kind's own (the kinds, their models and
# titles: learners/record_kinds.py).
RECORD_COLUMNS = ("id", "date", "source", "recorded_by", "created_at")
RECORD_COLUMNS_OWN = {
    "breaks": ("expected_return_on", "reason", "returned_on"),
    "progress_snapshots": ("actual_percent", "planned_percent"),
    "progress_records": ("kind", "description"),
    "sessions": ("kind", "title", "attendance"),
    "submissions": ("title", "outcome"),
    "visits": ("kind", "outcome"),
    "work_absences": ("explained", "notes"),
    "employment_changes": ("kind", "employer_name"),
}


def record_rows(key: str):
    own = RECORD_COLUMNS_OWN[key]

    def rows(scope: Scope) -> Iterator[dict]:
        qs = record_kind(key).for_learner(scope.learner.pk).select_related("recorded_by")
        for r in qs.order_by("occurred_on", "pk").iterator(chunk_size=CHUNK):
            row = {
                "id": r.pk,
                "date": r.occurred_on,
                "source": r.get_source_display(),
                "recorded_by": person(r.recorded_by),
                "created_at": r.created_at,
            }
            for name in own:
                display = getattr(r, f"get_{name}_display", None)
                row[name] = display() if display else getattr(r, name)
            yield row

    return RECORD_COLUMNS + own, rows


def notifications(scope: Scope) -> Iterator[dict]:
    """In-app notifications staff received about the learner's cases, risk notifications and
    withdrawals (the recipients are staff)."""
    pattern = event_key_pattern(scope)
    if not pattern:
        return
    qs = Notification.objects.filter(dedupe_key__regex=f"^({pattern})").select_related("recipient")
    for n in qs.order_by("created_at", "pk").iterator(chunk_size=CHUNK):
        yield {
            "recipient": person(n.recipient),
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "link": n.url,
            "created_at": n.created_at,
            "read_at": n.read_at,
        }


def _mentions(scope: Scope) -> re.Pattern:
    """A line naming the learner or linking to their page or one of their cases."""
    name = re.escape(scope.learner.full_name)
    links = [rf"/learners/{scope.learner.pk}/"] + [rf"/cases/{pk}/" for pk in scope.case_ids]
    return re.compile(rf"(?<!\w){name}(?!\w)|" + "|".join(links))


def emails(scope: Scope) -> Iterator[dict]:
    """Letters e-mailed to the learner or employer, e-mailed notifications about them, and the
    lines of digest e-mails about them (a digest lists several learners: only their lines)."""
    own = []
    if pattern := event_key_pattern(scope):
        own.append(f"notification:[0-9]+:({pattern})")
    if scope.case_ids:
        own.append(f"letter:case:({'|'.join(map(str, scope.case_ids))}):")
    if scope.request_ids:
        own.append(f"letter:withdrawal:({'|'.join(map(str, scope.request_ids))})(:|$)")
    mentions = _mentions(scope)
    digest = Q(dedupe_key__regex=r"^(manager-)?digest:") & Q(body__regex=mentions.pattern)
    wanted = (Q(dedupe_key__regex=f"^({'|'.join(own)})") if own else Q(pk__in=[])) | digest
    # The attachments' content stays in the database until the zip copies it, one at a time.
    files_only = Prefetch("attachments", queryset=EmailAttachment.objects.defer("content"))
    qs = EmailDelivery.objects.filter(wanted).prefetch_related(files_only)
    for e in qs.order_by("created_at", "pk").iterator(chunk_size=CHUNK):
        is_digest = re.match(r"^(manager-)?digest:", e.dedupe_key) is not None
        body = e.body
        files = []
        if is_digest:
            # Keep only this learner's lines: the rest of a digest is about other learners.
            body = "\n".join(line for line in body.splitlines() if mentions.search(line))
        else:
            for a in e.attachments.all():
                files.append(scope.add_file("emails", a.pk, a.filename, email_attachment_id=a.pk))
        yield {
            "to": e.to_address,
            "subject": e.subject,
            "body": body,
            "status": e.get_status_display(),
            "created_at": e.created_at,
            "sent_at": e.sent_at,
            "attachments": " ".join(files),
            "note": "Digest: only the lines about this learner" if is_digest else "",
        }


def _batches_touching(learner_id: int):
    qs = ImportBatch.objects.select_related("uploaded_by", "applied_by").order_by("uploaded_at")
    if connection.vendor == "postgresql":
        return qs.filter(touched_learner_ids__contains=[learner_id])
    # SQLite (the run command) has no JSON containment: read the ids and pick in Python.
    wanted = [
        pk
        for pk, touched in ImportBatch.objects.values_list("pk", "touched_learner_ids").iterator()
        if learner_id in (touched or [])
    ]
    return qs.filter(pk__in=wanted)


def imports(scope: Scope) -> Iterator[dict]:
    """Each applied import that created or changed the learner, with only their rows of the
    file (matched on the ULN column) and any errors reported on those rows."""
    uln = scope.learner.uln
    for batch in _batches_touching(scope.learner.pk):
        base = {
            "import_id": batch.pk,
            "kind": batch.get_kind_display(),
            "file_name": batch.original_name,
            "uploaded_by": person(batch.uploaded_by),
            "uploaded_at": batch.uploaded_at,
            "applied_by": person(batch.applied_by),
            "applied_at": batch.applied_at,
        }
        found = False
        for number, row in _rows_with_uln(batch, uln):
            found = True
            errors = [e.get("message", "") for e in batch.errors if e.get("row") == number]
            yield base | {"row": number, "values": row, "errors": "; ".join(errors)}
        if not found:
            yield base | {"row": "", "values": "", "errors": ""}


def _rows_with_uln(batch: ImportBatch, uln: str) -> Iterator[tuple[int, dict]]:
    if not batch.file:
        return
    try:
        handle = batch.file.open("rb")
    except FileNotFoundError:
        return
    with handle, io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace") as text:
        for number, row in enumerate(csv.DictReader(text), start=2):  # row 1 is the heading
            if (row.get("uln") or "").strip() == uln:
                yield number, {k: v for k, v in row.items() if k is not None}


def earlier_exports(scope: Scope) -> Iterator[dict]:
    qs = SubjectAccessExport.objects.filter(learner=scope.learner).select_related("generated_by")
    for x in qs.exclude(finished_at=None).order_by("generated_at", "pk"):
        yield {
            "generated_at": x.generated_at,
            "generated_by": person(x.generated_by),
            "included_confidential": x.included_confidential,
            "sha256": x.sha256,
        }
