"""The one list of learner record kinds (learners/record_kinds.py): every model with a path to a
learner is declared there, each declaration is sound, and the five readers (audit trail,
subject access export, retention erasure, evidence pack, timeline) take their lists from it."""

import dataclasses

from django.apps import apps

from audit.registry import AUDITED
from dataprotection.retention_scrub import FOUND_HERE
from dataprotection.sar_export import ROWS, SECTIONS
from escalation.selectors import TIMELINE_KINDS_ADDED
from learners.record_kinds import (
    EVIDENCE_SECTIONS,
    NOT_RECORD_KINDS,
    RECORD_KINDS,
    TIMELINE_FILTERS,
    Retention,
    declaration_errors,
    learner_paths,
    record_kind,
    undeclared_learner_models,
)
from reports.evidence_rows import Evidence
from riskcases.selectors import TIMELINE_KINDS


def without(label: str) -> tuple:
    return tuple(kind for kind in RECORD_KINDS if kind.model != label)


def test_it_declares_every_model_with_a_path_to_a_learner():
    assert undeclared_learner_models() == []


def test_it_names_the_model_whose_declaration_is_missing():
    """The check fails when broken: a learner's support plans, once forgotten, are named."""
    assert undeclared_learner_models(without("riskcases.SupportRecord")) == [
        "riskcases.SupportRecord"
    ]
    assert undeclared_learner_models(without("withdrawals.Appeal")) == ["withdrawals.Appeal"]


def test_it_finds_models_several_hops_from_the_learner():
    contact_file = apps.get_model("riskcases.ContactAttachment")
    assert "entry__learner" in learner_paths(contact_file)
    assert learner_paths(apps.get_model("withdrawals.WithdrawalEvent")) == [
        "request__case__learner",
        "request__learner",
    ]
    # Catalogues and staff accounts lead to no learner.
    nowhere = ("riskcases.RiskFactor", "learners.Team", "auth.User", "notifications.Notification")
    for label in nowhere:
        assert learner_paths(apps.get_model(label)) == [], label


def test_it_names_a_link_table_whose_exclusion_is_missing(monkeypatch):
    monkeypatch.delitem(NOT_RECORD_KINDS, "riskcases.SupportRecord_interventions")
    assert undeclared_learner_models() == ["riskcases.SupportRecord_interventions"]


def test_it_excuses_only_link_tables_that_exist_and_lead_to_a_learner():
    for label in NOT_RECORD_KINDS:
        model = apps.get_model(label)
        assert model._meta.auto_created and learner_paths(model), label


def test_it_declares_each_kind_soundly():
    assert declaration_errors() == []
    keys = [kind.key for kind in RECORD_KINDS]
    labels = [kind.model for kind in RECORD_KINDS]
    assert len(set(keys)) == len(keys) and len(set(labels)) == len(labels)


def test_it_reports_a_wrong_path_or_column():
    support = record_kind("support")
    broken = (
        dataclasses.replace(support, learner="created_by"),
        dataclasses.replace(record_kind("ratings"), personal=("no_such_column",)),
        dataclasses.replace(record_kind("notifications"), model="notifications.Nope"),
    )
    assert declaration_errors(broken) == [
        "support: 'created_by' does not lead to a learner (['learner'])",
        "ratings: RiskRating has no no_such_column",
        "notifications: no model notifications.Nope",
    ]


def test_it_marks_every_safeguarding_confidential_row():
    for model in apps.get_models():
        if any(field.name == "confidential" for field in model._meta.get_fields()):
            [kind] = [kind for kind in RECORD_KINDS if kind.model == model._meta.label]
            assert kind.confidential == "confidential", kind.key
    assert record_kind("contact_attachments").confidential == "entry__confidential"


def test_it_gives_the_audit_trail_its_learner_tables():
    from_kinds = [a for a in AUDITED if a.learner is not None]
    assert [(a.label, a.group, a.learner, a.personal) for a in from_kinds] == [
        (k.model, k.audit, k.learner, k.personal) for k in RECORD_KINDS if k.audit
    ]
    # The audited tables about no learner: the reports that list many, and the policies.
    assert {a.label for a in AUDITED if a.learner is None} == {
        "reports.RegisterExport",
        "reports.LeaverReport",
        "policies.Policy",
        "policies.PolicyVersion",
    }


def test_it_gives_the_subject_access_export_its_sections_in_order():
    assert [(s.key, s.title) for s in SECTIONS] == [
        (k.key, k.label) for k in RECORD_KINDS if k.subject_access
    ]
    assert set(ROWS) == {s.key for s in SECTIONS}
    assert SECTIONS[0].title == "Personal details"
    assert SECTIONS[-1].key == "earlier_exports"


def test_it_erases_every_personal_column_it_does_not_keep_or_delete():
    for kind in RECORD_KINDS:
        if kind.retention == Retention.REDACT:
            erased = {column for column, _ in kind.erase}
            assert set(kind.personal) <= erased, kind.key
        if kind.retention != Retention.KEEP and kind.learner is None:
            assert kind.key in FOUND_HERE, kind.key  # found by the scrub itself
        if kind.files:
            assert kind.retention != Retention.KEEP, kind.key


def test_it_gives_the_evidence_pack_its_sections():
    pack = [s.key for s in EVIDENCE_SECTIONS]
    assert {k.evidence for k in RECORD_KINDS if k.evidence} == set(pack)
    fields = [f.name for f in dataclasses.fields(Evidence)]
    assert fields[-len(pack) :] == pack  # each section a list on the pack's data


def test_it_gives_the_timeline_its_filters_in_order():
    filters = [f.key for f in TIMELINE_FILTERS]
    assert list({**TIMELINE_KINDS, **TIMELINE_KINDS_ADDED}) == filters
    assert {k.timeline for k in RECORD_KINDS if k.timeline} == set(filters)
    assert TIMELINE_KINDS == {
        "contact": "Contacts",
        "rating": "Ratings",
        "support": "Support plans",
        "action": "Completed actions",
    }
