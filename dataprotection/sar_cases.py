"""Subject access sections from escalation: cases, stage changes, risk notifications, stage
letters, withdrawals with their history, the employer's agreement, exit reviews and appeals."""

from collections.abc import Iterator

from dataprotection.sar_records import CHUNK, Scope, person
from escalation.models import (
    CaseRecommendation,
    CaseTask,
    EscalationCase,
    RiskNotification,
    StageChange,
    StageLetter,
    StageReview,
)
from escalation.services import case_policy
from withdrawals.models import (
    Appeal,
    EmployerAgreement,
    ExitReview,
    WithdrawalEvent,
    WithdrawalRequest,
)


def cases(scope: Scope) -> Iterator[dict]:
    for c in EscalationCase.objects.filter(learner=scope.learner).order_by("opened_at", "pk"):
        yield {
            "id": c.pk,
            "policy": case_policy(c).title,
            "stage": c.stage,
            "status": c.get_status_display(),
            "opened_at": c.opened_at,
            "stage_started_at": c.stage_started_at,
            "stage_due_on": c.stage_due_on,
            "due_rule": c.due_rule,
            "closed_at": c.closed_at,
        }


def stage_changes(scope: Scope) -> Iterator[dict]:
    qs = StageChange.objects.filter(case__learner=scope.learner).select_related("by")
    for s in qs.order_by("at", "case_id", "sequence").iterator(chunk_size=CHUNK):
        yield {
            "case_id": s.case_id,
            "sequence": s.sequence,
            "kind": s.get_kind_display(),
            "from_stage": s.from_stage,
            "to_stage": s.to_stage,
            "from_status": s.from_status,
            "to_status": s.to_status,
            "at": s.at,
            "by": "Scheduled sweep" if s.by_sweep else person(s.by),
            "reason": s.reason,
            "due_on": s.due_on,
            "due_rule": s.due_rule,
        }


def recommendations(scope: Scope) -> Iterator[dict]:
    qs = CaseRecommendation.objects.filter(case__learner=scope.learner).select_related("by")
    for r in qs.order_by("at", "pk"):
        yield {
            "case_id": r.case_id,
            "stage": r.stage_key,
            "outcome": r.outcome,
            "reason": r.reason,
            "by": person(r.by),
            "at": r.at,
            "emailed_at": r.emailed_at,
            "emailed_to": r.emailed_to,
        }


def stage_reviews(scope: Scope) -> Iterator[dict]:
    qs = StageReview.objects.filter(case__learner=scope.learner).select_related("recorded_by")
    for r in qs.order_by("held_on", "pk"):
        yield {
            "case_id": r.case_id,
            "stage": r.stage_key,
            "held_on": r.held_on,
            "points": "\n".join(f"{point}: {said}" for point, said in r.points.items())
            if isinstance(r.points, dict)
            else str(r.points),
            "employer_attended": r.employer_attended,
            "record_sent_to": r.record_sent_to,
            "recorded_by": person(r.recorded_by),
        }


def case_tasks(scope: Scope) -> Iterator[dict]:
    qs = CaseTask.objects.filter(case__learner=scope.learner).select_related("done_by")
    for t in qs.order_by("set_at", "pk"):
        yield {
            "case_id": t.case_id,
            "stage": t.stage_key,
            "task": t.label,
            "due_on": t.due_on,
            "done_at": t.done_at,
            "done_by": person(t.done_by),
            "agreed": t.done_note,
        }


def risk_notifications(scope: Scope) -> Iterator[dict]:
    qs = RiskNotification.objects.filter(learner=scope.learner).select_related("decided_by")
    for n in qs.order_by("fired_at", "pk").iterator(chunk_size=CHUNK):
        yield {
            "id": n.pk,
            "rule": n.rule_name,
            "evidence": n.evidence,
            "fired_at": n.fired_at,
            "case_id": n.case_id,
            "proposed_level": n.proposed_level,
            "decision": n.get_status_display(),
            "decided_level": n.decided_level,
            "decision_reason": n.decision_reason,
            "decided_by": person(n.decided_by),
            "decided_at": n.decided_at,
        }


