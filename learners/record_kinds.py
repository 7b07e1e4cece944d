"""The one list of the kinds of record held about a learner.

Each kind is declared once, here: its model, the path from a row to its learner, the columns
that hold personal data, the column marking a safeguarding-confidential row, and what each
reader does with it. Five readers take their lists from this module and keep none of their own:

- the audit trail (audit/registry.py): which tables carry audit triggers, the audit page's
  "Record" group, the learner of each row, the columns a retention erasure redacts;
- the subject access export (dataprotection/sar_export.py): its sections, in this order, each
  named ``key`` (json/<key>.json, csv/<key>.csv) and titled ``label``;
- retention erasure (dataprotection/retention_scrub.py, retention.py): what anonymising does to
  each kind (delete the rows, write over the personal columns, or keep them) and which dates
  count as the learner's last activity;
- the evidence pack (reports/evidence.py): its numbered sections (``EVIDENCE_SECTIONS``), in
  this order, and which kinds each holds;
- the learner timeline (riskcases/selectors.py, escalation/selectors.py): its "Show" filters
  (``TIMELINE_FILTERS``), in this order, and which kinds each shows.

Models are named by label ("app_label.Model") and resolved with ``apps.get_model`` when used:
this module sits on the ground floor and imports no app above it. A test
(tests/learners/test_record_kinds.py) walks every installed model and fails on one with a path
to a learner that is not declared here, so a new kind cannot escape the export, the erasure
and the audit trail by being forgotten.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.apps import apps as global_apps
from django.db import models

# What a retention erasure writes over free text (dataprotection/retention.py says why).
ERASED = "[erased: retention period passed]"


class Retention(StrEnum):
    DELETE = "delete"  # the rows go (with their stored files)
    REDACT = "redact"  # the rows stay; ``erase`` writes over their personal columns
    KEEP = "keep"  # the rows stay as they are (why: in the declaration's comment)


@dataclass(frozen=True)
class RecordKind:
    key: str  # stable name: the export's section and file name, the reader's handle
    model: str  # "app_label.ModelName"
    # Lookup path from a row to its learner ("" for the learner itself). None: the rows carry
    # no foreign key to a learner and are found another way (``found_by`` says how).
    learner: str | None
    label: str  # what the subject access export calls the section
    personal: tuple[str, ...] = ()  # columns holding personal data (names, contacts, free text)
    confidential: str = ""  # lookup of the boolean marking a safeguarding-confidential row
    audit: str = ""  # the audit page's group (audit/registry.py GROUPS); "": not audited
    subject_access: bool = True  # a section of the subject access export
    evidence: str = ""  # the evidence pack section holding the rows; "": not in the pack
    timeline: str = ""  # the timeline filter showing the rows; "": not on the timeline
    retention: Retention = Retention.KEEP
    # REDACT: (column, value written over it); a str value is formatted with the learner's
    # ``pk`` and cut to the column's length.
    erase: tuple[tuple[str, Any], ...] = ()
    erase_filled_only: bool = False  # REDACT: leave rows whose first erased column is empty
    unlink: tuple[str, ...] = ()  # REDACT: many-to-many links cleared (risk factors)
    files: tuple[str, ...] = ()  # file columns whose stored files a DELETE/REDACT removes
    erasure_count: str = ""  # the erasure summary's key counting the rows changed
    # Date columns whose latest value is part of the learner's last activity (retention).
    activity: tuple[str, ...] = ()
    found_by: str = ""  # for ``learner=None``: how the rows about a learner are found

    def get_model(self, apps=global_apps) -> type[models.Model]:
        return apps.get_model(self.model)

    def for_learner(self, learner_id: int, apps=global_apps) -> models.QuerySet:
        """The rows of this kind about one learner (kinds with a path to the learner)."""
        if self.learner is None:
            raise ValueError(f"{self.model} has no path to a learner: {self.found_by}")
        lookup = f"{self.learner}__pk" if self.learner else "pk"
        return self.get_model(apps).objects.filter(**{lookup: learner_id})


_ACTIVITY_DATE = ("occurred_on",)

# In the subject access export's order; kinds without a section come last.
RECORD_KINDS: tuple[RecordKind, ...] = (
    RecordKind(
        "personal_details",
        "learners.Learner",
        "",
        "Personal details",
        personal=("first_name", "last_name", "uln", "email", "phone"),
        audit="learner",
        retention=Retention.REDACT,
        erase=(
            ("first_name", "Erased"),
            ("last_name", "learner {pk}"),
            # Not a valid ULN (it starts with a letter), so it can never match a real one.
            ("uln", "E{pk:09d}"),
            ("email", ""),
            ("phone", ""),
            ("archived", True),
        ),
    ),
    RecordKind(
        "ratings",
        "riskcases.RiskRating",
        "learner",
        "Risk ratings",
        personal=("reason",),
        audit="rating",
        evidence="ratings",
        timeline="rating",
        retention=Retention.REDACT,
        erase=(("reason", ERASED),),
        unlink=("risk_factors",),
        erasure_count="ratings",
        activity=("started_at",),
    ),
    RecordKind(
        "contacts",
        "riskcases.ContactLogEntry",
        "learner",
        "Contact log",
        personal=("notes",),
        confidential="confidential",
        audit="contact",
        evidence="contacts",
        timeline="contact",
        retention=Retention.REDACT,
        erase=(("notes", ERASED),),
        erase_filled_only=True,
        unlink=("risk_factors",),
        erasure_count="contacts",
        activity=("occurred_at", "created_at"),
    ),
    RecordKind(
        "contact_attachments",
        "riskcases.ContactAttachment",
        "entry__learner",
        "Contact log attachments",
        personal=("original_name",),
        confidential="entry__confidential",
        audit="contact",
        evidence="contacts",  # named on their contact-log entry
        retention=Retention.DELETE,
        files=("file",),
        erasure_count="files",
    ),
    RecordKind(
        "support",
        "riskcases.SupportRecord",
        "learner",
        "Support plans and contracts",
        personal=("summary",),
        evidence="support",
        timeline="support",
        retention=Retention.REDACT,
        erase=(("summary", ERASED),),
        erasure_count="support_records",
    ),
    RecordKind(
        "agreed_actions",
        "riskcases.AgreedAction",
        "support_record__learner",
        "Agreed actions",
        personal=("description",),
        evidence="support",  # under their support plan
        timeline="action",
        retention=Retention.REDACT,
        erase=(("description", ERASED),),
    ),
    RecordKind(
        "cases",
        "escalation.EscalationCase",
        "learner",
        "Escalation cases",
        audit="case",
        evidence="cases",
        # Kept: policy, stage, status and dates are what funding and inspection need.
    ),
    RecordKind(
        "stage_changes",
        "escalation.StageChange",
        "case__learner",
        "Stage changes",
        personal=("reason",),
        audit="stage",
        evidence="cases",  # under their case
        timeline="case",
        # Kept: append-only (database triggers refuse changes); the reasons stay, no longer
        # linked to a named person.
        activity=("at",),
    ),
    RecordKind(
        "recommendations",
        "escalation.CaseRecommendation",
        "case__learner",
        "Stage recommendations",
        # The outcome is one of the policy's words, or a person's where a stage lists none.
        # emailed_to: the addresses the confirming e-mail went to.
        personal=("outcome", "reason", "emailed_to"),
        audit="stage",
        retention=Retention.REDACT,
        erase=(("outcome", ERASED), ("reason", ERASED), ("emailed_to", ERASED)),
    ),
    RecordKind(
        "stage_reviews",
        "escalation.StageReview",
        "case__learner",
        "Stage review meetings",
        # What the apprentice said under each point, and the employer addresses the record
        # went to.
        personal=("points", "record_sent_to"),
        audit="stage",
        retention=Retention.REDACT,
        erase=(("points", ERASED), ("record_sent_to", ERASED)),
    ),
    RecordKind(
        "case_tasks",
        "escalation.CaseTask",
        "case__learner",
        "Dated case tasks",
        # The label is the policy's words; what was agreed is a person's.
        personal=("done_note",),
        audit="stage",
        retention=Retention.REDACT,
        erase=(("done_note", ERASED),),
        erase_filled_only=True,
    ),
    RecordKind(
        "risk_notifications",
        "escalation.RiskNotification",
        "learner",
        "Risk notifications (triggers)",
        personal=("evidence", "decision_reason"),
        evidence="risk_notifications",
        retention=Retention.REDACT,
        erase=(("evidence", ERASED), ("decision_reason", "")),
        erasure_count="risk_notifications",
    ),
    RecordKind(
        "letters",
        "escalation.StageLetter",
        "case__learner",
        "Stage letters",
        personal=("skipped_reason",),
        evidence="letters",
        retention=Retention.REDACT,
        erase=(("skipped_reason", ERASED),),
        erase_filled_only=True,
    ),
    RecordKind(
        "withdrawals",
        "withdrawals.WithdrawalRequest",
        "learner",
        "Withdrawals",
        personal=("grounds", "decision_reason", "contact_override_reason"),
        audit="withdrawal",
        evidence="withdrawals",
        retention=Retention.REDACT,
        erase=(("grounds", ERASED), ("decision_reason", ""), ("contact_override_reason", "")),
        erasure_count="withdrawals",
    ),
    RecordKind(
        "withdrawal_events",
        "withdrawals.WithdrawalEvent",
        "request__learner",
        "Withdrawal history",
        personal=("note",),
        audit="withdrawal",
        evidence="withdrawals",
        timeline="case",
        # Kept: append-only, as stage changes.
        activity=("at",),
    ),
    RecordKind(
        "employer_agreements",
        "withdrawals.EmployerAgreement",
        "request__learner",
        "Employer's agreement",
        personal=("agreed_by_name", "agreed_by_role", "notes", "original_name"),
        audit="withdrawal",
        evidence="withdrawals",
        retention=Retention.REDACT,
        erase=(
            ("agreed_by_name", ERASED),
            ("agreed_by_role", ""),
            ("notes", ""),
            ("file", ""),
            ("original_name", ""),
        ),
        files=("file",),
        erasure_count="files",
    ),
    RecordKind(
        "exit_reviews",
        "withdrawals.ExitReview",
        "request__learner",
        "Exit reviews",
        personal=("reasons", "might_have_kept"),
        audit="withdrawal",
        evidence="withdrawals",
        retention=Retention.REDACT,
        erase=(("reasons", ERASED), ("might_have_kept", ERASED)),
    ),
    RecordKind(
        "appeals",
        "withdrawals.Appeal",
        "request__learner",
        "Appeals",
        personal=("grounds", "refusal_reason", "late_accepted_reason", "decision_reason"),
        audit="appeal",
        evidence="withdrawals",
        retention=Retention.REDACT,
        erase=(
            ("grounds", ERASED),
            ("refusal_reason", ""),
            ("late_accepted_reason", ""),
            ("decision_reason", ""),
        ),
        activity=("received_on",),
    ),
    # Activity records (learners/record_forms.py): deleted by a retention erasure.
    RecordKind(
        "breaks",
        "learners.BreakInLearning",
        "learner",
        "Breaks in learning",
        personal=("reason",),
        audit="learner",
        evidence="breaks",
        timeline="break",
        retention=Retention.DELETE,
        erasure_count="activity_records",
        activity=("occurred_on", "returned_on"),
    ),
    RecordKind(
        "progress_snapshots",
        "learners.ProgressSnapshot",
        "learner",
        "Progress against plan",
        retention=Retention.DELETE,
        erasure_count="activity_records",
        activity=_ACTIVITY_DATE,
    ),
    RecordKind(
        "progress_records",
        "learners.ProgressEvent",
        "learner",
        "Recorded progress",
        personal=("description",),
        retention=Retention.DELETE,
        erasure_count="activity_records",
        activity=_ACTIVITY_DATE,
    ),
    RecordKind(
        "sessions",
        "learners.ScheduledSession",
        "learner",
        "Sessions and attendance",
        retention=Retention.DELETE,
        erasure_count="activity_records",
        activity=_ACTIVITY_DATE,
    ),
    RecordKind(
        "submissions",
        "learners.Submission",
        "learner",
        "Homework and submissions",
        retention=Retention.DELETE,
        erasure_count="activity_records",
        activity=_ACTIVITY_DATE,
    ),
    RecordKind(
        "visits",
        "learners.Visit",
        "learner",
        "Visits and reviews",
        retention=Retention.DELETE,
        erasure_count="activity_records",
        activity=_ACTIVITY_DATE,
    ),
    RecordKind(
        "work_absences",
        "learners.WorkAbsence",
        "learner",
        "Absences from work",
        personal=("notes",),
        retention=Retention.DELETE,
        erasure_count="activity_records",
        activity=_ACTIVITY_DATE,
    ),
    RecordKind(
        "employment_changes",
        "learners.EmploymentChange",
        "learner",
        "Employment changes",
        personal=("employer_name",),
        retention=Retention.DELETE,
        erasure_count="activity_records",
        activity=_ACTIVITY_DATE,
    ),
    # Records about several learners at once, or about staff's work on one: no foreign key.
    RecordKind(
        "notifications",
        "notifications.Notification",
        None,
        "Notifications to staff about the learner",
        personal=("title", "body"),
        retention=Retention.DELETE,
        erasure_count="notifications",
        found_by="dedupe key naming one of the learner's cases, risk notifications or "
        "withdrawal requests (dataprotection.sar_records.event_key_pattern)",
    ),
    RecordKind(
        "emails",
        "notifications.EmailDelivery",
        None,
        "E-mails about the learner",
        personal=("to_address", "subject", "body"),
        retention=Retention.DELETE,
        erasure_count="emails",
        found_by="dedupe key of a notification or letter about the learner; a digest's lines "
        "naming them (only those lines are exported, and erased)",
    ),
    RecordKind(
        "imports",
        "learners.ImportBatch",
        None,
        "Imports that touched the learner",
        # Kept: the batch row (who, when, counts, checksum); its file, holding many learners'
        # rows, expires on its own clock (dataprotection.retention.import_files_expire).
        found_by="touched_learner_ids; only the learner's rows of the file are exported",
    ),
    RecordKind(
        "earlier_exports",
        "dataprotection.SubjectAccessExport",
        "learner",
        "Earlier subject access exports",
        # Kept: the record of who exported what, for audit.
    ),
    # Not in the subject access export: copies of what it holds, or records of the erasure.
    RecordKind(
        "email_attachments",
        "notifications.EmailAttachment",
        None,
        "E-mail attachments",
        personal=("filename",),
        subject_access=False,  # copied into the export with their e-mail
        retention=Retention.DELETE,  # with their e-mail (on_delete=CASCADE)
        found_by="their e-mail (delivery)",
    ),
    RecordKind(
        "evidence_packs",
        "reports.EvidencePackExport",
        "learner",
        "Evidence packs generated",
        audit="report",
        subject_access=False,
        # Kept: the record of who generated a pack, for audit.
    ),
    RecordKind(
        "retention_erasure",
        "dataprotection.RetentionErasure",
        "learner",
        "Retention erasure",
        subject_access=False,
        # Kept: the record of the erasure itself.
    ),
    RecordKind(
        "audit_events",
        "audit.AuditEvent",
        "learner",
        "Audit trail",
        subject_access=False,
        # Kept, their personal data redacted (audit.services.audit_redact_learner, which reads
        # each audited kind's ``personal``).
    ),
)


@dataclass(frozen=True)
class Section:
    key: str
    title: str


# The evidence pack's numbered sections, in order (the kinds say which holds them).
EVIDENCE_SECTIONS: tuple[Section, ...] = (
    Section("ratings", "Risk ratings"),
    Section("contacts", "Contact log"),
    Section("support", "Support plans and contracts"),
    Section("cases", "Escalation cases and stage changes"),
    Section("letters", "Stage letters"),
    Section("risk_notifications", "Risk notifications"),
    Section("breaks", "Breaks in learning"),
    Section("withdrawals", "Withdrawals, exit reviews and appeals"),
)

# The learner timeline's "Show" filters, in order (the kinds say which shows them).
TIMELINE_FILTERS: tuple[Section, ...] = (
    Section("contact", "Contacts"),
    Section("rating", "Ratings"),
    Section("support", "Support plans"),
    Section("action", "Completed actions"),
    Section("case", "Stages and decisions"),
    Section("break", "Breaks in learning"),
)


def record_kind(key: str) -> RecordKind:
    for kind in RECORD_KINDS:
        if kind.key == key:
            return kind
    raise KeyError(key)


def subject_access_kinds() -> list[RecordKind]:
    return [kind for kind in RECORD_KINDS if kind.subject_access]


def audited_kinds() -> list[RecordKind]:
    return [kind for kind in RECORD_KINDS if kind.audit]


def timeline_filters(*keys: str) -> dict[str, str]:
    """Filter key -> label, in the timeline's order; only ``keys`` when given."""
    return {f.key: f.title for f in TIMELINE_FILTERS if not keys or f.key in keys}


