"""What a version requires on the record before a director approves a withdrawal, and the
inputs its decision is informed by (the version's ``withdrawal``: BPN section 8, "before
withdrawal is considered ... minimum three [contact attempts] across different channels", and
section 9, "informed by tutor input, Performance Manager review, employer feedback, apprentice
participation history").

- ``withdrawal_contact_check``: the contact attempts with the learner since the case opened,
  against the version's number and channels. The withdrawal page shows it; approving without
  it needs a reason (``contact_override_required``), kept with the decision.
- ``withdrawal_inputs``: each input the version names, read from the record, for the page.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from escalation.services import case_policy
from learners.models import (
    Attendance,
    BreakInLearning,
    ProgressEvent,
    ScheduledSession,
    Submission,
    SubmissionOutcome,
    Visit,
    VisitKind,
    VisitOutcome,
)
from learners.roles import Role
from riskcases.models import ContactLogEntry, ContactType, ContactWith, Direction
from withdrawals.models import EmployerAgreement, WithdrawalRequest

# A rating change is written to the contact log but reaches nobody.
NOT_ATTEMPTS = (ContactType.RISK_RATING,)


@dataclass(frozen=True)
class ContactAttemptsCheck:
    needed: int
    channels_needed: int
    attempts: list[ContactLogEntry]

    @property
    def channels(self) -> list[str]:
        """The channels used, as the contact log names them, in the order first used."""
        return list(dict.fromkeys(e.get_contact_type_display() for e in self.attempts))

    @property
    def met(self) -> bool:
        return len(self.attempts) >= self.needed and len(self.channels) >= self.channels_needed

    @property
    def words(self) -> str:
        """ "3 contact attempts across 3 different channels needed: 2 logged (Phone call,
        E-mail)"."""
        wanted = f"{self.needed} contact attempts"
        if self.channels_needed:
            wanted += f" across {self.channels_needed} different channels"
        logged = f"{len(self.attempts)} logged" if self.attempts else "none logged"
        used = f" ({', '.join(self.channels)})" if self.channels else ""
        return f"{wanted} since the case opened: {logged}{used}"


def withdrawal_contact_check(*, request: WithdrawalRequest) -> ContactAttemptsCheck | None:
    """The contact attempts with the learner (alone or with the employer) that we made since
    the case opened, against what the case's version requires (None: it requires none)."""
    rules = case_policy(request.case).withdrawal
    if not rules.contact_attempts:
        return None
    attempts = list(
        ContactLogEntry.objects.filter(
            learner_id=request.learner_id,
            occurred_at__gte=request.case.opened_at,
            contact_with__in=(ContactWith.LEARNER, ContactWith.BOTH),
            direction=Direction.OUTBOUND,
        )
        .exclude(contact_type__in=NOT_ATTEMPTS)
        .order_by("occurred_at", "pk")
    )
    return ContactAttemptsCheck(rules.contact_attempts, rules.distinct_channels, attempts)


def contact_override_required(*, request: WithdrawalRequest, override: str) -> str:
    """The override reason to keep with an approval: "" when the version's contact attempts
    are on the record; raises ValidationError (on ``contact_override``) when they are not and
    no reason is given."""
    check = withdrawal_contact_check(request=request)
    if check is None or check.met:
        return ""
    override = (override or "").strip()
    if not override:
        raise ValidationError(
            {
                "contact_override": f"The policy requires {check.words}. Log them first, or "
                "say why you approve without them."
            }
        )
    return override


# --- the inputs the decision is informed by ---------------------------------------------------


@dataclass
class DecisionInput:
    key: str
    label: str  # the policy's words: "Performance Manager review"
    lines: list[str] = field(default_factory=list)

    @property
    def present(self) -> bool:
        return bool(self.lines)


def _contact_line(entry: ContactLogEntry) -> str:
    said = (
        f"{entry.occurred_at:%-d %b %Y}: {entry.get_contact_type_display()} with the "
        f"{entry.get_contact_with_display().lower()}, {entry.get_outcome_display().lower()}"
    )
    if entry.notes and not entry.confidential:
        notes = entry.notes if len(entry.notes) <= 160 else entry.notes[:157] + "..."
        said += f": {notes}"
    elif entry.confidential:
        said += " (safeguarding confidential)"
    return said


