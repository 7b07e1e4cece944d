"""What must be on the record before a move: a version's MoveRequirements checked against the
case, each unmet one said in words a tutor acts on ("Needs 3 contact attempts over 2 different
channels since Stage 2 began: 1 logged (phone)").

The facts are read once per case (a few queries, whatever the number of moves asked about), so
the case page can say what each of its moves still needs."""

from dataclasses import dataclass
from functools import cached_property

from escalation.models import CaseRecommendation, EscalationCase, StageReview
from escalation.services import case_policy, case_stage_notified
from policies.spec import Move
from riskcases.models import ContactLogEntry, ContactType, SupportKind

# A rating change or a staff discussion is written to the contact log but is no attempt to
# reach anyone.
NOT_CONTACT_ATTEMPTS = frozenset({ContactType.RISK_RATING, ContactType.CASE_DISCUSSION})


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@dataclass
class CaseFacts:
    """What the case's record holds for the requirements, read when first asked."""

    case: EscalationCase

    @cached_property
    def stage_name(self) -> str:
        return case_policy(self.case).stage(self.case.stage).name

    @cached_property
    def support_contract(self) -> bool:
        return self.case.learner.support_records.filter(
            kind=SupportKind.SUPPORT_CONTRACT, created_at__gte=self.case.opened_at
        ).exists()

    @cached_property
    def recommendation(self) -> CaseRecommendation | None:
        return (
            CaseRecommendation.objects.filter(
                case=self.case,
                stage_key=self.case.stage,
                at__gte=self.case.stage_started_at,
            )
            .order_by("-at", "-pk")
            .first()
        )

    @cached_property
    def reviews_held(self) -> int:
        """The stage's review meetings recorded since it began (placement visits logged as
        contacts are not reviews)."""
        return StageReview.objects.filter(
            case=self.case, stage_key=self.case.stage, recorded_at__gte=self.case.stage_started_at
        ).count()

    @cached_property
    def stage_notified(self) -> bool:
        return case_stage_notified(self.case)

    @cached_property
    def contact_types(self) -> list[str]:
        """The type of each contact-log entry since the stage began, oldest first."""
        return list(
            ContactLogEntry.objects.filter(
                learner_id=self.case.learner_id, occurred_at__gte=self.case.stage_started_at
            )
            .exclude(contact_type__in=NOT_CONTACT_ATTEMPTS)
            .order_by("occurred_at")
            .values_list("contact_type", flat=True)
        )

    def _channels_said(self) -> str:
        labels = dict(ContactType.choices)
        seen = dict.fromkeys(labels.get(kind, kind).lower() for kind in self.contact_types)
        return f" ({', '.join(seen)})" if seen else ""

    def unmet(self, move: Move) -> list[str]:
        """Each requirement of ``move`` the record does not yet meet, in words."""
        needs = move.requires
        since = f"since {self.stage_name} began"
        said = []
        if needs.support_contract and not self.support_contract:
            said.append("Needs a support contract agreed with the learner since the case opened.")
        said += self._recommendation_unmet(move, since)
        if needs.stage_notified and not self.stage_notified:
            said.append(
                f"{self.stage_name} has not been notified: send its letter, or record why it "
                "was not sent, before moving the case on."
            )
        attempts = len(self.contact_types)
        channels = len(set(self.contact_types))
        short_of_attempts = attempts < needs.contact_attempts
        short_of_channels = channels < needs.distinct_channels
        if short_of_attempts or short_of_channels:
            wanted = _plural(needs.contact_attempts, "contact attempt", "contact attempts")
            if needs.distinct_channels:
                wanted += f" over {needs.distinct_channels} different channels"
            logged = f"{attempts} logged" if attempts else "none logged"
            said.append(f"Needs {wanted} {since}: {logged}{self._channels_said()}.")
        if self.reviews_held < needs.review_meetings:
            wanted = _plural(needs.review_meetings, "review meeting", "review meetings")
            held = f"{self.reviews_held} recorded" if self.reviews_held else "none recorded"
            said.append(f"Needs {wanted} of {self.stage_name} {since}: {held}.")
        return said

    def _recommendation_unmet(self, move: Move, since: str) -> list[str]:
        needs = move.requires
        if not (needs.recommendation or needs.outcome or needs.recommendation_emailed):
            return []
        latest = self.recommendation
        if latest is None:
            wanted = (
                f"the recommendation '{needs.outcome}'" if needs.outcome else "a recommendation"
            )
            return [f"Needs {wanted} recorded {since}."]
        if needs.outcome and latest.outcome != needs.outcome:
            return [
                f"The recommendation recorded is '{latest.outcome}'; this move needs "
                f"'{needs.outcome}'."
            ]
        if needs.recommendation_emailed and latest.emailed_at is None:
            return ["Needs the recommendation's confirming e-mail sent."]
        return []
