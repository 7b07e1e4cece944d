"""Recording a stage's review meeting (Stage.review_meetings): what it recorded under each of
the stage's review points, whether the employer attended and, where the stage expects them and
they did not, the record e-mailed to the employer. The meeting is also a contact-log entry, so
the learner's log stays complete; placement visits logged as contacts do not count as reviews.
"""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from escalation.letter_sending import letter_addresses
from escalation.models import CaseStatus, EscalationCase, StageReview
from escalation.services import IllegalMove, case_policy
from learners.roles import roles_of
from notifications.email import email_enqueue
from policies.spec import Stage
from riskcases.models import ContactType, ContactWith, Direction, Outcome
from riskcases.services import contact_log

# The roles who record a review: those who act at the stage, and the learner's team's staff.
REVIEW_RECORDERS = frozenset({"tutor", "manager", "director"})


def case_may_record_review(*, user: AbstractBaseUser, case: EscalationCase) -> bool:
    stage = case_policy(case).stage(case.stage)
    if case.status != CaseStatus.OPEN or not stage.review_meetings:
        return False
    return user.is_superuser or bool(roles_of(user) & (REVIEW_RECORDERS | set(stage.actor_roles)))


def stage_reviews_held(*, case: EscalationCase) -> list[StageReview]:
    """The review meetings recorded at the case's stage since it began, oldest first, each with
    ``point_rows``: (point, what was said) in the stage's order (the database keeps the points
    as a mapping, whose order it does not keep)."""
    order = case_policy(case).stage(case.stage).review_points
    reviews = list(
        StageReview.objects.filter(
            case=case, stage_key=case.stage, recorded_at__gte=case.stage_started_at
        ).select_related("recorded_by")
    )
    for review in reviews:
        points = review.points if isinstance(review.points, dict) else {}
        ordered = [point for point in order if point in points]
        review.point_rows = [(p, points[p]) for p in ordered + sorted(set(points) - set(ordered))]
    return reviews


def review_record_text(stage: Stage, review_points: dict[str, str]) -> str:
    # In the stage's order, as the e-mail and the contact log show it.
    return "\n".join(f"{point}: {review_points[point]}" for point in stage.review_points)


def stage_review_record(
    *,
    case: EscalationCase,
    by: AbstractBaseUser,
    held_on: dt.date,
    points: dict[str, str],
    employer_attended: bool,
    expected_stage: str | None = None,
) -> StageReview:
    """Record one review meeting at the case's stage. Raises IllegalMove (the stage holds none,
    the person may not, the case moved on) or ValidationError keyed by ``held_on`` or the
    point's label. Locks the case row."""
    with transaction.atomic():
        case = (
            EscalationCase.objects.select_for_update(of=("self",))
            .select_related("learner__employer")
            .get(pk=case.pk)
        )
        if expected_stage is not None and case.stage != expected_stage:
            raise IllegalMove("The case has moved on since this page was loaded.")
        stage = case_policy(case).stage(case.stage)
        if not stage.review_meetings or case.status != CaseStatus.OPEN:
            raise IllegalMove(f"{stage.name} holds no review meetings.")
        if not case_may_record_review(user=by, case=case):
            raise IllegalMove(f"Your role does not record review meetings at {stage.name}.")
        errors = {}
        started = timezone.localdate(case.stage_started_at)
        if held_on > timezone.localdate():
            errors["held_on"] = "A review cannot be recorded before it is held."
        elif held_on < started:
            errors["held_on"] = f"{stage.name} began on {started:%d %b %Y}: a review is held after."
        said = {point: (points.get(point) or "").strip() for point in stage.review_points}
        for point, text in said.items():
            if not text:
                errors[point] = f'Record the {point.lower()} (write "none" if there were none).'
        if errors:
            raise ValidationError(errors)
        learner = case.learner
        record = review_record_text(stage, said)
        review = StageReview.objects.create(
            case=case,
            stage_key=case.stage,
            policy_version_id=case.policy_version_id,
            held_on=held_on,
            points=said,
            employer_attended=employer_attended,
            recorded_by=by,
            recorded_at=timezone.now(),
        )
        if stage.review_employer_expected and not employer_attended:
            review.record_sent_to = ", ".join(_record_to_employer(review, stage, record))
            review.save(update_fields=["record_sent_to"])
        occurred = timezone.make_aware(dt.datetime.combine(held_on, dt.time(12)))
        contact_log(
            learner=learner,
            author=by,
            occurred_at=min(occurred, timezone.now()),
            contact_type=ContactType.MEETING,
            contact_with=ContactWith.BOTH if employer_attended else ContactWith.LEARNER,
            direction=Direction.NONE,
            outcome=Outcome.RESPONDED,
            notes=f"{stage.name} review meeting, run by the apprentice.\n{record}",
        )
    return review


def _record_to_employer(review: StageReview, stage: Stage, record: str) -> list[str]:
    """The employer was expected and absent: the meeting went ahead and its record goes to
    them. Returns the addresses (none when the employer has no address on file)."""
    learner, held_on = review.case.learner, review.held_on
    addresses = [
        address
        for address in letter_addresses(learner=learner, to_employer=True)
        if address != learner.email
    ]
    for address in addresses:
        email_enqueue(
            to=address,
            subject=f"Record of {learner.full_name}'s {stage.name} review on {held_on:%d %b %Y}",
            body=(
                f"{learner.full_name}'s {stage.name} review meeting went ahead on "
                f"{held_on:%A %d %B %Y} without anyone from the employer, so here is its "
                f"record.\n\n{record}\n"
            ),
            dedupe_key=f"stage-review:{review.pk}:{address}",
        )
    return addresses