def _since_case(request: WithdrawalRequest):
    return (
        ContactLogEntry.objects.filter(
            learner_id=request.learner_id, occurred_at__gte=request.case.opened_at
        )
        .exclude(contact_type__in=NOT_ATTEMPTS)
        .select_related("author")
        .order_by("occurred_at", "pk")
    )


def _tutor_input(request: WithdrawalRequest) -> list[str]:
    lines = [_contact_line(e) for e in _since_case(request).filter(author=request.learner.tutor)]
    if request.raised_by_id and request.raised_by_id == request.learner.tutor_id:
        lines.insert(0, f"Raised the withdrawal: {request.grounds}")
    return lines


def _manager_review(request: WithdrawalRequest) -> list[str]:
    policy = case_policy(request.case)
    manager_stages = {s.key: s.name for s in policy.stages if Role.MANAGER in s.actor_roles}
    lines = [
        f"{change.at:%-d %b %Y}: the case reached {manager_stages[change.to_stage]}"
        for change in request.case.changes.filter(to_stage__in=manager_stages).order_by("sequence")
        if change.from_stage != change.to_stage
    ]
    managers = request.learner.team.managers.all()
    lines += [_contact_line(e) for e in _since_case(request).filter(author__in=managers)]
    return lines


def _employer_feedback(request: WithdrawalRequest) -> list[str]:
    lines = [
        _contact_line(e)
        for e in _since_case(request).filter(
            contact_with__in=(ContactWith.EMPLOYER, ContactWith.BOTH)
        )
    ]
    agreement = EmployerAgreement.objects.filter(request=request).first()
    if agreement is not None:
        lines.append(
            f"{agreement.agreed_on:%-d %b %Y}: {agreement.agreed_by_name} "
            f"({agreement.agreed_by_role}) agreed to the withdrawal "
            f"({agreement.get_method_display().lower()})"
        )
    return lines


def _participation_history(request: WithdrawalRequest) -> list[str]:
    learner = request.learner
    sessions = ScheduledSession.objects.filter(learner=learner).exclude(
        attendance=Attendance.CANCELLED
    )
    attended = sessions.filter(attendance=Attendance.ATTENDED).count()
    reviews = Visit.objects.filter(learner=learner, kind=VisitKind.REVIEW)
    held = reviews.filter(outcome=VisitOutcome.HELD).count()
    handed_in = Submission.objects.filter(learner=learner, outcome=SubmissionOutcome.SUBMITTED)
    progress = ProgressEvent.objects.filter(learner=learner)
    lines = [
        f"On programme since {learner.start_date:%-d %b %Y}",
        f"Sessions and classes attended: {attended} of {sessions.count()}",
        f"Progress reviews held: {held} of {reviews.count()}",
        f"Work handed in: {handed_in.count()}; progress recorded (tasks, OTJT hours, "
        f"evidence): {progress.count()}",
    ]
    days: list[dt.date] = [
        day
        for day in (
            sessions.filter(attendance=Attendance.ATTENDED)
            .order_by("-occurred_on")
            .values_list("occurred_on", flat=True)
            .first(),
            progress.order_by("-occurred_on").values_list("occurred_on", flat=True).first(),
            handed_in.order_by("-occurred_on").values_list("occurred_on", flat=True).first(),
        )
        if day
    ]
    if days:
        lines.append(f"Last recorded activity: {max(days):%-d %b %Y}")
    for pause in BreakInLearning.objects.filter(learner=learner).order_by("occurred_on"):
        back = f", returned {pause.returned_on:%-d %b %Y}" if pause.returned_on else ""
        lines.append(f"Break in learning from {pause.occurred_on:%-d %b %Y}{back}")
    return lines


READERS = {
    "tutor_input": _tutor_input,
    "manager_review": _manager_review,
    "employer_feedback": _employer_feedback,
    "participation_history": _participation_history,
}


def withdrawal_inputs(*, request: WithdrawalRequest) -> list[DecisionInput]:
    """Each input the case's version says the decision is informed by, read from the record
    (an input with no lines shows as "nothing recorded")."""
    informed_by = case_policy(request.case).withdrawal.informed_by
    return [
        DecisionInput(key, label, READERS[key](request))
        for key, label in informed_by.items()
        if key in READERS
    ]
