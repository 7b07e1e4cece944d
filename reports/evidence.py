"""Reads for the per-learner evidence pack: the learner's whole record as plain data, oldest
first, in a fixed number of queries however long the record is.

Confidential safeguarding contact entries are read in full only for the safeguarding team
(riskcases.selectors.can_read_confidential); for anyone else an entry keeps its type, author
and time and nothing else: its notes, risk factors and attachment names never reach the data
the PDF is drawn from."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, prefetch_related_objects

from escalation.models import (
    ACTIVE_STATUSES,
    EscalationCase,
    RiskNotification,
    StageChange,
    StageLetter,
)
from escalation.services import case_policy
from learners.models import BreakInLearning, Learner
from learners.policy_reading import learner_policy
from learners.record_kinds import EVIDENCE_SECTIONS
from policies.selectors import version_spec, version_specs
from policies.spec import PolicySpec
from reports.evidence_rows import (
    ActionRow,
    AgreementRow,
    AppealRow,
    BreakRow,
    CaseRow,
    ContactRow,
    EventRow,
    Evidence,
    ExitReviewRow,
    LearnerFacts,
    LetterRow,
    RatingRow,
    RiskNotificationRow,
    StageChangeRow,
    SupportRow,
    WithdrawalRow,
)
from riskcases.models import (
    AgreedAction,
    ContactLogEntry,
    ContactType,
    RiskRating,
    SupportRecord,
)
from riskcases.selectors import can_read_confidential
from withdrawals.models import Appeal, WithdrawalEvent, WithdrawalRequest

SWEEP = "the sweep"  # a stage change with no person: the sweep (or a trigger) made it
AUTOMATIC = "automatically"  # a withdrawal step the system took as a case moved


def person(user: AbstractBaseUser | None, *, default: str = "") -> str:
    if user is None:
        return default
    return user.get_full_name() or user.get_username()


def _stage_name(version_id: int | None, stage_key: str) -> str:
    """A stage key in the words of the version it belongs to (the key itself if the version
    lacks it). Versions are read once per process: sections warm them with version_specs."""
    if not stage_key:
        return ""
    try:
        return version_spec(version_id).stage(stage_key).name
    except KeyError:
        return stage_key


def _label(policy: PolicySpec, level: str) -> str:
    return policy.rating_labels.get(level, level) if level else ""


def _ratings(learner: Learner, policy: PolicySpec) -> list[RatingRow]:
    ratings = (
        RiskRating.objects.filter(learner=learner)
        .select_related("set_by")
        .prefetch_related("risk_factors")
        .order_by("started_at", "pk")
    )
    return [
        RatingRow(
            started_at=r.started_at,
            ended_at=r.ended_at,
            level=_label(policy, r.level),
            set_by=person(r.set_by),
            reason=r.reason,
            factors=[f.name for f in r.risk_factors.all()],
        )
        for r in ratings
    ]


def _contact(entry: ContactLogEntry, *, reader: bool) -> ContactRow:
    hidden = entry.confidential and not reader
    facts = {
        "occurred_at": entry.occurred_at,
        "kind": entry.get_contact_type_display(),
        "author": person(entry.author),
        "confidential": entry.confidential,
        "hidden": hidden,
    }
    if hidden:
        return ContactRow(**facts)
    return ContactRow(
        **facts,
        contact_with=entry.get_contact_with_display(),
        direction=entry.get_direction_display(),
        outcome=entry.get_outcome_display(),
        welfare_check=entry.welfare_check,
        notes=entry.notes,
        factors=[f.name for f in entry.risk_factors.all()],
        attachments=[a.original_name for a in entry.attachments.all()],
    )


def _contacts(learner: Learner, *, reader: bool) -> list[ContactRow]:
    # Rating changes are in the ratings section; their "risk rating" entries would repeat them.
    entries = list(
        ContactLogEntry.objects.filter(learner=learner)
        .exclude(contact_type=ContactType.RISK_RATING)
        .select_related("author")
        .order_by("occurred_at", "pk")
    )
    # The factors and attachment names of entries this user may not read are never fetched.
    readable = [entry for entry in entries if reader or not entry.confidential]
    prefetch_related_objects(readable, "risk_factors", "attachments")
    return [_contact(entry, reader=reader) for entry in entries]


def _support(learner: Learner) -> list[SupportRow]:
    records = (
        SupportRecord.objects.filter(learner=learner)
        .select_related("created_by")
        .prefetch_related(
            "interventions",
            Prefetch(
                "actions",
                queryset=AgreedAction.objects.select_related("done_by").order_by("due_on", "pk"),
            ),
        )
        .order_by("agreed_on", "pk")
    )
    return [
        SupportRow(
            agreed_on=r.agreed_on,
            kind=r.get_kind_display(),
            summary=r.summary,
            review_on=r.review_on,
            shared_with_employer=r.shared_with_employer,
            created_by=person(r.created_by),
            interventions=[i.name for i in r.interventions.all()],
            actions=[
                ActionRow(
                    description=a.description,
                    owner=a.get_owner_display(),
                    due_on=a.due_on,
                    done_at=a.done_at,
                    done_by=person(a.done_by),
                )
                for a in r.actions.all()
            ],
        )
        for r in records
    ]


def _cases(learner: Learner) -> list[CaseRow]:
    cases = list(
        EscalationCase.objects.filter(learner=learner)
        .prefetch_related(
            Prefetch(
                "changes", queryset=StageChange.objects.select_related("by").order_by("sequence")
            )
        )
        .order_by("opened_at", "pk")
    )
    # Every version the cases and their changes name, read in one query (then in memory).
    version_specs(
        {case.policy_version_id for case in cases}
        | {c.policy_version_id for case in cases for c in case.changes.all()}
    )
    rows = []
    for case in cases:
        changes = []
        # A change's to_stage is in its own version (older rows: the case's); its from_stage
        # is in the version of the change before it.
        before = case.policy_version_id
        for c in case.changes.all():
            after = c.policy_version_id or case.policy_version_id
            changes.append(
                StageChangeRow(
                    at=c.at,
                    kind=c.get_kind_display(),
                    from_stage=_stage_name(before, c.from_stage),
                    to_stage=_stage_name(after, c.to_stage),
                    by=person(c.by, default=SWEEP),  # by_sweep: the overdue sweep or a trigger
                    reason=c.reason,
                    due_on=c.due_on,
                    due_rule=c.due_rule,
                )
            )
            before = after
        rows.append(
            CaseRow(
                number=case.pk,
                policy=case_policy(case).title,
                opened_at=case.opened_at,
                status=case.get_status_display(),
                stage=_stage_name(case.policy_version_id, case.stage),
                closed_at=case.closed_at,
                changes=changes,
            )
        )
    return rows


def _letters(learner: Learner) -> list[LetterRow]:
    letters = list(
        StageLetter.objects.filter(case__learner=learner)
        .select_related("case", "template", "by")
        .order_by("at", "pk")
    )
    version_specs({letter.case.policy_version_id for letter in letters})
    return [
        LetterRow(
            at=letter.at,
            case_number=letter.case_id,
            stage=_stage_name(letter.case.policy_version_id, letter.stage_key),
            letter=letter.template.name if letter.template else "",
            sent=letter.sent,
            skipped_reason=letter.skipped_reason,
            by=person(letter.by),
        )
        for letter in letters
    ]


def _risk_notifications(learner: Learner, policy: PolicySpec) -> list[RiskNotificationRow]:
    notes = (
        RiskNotification.objects.filter(learner=learner)
        .select_related("decided_by")
        .order_by("fired_at", "pk")
    )
    return [
        RiskNotificationRow(
            fired_at=n.fired_at,
            rule=n.rule_name,
            evidence=n.evidence,
            proposed=_label(policy, n.proposed_level),
            decision=n.get_status_display(),
            decided_level=_label(policy, n.decided_level),
            decision_reason=n.decision_reason,
            decided_by=person(n.decided_by),
            decided_at=n.decided_at,
        )
        for n in notes
    ]


def _breaks(learner: Learner) -> list[BreakRow]:
    pauses = (
        BreakInLearning.objects.filter(learner=learner)
        .select_related("recorded_by")
        .order_by("occurred_on", "pk")
    )
    return [
        BreakRow(
            started_on=p.occurred_on,
            expected_return_on=p.expected_return_on,
            reason=p.reason,
            returned_on=p.returned_on,
            recorded_by=person(p.recorded_by),
        )
        for p in pauses
    ]


def _appeal(appeal: Appeal, version_id: int) -> AppealRow:
    return AppealRow(
        received_on=appeal.received_on,
        appellant=appeal.get_appellant_display(),
        grounds=appeal.grounds,
        status=appeal.get_status_display(),
        refusal_reason=appeal.refusal_reason,
        late_accepted_by=person(appeal.late_accepted_by),
        late_accepted_reason=appeal.late_accepted_reason,
        decision_due_on=appeal.decision_due_on,
        decided_by=person(appeal.decided_by),
        decided_at=appeal.decided_at,
        decision_reason=appeal.decision_reason,
        reinstated_at_stage=_stage_name(version_id, appeal.reinstated_at_stage),
        recorded_by=person(appeal.recorded_by),
    )


def _withdrawal(request: WithdrawalRequest) -> WithdrawalRow:
    agreement = getattr(request, "employer_agreement", None)
    review = getattr(request, "exit_review", None)
    return WithdrawalRow(
        raised_at=request.raised_at,
        raised_by=person(request.raised_by),
        case_number=request.case_id,
        status=request.get_status_display(),
        grounds=request.grounds,
        decided_by=person(request.decided_by),
        decided_at=request.decided_at,
        decision_reason=request.decision_reason,
        ilr_reason=str(request.ilr_reason) if request.ilr_reason else "",
        last_day_of_learning=request.last_day_of_learning,
        withdrawn_at=request.withdrawn_at,
        notified_on=request.notified_on,
        appeal_by=request.appeal_by,
        confirmation_due_on=request.confirmation_due_on,
        confirmation_sent_on=request.confirmation_sent_on,
        events=[
            EventRow(
                at=e.at, kind=e.get_kind_display(), by=person(e.by, default=AUTOMATIC), note=e.note
            )
            for e in request.events.all()
        ],
        # Who agreed, when and how; the proof itself stays in the system.
        agreement=AgreementRow(
            agreed_by_name=agreement.agreed_by_name,
            agreed_by_role=agreement.agreed_by_role,
            agreed_on=agreement.agreed_on,
            method=agreement.get_method_display(),
            notes=agreement.notes,
            recorded_by=person(agreement.recorded_by),
            recorded_at=agreement.recorded_at,
        )
        if agreement
        else None,
        exit_review=ExitReviewRow(
            completed_at=review.completed_at,
            completed_by=person(review.completed_by),
            learner_took_part=review.learner_took_part,
            reasons=review.reasons,
            themes=[t.name for t in review.themes.all()],
            might_have_kept=review.might_have_kept,
        )
        if review
        else None,
        appeals=[_appeal(a, request.case.policy_version_id) for a in request.appeals.all()],
    )


def _withdrawals(learner: Learner) -> list[WithdrawalRow]:
    requests = (
        WithdrawalRequest.objects.filter(learner=learner)
        .select_related(
            "case",
            "raised_by",
            "decided_by",
            "ilr_reason",
            "employer_agreement__recorded_by",
            "exit_review__completed_by",
        )
        .prefetch_related(
            Prefetch("events", queryset=WithdrawalEvent.objects.select_related("by")),
            Prefetch(
                "appeals",
                queryset=Appeal.objects.select_related(
                    "late_accepted_by", "decided_by", "recorded_by"
                ),
            ),
            "exit_review__themes",
        )
        .order_by("raised_at", "pk")
    )
    version_specs({request.case.policy_version_id for request in requests})
    return [_withdrawal(request) for request in requests]


def _facts(learner: Learner, policy: PolicySpec) -> LearnerFacts:
    current = RiskRating.objects.filter(learner=learner, ended_at__isnull=True).first()
    employer = learner.employer
    return LearnerFacts(
        full_name=learner.full_name,
        uln=learner.uln,
        programme=learner.get_programme_type_display(),
        nation=learner.get_nation_display(),
        course=f"{learner.course.title} ({learner.course.code})",
        employer=employer.name if employer else "",
        mentor=employer.mentor_name if employer else "",
        tutor=person(learner.tutor),
        team=learner.team.name,
        start_date=learner.start_date,
        planned_end_date=learner.planned_end_date,
        status=learner.get_status_display(),
        expected_return_date=learner.expected_return_date,
        archived=learner.archived,
        current_rating=_label(policy, current.level) if current else "",
    )


def learner_evidence(*, learner: Learner, user: AbstractBaseUser) -> Evidence:
    """The learner's whole record for ``user``, each section oldest first. The caller has
    already checked that the user may see the learner (learners.access). Ratings are in the
    words of the version the learner's team follows; each case in its own version's."""
    policy = learner_policy(learner=learner)
    # The pack's policy: the version of the learner's active case, where there is one.
    active_version = (
        EscalationCase.objects.filter(learner=learner, status__in=ACTIVE_STATUSES)
        .values_list("policy_version_id", flat=True)
        .first()
    )
    pack_policy = version_spec(active_version) if active_version else policy
    reader = can_read_confidential(user)
    contacts = _contacts(learner, reader=reader)
    # One reader per section of learners/record_kinds.py's EVIDENCE_SECTIONS.
    sections = {
        "ratings": lambda: _ratings(learner, policy),
        "contacts": lambda: contacts,
        "support": lambda: _support(learner),
        "cases": lambda: _cases(learner),
        "letters": lambda: _letters(learner),
        "risk_notifications": lambda: _risk_notifications(learner, policy),
        "breaks": lambda: _breaks(learner),
        "withdrawals": lambda: _withdrawals(learner),
    }
    return Evidence(
        learner=_facts(learner, policy),
        policy=f"{pack_policy.name}, version {pack_policy.version_label}",
        includes_confidential=reader and any(c.confidential for c in contacts),
        confidential_entries=sum(c.confidential for c in contacts),
        **{section.key: sections[section.key]() for section in EVIDENCE_SECTIONS},
    )
