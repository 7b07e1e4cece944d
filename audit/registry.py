"""The one declared list of audited tables: every insert, update and delete on these is written
to the audit trail by database triggers (audit/triggers.py), so ORM ``.update()``,
``bulk_create``, ``bulk_update`` and raw SQL are caught as well as ``save()``.

Each entry names the model, the group the audit page filters by, and the path (Django lookup
style) from a row to its learner, so the page can filter one learner's trail, and the columns
that hold personal data (names, identifiers, contact details, free text), which a retention
erasure replaces in the learner's audit rows (audit/redaction.py); ids, dates, statuses, levels
and stage keys stay, so the trail still says what happened when. The learners' record kinds
come from learners/record_kinds.py (the one list of them); only tables about no learner are
listed here. Models are named by label, not imported: the audit app sits just above
``learners`` and imports no higher app.
"""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.db import models

from learners.record_kinds import audited_kinds


@dataclass(frozen=True)
class Audited:
    label: str  # "app_label.ModelName"
    group: str  # what the audit page's "Record" filter calls it
    learner: str | None  # lookup path to the learner ("" for the learner itself; None: no learner)
    personal: tuple[str, ...] = ()  # columns erased from the learner's audit rows on retention


# The learners' record kinds that are audited (learners/record_kinds.py declares each once,
# with its group, its path to the learner and its personal columns), then the audited tables
# about no learner.
AUDITED: tuple[Audited, ...] = (
    *(Audited(kind.model, kind.audit, kind.learner, kind.personal) for kind in audited_kinds()),
    Audited("reports.RegisterExport", "report", None),
    Audited("reports.LeaverReport", "report", None),
    # Who published or retired which version of a policy, and what a draft said.
    Audited("policies.Policy", "policy", None),
    Audited("policies.PolicyVersion", "policy", None),
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
    "policy": "Policies",
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
    """The audited models from ``apps`` (the real registry or a migration's historical one).
    A migration's registry may predate a model (one added after audit 0002 installed the
    triggers): it is left out there, and post_migrate (apps.py) installs its triggers once its
    table exists."""
    found = []
    for entry in AUDITED:
        try:
            found.append((_get_model(apps, entry.label), entry))
        except LookupError:
            if apps is global_apps:
                raise
    return found


def tables_of_group(apps, group: str) -> list[str]:
    return [model._meta.db_table for model, entry in audited_models(apps) if entry.group == group]


def personal_columns(apps) -> dict[str, tuple[str, ...]]:
    """Table -> the columns of its audit rows that a retention erasure redacts."""
    return {model._meta.db_table: entry.personal for model, entry in audited_models(apps)}