def retention_kinds() -> list[RecordKind]:
    """The kinds a retention erasure changes, the learner's own row last (its name is how
    digests and access events are found)."""
    changed = [kind for kind in RECORD_KINDS if kind.retention != Retention.KEEP]
    return sorted(changed, key=lambda kind: kind.learner == "")


def activity_dates() -> list[tuple[RecordKind, str]]:
    """(kind, date column) pairs whose latest value is part of a learner's last activity."""
    return [(kind, column) for kind in RECORD_KINDS for column in kind.activity]


# --- completeness: every model with a path to a learner is declared -------------------------

LEARNER = "learners.Learner"
MAX_HOPS = 4  # foreign keys followed from a model towards a learner

# The walk never passes through these: a member of staff who wrote a record is not whom the
# record is about (were a learner ever given a login, every "created by" would lead to them).
NOT_THROUGH: dict[str, str] = {
    "auth.User": "staff accounts: authors and recipients, not subjects",
}

# Models with a path to a learner that are not record kinds of their own, and why.
NOT_RECORD_KINDS: dict[str, str] = {
    # Many-to-many link tables: each row ties one of a learner's records to a catalogue entry
    # (a risk factor, an intervention, an exit theme). They are read and exported with that
    # record, and a retention erasure clears them through it (``unlink``) or keeps them.
    "riskcases.RiskRating_risk_factors": "the rating's risk factors (unlinked on erasure)",
    "riskcases.ContactLogEntry_risk_factors": "the entry's risk factors (unlinked on erasure)",
    "riskcases.SupportRecord_interventions": "the plan's interventions (catalogue entries)",
    "withdrawals.ExitReview_themes": "the exit review's themes (catalogue entries)",
}


