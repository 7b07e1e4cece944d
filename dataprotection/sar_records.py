"""What a subject access export reads: every kind of record held about one learner, each as a
section of flat rows (one JSON file and one CSV file per section in the zip).

Every query starts from the learner (a foreign key to them, or the ids of their own cases,
risk notifications and withdrawal requests), so nothing about another learner can be read.
Two kinds of record hold several learners at once and are cut down to this learner's part:
an import file (only the rows carrying their ULN) and a digest e-mail (only the lines naming
them or linking to their pages). Rows are read with ``iterator()`` so memory stays flat however
long the history is; attachments are only named here, and copied into the zip in chunks.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import default_storage

from escalation.models import EscalationCase, RiskNotification
from learners.models import Learner
from notifications.models import EmailAttachment
from riskcases.models import AgreedAction, ContactAttachment, ContactLogEntry, SupportRecord
from withdrawals.models import WithdrawalRequest

CHUNK = 500


def person(user: Any) -> str:
    """A member of staff as an author: their name (staff names may appear in the export)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@dataclass
class FileRef:
    """A file to copy into the zip: from storage (``storage_name``) or from the database (an
    e-mail attachment's id), so no content is held in memory before it is written."""

    zip_path: str
    storage_name: str = ""
    email_attachment_id: int | None = None

    def open(self):
        if self.email_attachment_id is not None:
            import io

            content = EmailAttachment.objects.values_list("content", flat=True).get(
                pk=self.email_attachment_id
            )
            return io.BytesIO(bytes(content))
        return default_storage.open(self.storage_name, "rb")


@dataclass
class Scope:
    learner: Learner
    include_confidential: bool
    withheld_note: str = ""
    files: list[FileRef] = field(default_factory=list)

    def __post_init__(self) -> None:
        learner = self.learner
        self.case_ids = list(
            EscalationCase.objects.filter(learner=learner).values_list("pk", flat=True)
        )
        self.note_ids = list(
            RiskNotification.objects.filter(learner=learner).values_list("pk", flat=True)
        )
        self.request_ids = list(
            WithdrawalRequest.objects.filter(learner=learner).values_list("pk", flat=True)
        )

    def add_file(self, folder: str, pk: int, original_name: str, **source: Any) -> str:
        path = zip_path(folder, pk, original_name)
        self.files.append(FileRef(zip_path=path, **source))
        return path


def zip_path(folder: str, pk: int, original_name: str) -> str:
    """The stored name is random; the zip keeps the uploaded name behind the record's id, so
    two files of the same name never collide. Only the name's last part, in safe characters."""
    safe = re.sub(r"[^\w.\- ]", "_", original_name.replace("\\", "/").rsplit("/", 1)[-1])
    return f"attachments/{folder}/{pk}-{safe.strip(' .') or 'file'}"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: Callable[[Scope], Iterator[dict]]


def _ids(ids: list[int]) -> str:
    return "|".join(str(pk) for pk in ids)


def event_key_pattern(scope: Scope) -> str:
    """The dedupe keys of notifications about the learner's cases, risk notifications and
    withdrawal requests (escalation's senders build them so), as one regex alternation."""
    parts = []
    if scope.case_ids:
        parts.append(f"case:({_ids(scope.case_ids)}):")
    if scope.note_ids:
        parts.append(f"risk:({_ids(scope.note_ids)})(:|$)")
    if scope.request_ids:
        parts.append(f"withdrawal:({_ids(scope.request_ids)}):")
    return "|".join(parts)


def personal_details(scope: Scope) -> Iterator[dict]:
    x = Learner.objects.select_related("course", "employer", "tutor", "team").get(
        pk=scope.learner.pk
    )
    yield {
        "first_name": x.first_name,
        "last_name": x.last_name,
        "uln": x.uln,
        "email": x.email,
        "phone": x.phone,
        "programme_type": x.get_programme_type_display(),
        "nation": x.get_nation_display(),
        "course": f"{x.course.code} {x.course.title}",
        "employer": x.employer.name if x.employer else "",
        "workplace_mentor": x.employer.mentor_name if x.employer else "",
        "tutor": person(x.tutor),
        "team": x.team.name,
        "start_date": x.start_date,
        "planned_end_date": x.planned_end_date,
        "status": x.get_status_display(),
        "expected_return_date": x.expected_return_date,
        "archived": x.archived,
        "created_at": x.created_at,
        "updated_at": x.updated_at,
    }


