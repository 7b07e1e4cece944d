"""The recommendation's confirming e-mail ("This recommendation is shared in the last meeting,
and a confirming email is followed, copying in the apprentice, line manager, client partner
..."): sent to the apprentice and the line manager (the workplace mentor, or the employer's
contact address), copying in the staff the stage names (Stage.recommendation_copied_to, in the
policy's words), logged as an e-mail contact, and marked on the recommendation so that a move
needing it (requires.recommendation_emailed) can see it. A stage whose outcome may end the
programme says how to appeal (the version's appeal window)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from escalation.letter_sending import letter_addresses
from escalation.models import CaseRecommendation
from escalation.recommendations import case_may_recommend
from escalation.services import IllegalMove, case_policy
from notifications.email import email_enqueue
from policies.spec import RECOMMENDS, PolicySpec, Stage
from riskcases.models import ContactType, ContactWith, Direction, Outcome
from riskcases.services import contact_log


def recommendation_email_text(
    *, recommendation: CaseRecommendation, policy: PolicySpec, stage: Stage, copied: str
) -> tuple[str, str]:
    """The e-mail's subject and body."""
    learner = recommendation.case.learner
    subject = f"{stage.name}: recommendation for {learner.full_name}"
    lines = [
        f"Dear {learner.first_name},",
        "",
        f"This confirms the recommendation shared at the last {stage.name} review meeting:",
        "",
        recommendation.outcome,
        "",
        f"Why: {recommendation.reason}",
    ]
    if stage.withdrawal_effect == RECOMMENDS:
        lines += [
            "",
            f"You or your employer may appeal against this outcome within "
            f"{policy.periods.appeal_working_days} working days, by writing to us and saying "
            "why. Your placement coach can tell you where to send it.",
        ]
    if copied:
        lines += ["", f"Copied to: {copied[0].upper()}{copied[1:]}."]
    return subject, "\n".join(lines) + "\n"


def case_recommendation_email(
    *, recommendation: CaseRecommendation, by: AbstractBaseUser
) -> CaseRecommendation:
    """Send the confirming e-mail once. Raises IllegalMove when it was sent already, the case
    has moved on from the recommendation's stage, or the person may not."""
    with transaction.atomic():
        recommendation = (
            CaseRecommendation.objects.select_for_update(of=("self",))
            .select_related("case__learner__employer")
            .get(pk=recommendation.pk)
        )
        case = recommendation.case
        if recommendation.emailed_at is not None:
            raise IllegalMove("The confirming e-mail has been sent already.")
        if case.stage != recommendation.stage_key or not case_may_recommend(user=by, case=case):
            raise IllegalMove("Only those who recommend at the stage, while it lasts, send it.")
        policy = case_policy(case)
        stage = policy.stage(recommendation.stage_key)
        learner = case.learner
        copied = stage.recommendation_copied_for(learner.nation)
        subject, body = recommendation_email_text(
            recommendation=recommendation, policy=policy, stage=stage, copied=copied
        )
        addresses = letter_addresses(learner=learner, to_employer=True)
        for address in addresses:
            email_enqueue(
                to=address,
                subject=subject,
                body=body,
                dedupe_key=f"recommendation:{recommendation.pk}:{address}",
            )
        now = timezone.now()
        contact_log(
            learner=learner,
            author=by,
            occurred_at=now,
            contact_type=ContactType.EMAIL,
            contact_with=ContactWith.BOTH if learner.employer_id else ContactWith.LEARNER,
            direction=Direction.OUTBOUND,
            outcome=Outcome.NOT_APPLICABLE,
            notes=f"{subject}\n\n{body}",
        )
        recommendation.emailed_at, recommendation.emailed_by = now, by
        recommendation.emailed_to = "; ".join(
            [", ".join(addresses) or "no e-mail address held", *([copied] if copied else [])]
        )
        recommendation.save(update_fields=["emailed_at", "emailed_by", "emailed_to"])
    return recommendation