def letters(scope: Scope) -> Iterator[dict]:
    """Stage letters: the letter itself (text and PDF) is the linked contact-log entry."""
    qs = StageLetter.objects.filter(case__learner=scope.learner).select_related("by", "template")
    for s in qs.order_by("at", "pk"):
        yield {
            "case_id": s.case_id,
            "stage": s.stage_key,
            "letter": s.template.name if s.template else "",
            "sent": s.sent,
            "contact_id": s.contact_entry_id,
            "not_sent_reason": s.skipped_reason,
            "by": person(s.by),
            "at": s.at,
        }


def withdrawals(scope: Scope) -> Iterator[dict]:
    qs = WithdrawalRequest.objects.filter(learner=scope.learner)
    for w in qs.select_related("raised_by", "decided_by", "ilr_reason").order_by("raised_at"):
        yield {
            "id": w.pk,
            "case_id": w.case_id,
            "status": w.get_status_display(),
            "grounds": w.grounds,
            "raised_at": w.raised_at,
            "raised_by": person(w.raised_by) or "Scheduled sweep",
            "decided_by": person(w.decided_by),
            "decided_at": w.decided_at,
            "decision_reason": w.decision_reason,
            "contact_override_reason": w.contact_override_reason,
            "ilr_reason": str(w.ilr_reason or ""),
            "last_day_of_learning": w.last_day_of_learning,
            "withdrawn_at": w.withdrawn_at,
            "notified_on": w.notified_on,
            "appeal_by": w.appeal_by,
            "confirmation_sent_on": w.confirmation_sent_on,
        }


def withdrawal_events(scope: Scope) -> Iterator[dict]:
    qs = WithdrawalEvent.objects.filter(request__learner=scope.learner).select_related("by")
    for e in qs.order_by("at", "pk").iterator(chunk_size=CHUNK):
        yield {
            "withdrawal_id": e.request_id,
            "kind": e.get_kind_display(),
            "at": e.at,
            "by": person(e.by),
            "note": e.note,
        }


def employer_agreements(scope: Scope) -> Iterator[dict]:
    qs = EmployerAgreement.objects.filter(request__learner=scope.learner)
    for a in qs.select_related("recorded_by").order_by("pk"):
        proof = ""
        if a.file:
            proof = scope.add_file(
                "employer-agreements", a.pk, a.original_name, storage_name=a.file.name
            )
        yield {
            "withdrawal_id": a.request_id,
            "agreed_by": a.agreed_by_name,
            "their_role": a.agreed_by_role,
            "agreed_on": a.agreed_on,
            "method": a.get_method_display(),
            "notes": a.notes,
            "proof": proof,
            "recorded_by": person(a.recorded_by),
            "recorded_at": a.recorded_at,
        }


def exit_reviews(scope: Scope) -> Iterator[dict]:
    qs = ExitReview.objects.filter(request__learner=scope.learner).select_related("completed_by")
    for r in qs.prefetch_related("themes").order_by("pk"):
        yield {
            "withdrawal_id": r.request_id,
            "reasons": r.reasons,
            "themes": "; ".join(t.name for t in r.themes.all()),
            "might_have_kept": r.might_have_kept,
            "learner_took_part": r.learner_took_part,
            "completed_by": person(r.completed_by),
            "completed_at": r.completed_at,
        }


def appeals(scope: Scope) -> Iterator[dict]:
    qs = Appeal.objects.filter(request__learner=scope.learner)
    for a in qs.select_related("recorded_by", "decided_by", "late_accepted_by").order_by("pk"):
        yield {
            "withdrawal_id": a.request_id,
            "appellant": a.get_appellant_display(),
            "received_on": a.received_on,
            "grounds": a.grounds,
            "status": a.get_status_display(),
            "refusal_reason": a.refusal_reason,
            "late_accepted_by": person(a.late_accepted_by),
            "late_accepted_reason": a.late_accepted_reason,
            "decision_due_on": a.decision_due_on,
            "decided_by": person(a.decided_by),
            "decided_at": a.decided_at,
            "decision_reason": a.decision_reason,
            "reinstated_at_stage": a.reinstated_at_stage,
            "recorded_by": person(a.recorded_by),
            "recorded_at": a.recorded_at,
        }