def ratings(scope: Scope) -> Iterator[dict]:
    qs = scope.learner.ratings.select_related("set_by").prefetch_related("risk_factors")
    for r in qs.order_by("started_at", "pk").iterator(chunk_size=CHUNK):
        yield {
            "id": r.pk,
            "level": r.get_level_display(),
            "started_at": r.started_at,
            "ended_at": r.ended_at,
            "set_by": person(r.set_by),
            "reason": r.reason,
            "risk_factors": "; ".join(f.name for f in r.risk_factors.all()),
        }


def contacts(scope: Scope) -> Iterator[dict]:
    qs = (
        ContactLogEntry.objects.filter(learner=scope.learner)
        .select_related("author")
        .prefetch_related("risk_factors", "attachments")
    )
    for c in qs.order_by("occurred_at", "pk").iterator(chunk_size=CHUNK):
        withheld = c.confidential and not scope.include_confidential
        files = []
        if not withheld:
            for a in c.attachments.all():
                files.append(
                    scope.add_file("contacts", a.pk, a.original_name, storage_name=a.file.name)
                )
        yield {
            "id": c.pk,
            "occurred_at": c.occurred_at,
            "type": c.get_contact_type_display(),
            "with": c.get_contact_with_display(),
            "direction": c.get_direction_display(),
            "outcome": c.get_outcome_display(),
            "welfare_check": c.welfare_check,
            "safeguarding_confidential": c.confidential,
            "notes": scope.withheld_note if withheld else c.notes,
            "risk_factors": "" if withheld else "; ".join(f.name for f in c.risk_factors.all()),
            "author": person(c.author),
            "attachments": scope.withheld_note
            if withheld and c.attachments.all()
            else " ".join(files),
        }


def contact_attachments(scope: Scope) -> Iterator[dict]:
    qs = ContactAttachment.objects.filter(entry__learner=scope.learner).select_related(
        "entry", "uploaded_by"
    )
    for a in qs.order_by("pk").iterator(chunk_size=CHUNK):
        withheld = a.entry.confidential and not scope.include_confidential
        yield {
            "id": a.pk,
            "contact_id": a.entry_id,
            "file_name": scope.withheld_note if withheld else a.original_name,
            "content_type": a.content_type,
            "size": a.size,
            "sha256": "" if withheld else a.sha256,
            "uploaded_by": person(a.uploaded_by),
            "uploaded_at": a.uploaded_at,
            "in_this_export": "" if withheld else zip_path("contacts", a.pk, a.original_name),
        }


def support(scope: Scope) -> Iterator[dict]:
    qs = SupportRecord.objects.filter(learner=scope.learner).select_related("created_by")
    for s in qs.prefetch_related("interventions").order_by("agreed_on", "pk").iterator(CHUNK):
        yield {
            "id": s.pk,
            "kind": s.get_kind_display(),
            "summary": s.summary,
            "agreed_on": s.agreed_on,
            "review_on": s.review_on,
            "shared_with_employer": s.shared_with_employer,
            "interventions": "; ".join(i.name for i in s.interventions.all()),
            "created_by": person(s.created_by),
            "created_at": s.created_at,
        }


def actions(scope: Scope) -> Iterator[dict]:
    qs = AgreedAction.objects.filter(support_record__learner=scope.learner).select_related(
        "done_by"
    )
    for a in qs.order_by("due_on", "pk").iterator(chunk_size=CHUNK):
        yield {
            "id": a.pk,
            "support_record_id": a.support_record_id,
            "description": a.description,
            "owner": a.get_owner_display(),
            "due_on": a.due_on,
            "done_at": a.done_at,
            "done_by": person(a.done_by),
        }