def learner_paths(model: type[models.Model], hops: int = MAX_HOPS) -> list[str]:
    """Every chain of foreign keys and one-to-ones (ORM lookups) from ``model`` to a learner,
    within ``hops`` steps, never through the models in ``NOT_THROUGH``."""
    if model._meta.label == LEARNER:
        return [""]
    if hops == 0 or model._meta.label in NOT_THROUGH:
        return []
    found = []
    for field in model._meta.get_fields():
        if not (field.concrete and (field.many_to_one or field.one_to_one)):
            continue
        if field.related_model is None or field.related_model is model:
            continue
        for rest in learner_paths(field.related_model, hops - 1):
            found.append(f"{field.name}__{rest}" if rest else field.name)
    return found


def undeclared_learner_models(
    kinds: tuple[RecordKind, ...] = RECORD_KINDS, apps=global_apps
) -> list[str]:
    """Labels of the installed models (many-to-many link tables included) that have a path to
    a learner but are neither declared in ``kinds`` nor excused in ``NOT_RECORD_KINDS``."""
    declared = {kind.model for kind in kinds} | set(NOT_RECORD_KINDS)
    return sorted(
        model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label not in declared and learner_paths(model)
    )


def declaration_errors(kinds: tuple[RecordKind, ...] = RECORD_KINDS, apps=global_apps) -> list[str]:
    """What is wrong with the declarations themselves: an unknown model, a path that does not
    lead to a learner (or a missing one), a column that does not exist."""
    errors = []
    for kind in kinds:
        try:
            model = kind.get_model(apps)
        except LookupError:
            errors.append(f"{kind.key}: no model {kind.model}")
            continue
        paths = learner_paths(model)
        if kind.learner is None and paths:
            errors.append(f"{kind.key}: declared with no path but has {paths}")
        elif kind.learner is not None and kind.learner not in paths:
            errors.append(f"{kind.key}: {kind.learner!r} does not lead to a learner ({paths})")
        columns = {f.name for f in model._meta.get_fields()}
        named = [*kind.personal, *(c for c, _ in kind.erase), *kind.unlink, *kind.files]
        named += [*kind.activity, *([kind.confidential.split("__")[0]] * bool(kind.confidential))]
        errors += [f"{kind.key}: {model.__name__} has no {c}" for c in named if c not in columns]
    return errors
