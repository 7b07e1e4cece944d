"""The one declared list of audited tables: every insert, update and delete on these is written
to the audit trail by database triggers (audit/triggers.py), so ORM ``.update()``,
``bulk_create``, ``bulk_update`` and raw SQL are caught as well as ``save()``.

Each entry names the model, the group the audit page filters by, and the path (Django lookup
style) from a row to its learner, so the page can filter one learner's trail, and the columns
that hold personal data (names, identifiers, contact details, free text), which a retention
erasure replaces in the learner's audit rows (audit/redaction.py); ids, dates, statuses, levels
and stage keys stay, so the trail still says what happened when. Models are named
by label, not imported: the audit app sits beside ``learners`` on the ground floor and imports
no higher app.
"""

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Audited:
    label: str  # "app_label.ModelName"
    group: str  # what the audit page's "Record" filter calls it
    learner: str | None  # lookup path to the learner ("" for the learner itself; None: no learner)
    personal: tuple[str, ...] = ()  # columns erased from the learner's audit rows on retention


AUDITED: tuple[Audited, ...] = (
    Audited(
        "learners.Learner", "learner", "", ("first_name", "last_name", "uln", "email", "phone")
    ),
    Audited("learners.BreakInLearning", "learner", "learner", ("reason",)),
    Audited("riskcases.RiskRating", "rating", "learner", ("reason",)),
    Audited("riskcases.ContactLogEntry", "contact", "learner", ("notes",)),
    Audited("riskcases.ContactAttachment", "contact", "entry__learner", ("original_name",)),
    Audited("escalation.EscalationCase", "case", "learner"),
    Audited("escalation.StageChange", "stage", "case__learner", ("reason",)),
    Audited(
        "withdrawals.WithdrawalRequest", "withdrawal", "learner", ("grounds", "decision_reason")
    ),
    Audited("withdrawals.WithdrawalEvent", "withdrawal", "request__learner", ("note",)),
    Audited(
        "withdrawals.EmployerAgreement",
        "withdrawal",
        "request__learner",
        ("agreed_by_name", "agreed_by_role", "notes", "original_name"),
    ),
    Audited(
        "withdrawals.ExitReview", "withdrawal", "request__learner", ("reasons", "might_have_kept")
    ),
    Audited(
        "withdrawals.Appeal",
        "appeal",
        "request__learner",
        ("grounds", "refusal_reason", "late_accepted_reason", "decision_reason"),
    ),
    Audited("reports.RegisterExport", "report", None),
    Audited("reports.EvidencePackExport", "report", "learner"),
    Audited("reports.LeaverReport", "report", None),
)

GROUPS: dict[str, str] = {
    "learner": "Learners and breaks",
    "rating": "Risk ratings",
    "contact": "Contact log",
    "case": "Escalation cases",
    "stage": "Stage changes",
    "withdrawal": "Withdrawals",
    "appeal": "Appeals",
    "report": "Reports",
}


# Models that moved app keeping their tables (db_table): label -> the label they had before.
# A migration written before the move (audit 0002 installs the triggers) sees the old label in
# its historical registry; the table, and so the triggers and the audit rows, are the same.
FORMER_LABELS: dict[str, str] = {
    f"withdrawals.{name}": f"escalation.{name}"
    for name in (
        "WithdrawalRequest",
        "WithdrawalEvent",
        "EmployerAgreement",
        "ExitReview",
        "Appeal",
    )
}


def _get_model(apps, label: str) -> type[models.Model]:
    try:
        return apps.get_model(label)
    except LookupError:
        if label not in FORMER_LABELS:
            raise
        return apps.get_model(FORMER_LABELS[label])


def audited_models(apps) -> list[tuple[type[models.Model], Audited]]:
    """The audited models from ``apps`` (the real registry or a migration's historical one)."""
    return [(_get_model(apps, entry.label), entry) for entry in AUDITED]


def tables_of_group(apps, group: str) -> list[str]:
    return [model._meta.db_table for model, entry in audited_models(apps) if entry.group == group]


def personal_columns(apps) -> dict[str, tuple[str, ...]]:
    """Table -> the columns of its audit rows that a retention erasure redacts."""
    return {model._meta.db_table: entry.personal for model, entry in audited_models(apps)}
