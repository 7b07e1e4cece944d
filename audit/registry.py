"""The one declared list of audited tables: every insert, update and delete on these is written
to the audit trail by database triggers (audit/triggers.py), so ORM ``.update()``,
``bulk_create``, ``bulk_update`` and raw SQL are caught as well as ``save()``.

Each entry names the model, the group the audit page filters by, and the path (Django lookup
style) from a row to its learner, so the page can filter one learner's trail. Models are named
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


AUDITED: tuple[Audited, ...] = (
    Audited("learners.Learner", "learner", ""),
    Audited("learners.BreakInLearning", "learner", "learner"),
    Audited("riskcases.RiskRating", "rating", "learner"),
    Audited("riskcases.ContactLogEntry", "contact", "learner"),
    Audited("riskcases.ContactAttachment", "contact", "entry__learner"),
    Audited("escalation.EscalationCase", "case", "learner"),
    Audited("escalation.StageChange", "stage", "case__learner"),
    Audited("escalation.WithdrawalRequest", "withdrawal", "learner"),
    Audited("escalation.WithdrawalEvent", "withdrawal", "request__learner"),
    Audited("escalation.EmployerAgreement", "withdrawal", "request__learner"),
    Audited("escalation.ExitReview", "withdrawal", "request__learner"),
    Audited("escalation.Appeal", "appeal", "request__learner"),
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


def audited_models(apps) -> list[tuple[type[models.Model], Audited]]:
    """The audited models from ``apps`` (the real registry or a migration's historical one)."""
    return [(apps.get_model(entry.label), entry) for entry in AUDITED]


def tables_of_group(apps, group: str) -> list[str]:
    return [model._meta.db_table for model, entry in audited_models(apps) if entry.group == group]
