"""The evidence pack's rows: plain, immutable data the PDF template reads (reports/evidence.py
fills them). Names are already people's names and choices already their labels."""

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RatingRow:
    started_at: dt.datetime
    ended_at: dt.datetime | None
    level: str
    set_by: str
    reason: str
    factors: list[str]


@dataclass(frozen=True)
class ContactRow:
    occurred_at: dt.datetime
    kind: str
    author: str
    confidential: bool
    # A confidential entry this user may not read: everything below is left empty.
    hidden: bool
    contact_with: str = ""
    direction: str = ""
    outcome: str = ""
    welfare_check: bool = False
    notes: str = ""
    factors: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ActionRow:
    description: str
    owner: str
    due_on: dt.date
    done_at: dt.datetime | None
    done_by: str


@dataclass(frozen=True)
class SupportRow:
    agreed_on: dt.date
    kind: str
    summary: str
    review_on: dt.date | None
    shared_with_employer: bool
    created_by: str
    interventions: list[str]
    actions: list[ActionRow]


@dataclass(frozen=True)
class StageChangeRow:
    at: dt.datetime
    kind: str
    from_stage: str
    to_stage: str
    by: str
    reason: str
    due_on: dt.date | None
    due_rule: str


@dataclass(frozen=True)
class CaseRow:
    number: int
    policy: str
    opened_at: dt.datetime
    status: str
    stage: str
    closed_at: dt.datetime | None
    changes: list[StageChangeRow]


@dataclass(frozen=True)
class LetterRow:
    at: dt.datetime
    case_number: int
    stage: str
    letter: str
    sent: bool
    skipped_reason: str
    by: str


@dataclass(frozen=True)
class RiskNotificationRow:
    fired_at: dt.datetime
    rule: str
    evidence: str
    proposed: str
    decision: str
    decided_level: str
    decision_reason: str
    decided_by: str
    decided_at: dt.datetime | None


@dataclass(frozen=True)
class BreakRow:
    started_on: dt.date
    expected_return_on: dt.date | None
    reason: str
    returned_on: dt.date | None
    recorded_by: str


@dataclass(frozen=True)
class EventRow:
    at: dt.datetime
    kind: str
    by: str
    note: str


@dataclass(frozen=True)
class AgreementRow:
    agreed_by_name: str
    agreed_by_role: str
    agreed_on: dt.date
    method: str
    notes: str
    recorded_by: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class ExitReviewRow:
    completed_at: dt.datetime
    completed_by: str
    learner_took_part: bool
    reasons: str
    themes: list[str]
    might_have_kept: str


@dataclass(frozen=True)
class AppealRow:
    received_on: dt.date
    appellant: str
    grounds: str
    status: str
    refusal_reason: str
    late_accepted_by: str
    late_accepted_reason: str
    decision_due_on: dt.date | None
    decided_by: str
    decided_at: dt.datetime | None
    decision_reason: str
    reinstated_at_stage: str
    recorded_by: str


@dataclass(frozen=True)
class WithdrawalRow:
    raised_at: dt.datetime
    raised_by: str
    case_number: int
    status: str
    grounds: str
    decided_by: str
    decided_at: dt.datetime | None
    decision_reason: str
    ilr_reason: str
    last_day_of_learning: dt.date | None
    withdrawn_at: dt.datetime | None
    notified_on: dt.date | None
    appeal_by: dt.date | None
    confirmation_due_on: dt.date | None
    confirmation_sent_on: dt.date | None
    events: list[EventRow]
    agreement: AgreementRow | None
    exit_review: ExitReviewRow | None
    appeals: list[AppealRow]


@dataclass(frozen=True)
class LearnerFacts:
    full_name: str
    uln: str
    programme: str
    nation: str
    course: str
    employer: str
    mentor: str
    tutor: str
    team: str
    start_date: dt.date
    planned_end_date: dt.date
    status: str
    expected_return_date: dt.date | None
    archived: bool
    current_rating: str


@dataclass(frozen=True)
class Evidence:
    learner: LearnerFacts
    policy: str
    includes_confidential: bool
    confidential_entries: int
    ratings: list[RatingRow]
    contacts: list[ContactRow]
    support: list[SupportRow]
    cases: list[CaseRow]
    letters: list[LetterRow]
    risk_notifications: list[RiskNotificationRow]
    breaks: list[BreakRow]
    withdrawals: list[WithdrawalRow]
