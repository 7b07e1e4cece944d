"""What happens to a learner's record and its escalation case together: rating, enrolment and a
support agreement. Every caller (the pages, the CSV imports and the import_records command,
seed_demo) uses these actions, so none can forget the case that follows.

Here, in escalation, because each crosses riskcases (the rating history, support records) and
escalation (opening or stepping down the case): this is the lowest app that sees both.
"""

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from escalation.models import CaseStatus, EscalationCase
from escalation.services import case_active, case_open, case_policy, case_step_down
from learners.models import Learner
from learners.policy_reading import learner_policy
from learners.services import learner_create
from riskcases.models import RiskFactor, RiskRating, SupportKind, SupportRecord
from riskcases.services import rating_change, rating_enrol, support_record_create


def _opens_case(learner: Learner, level: str) -> bool:
    # Policy (Aspiration, MTT: First risk identified): a case opens at the ratings the version
    # names as driving its ladder (none where an inactivity clock drives it, as BPN's).
    return level in learner_policy(learner=learner).drivers.rating_levels


def learner_rate(
    *,
    learner: Learner,
    level: str,
    reason: str,
    by: AbstractBaseUser,
    risk_factors: Iterable[RiskFactor] = (),
    submission_token: uuid.UUID | None = None,
) -> RiskRating:
    """Change the learner's rating (the old one end-dated, the new one opened, a contact-log
    entry of type "risk rating"), and at Medium or High open a case at the first stage, or join
    the case already active. A re-sent form (same ``submission_token``) changes nothing.

    Locks the learner's row (rating and case opening take turns per learner); raises
    ValidationError (keyed by ``level`` or ``reason``) or LearnerClosedError, writing nothing."""
    with transaction.atomic():
        rating = rating_change(
            learner=learner,
            level=level,
            reason=reason,
            set_by=by,
            risk_factors=risk_factors,
            submission_token=submission_token,
        )
        if _opens_case(learner, rating.level):
            case_open(
                learner=learner,
                by=by,
                reason=f"Rated {learner_policy(learner=learner).label(rating.level)}: "
                f"{rating.reason}",
            )
    return rating


def learner_enrolment_rate(
    *,
    learner: Learner,
    by: AbstractBaseUser,
    level: str,
    reason: str,
    start_factors: Sequence[RiskFactor] = (),
) -> RiskRating:
    """The start-of-programme rating of a learner just written (by the Enrol page through
    learner_enrol, or by a learners CSV import), and at Medium or High the case it opens.

    Locks the learner's row; raises ValidationError (keyed by ``level`` or ``start_factors``)."""
    rate = dict(learner=learner, set_by=by, level=level, reason=reason, start_factors=start_factors)
    if not _opens_case(learner, level):
        # Most learners start Low and open no case: rating_enrol's own transaction is all there
        # is (an import enrolling thousands saves a savepoint per learner).
        return rating_enrol(**rate)
    with transaction.atomic():
        rating = rating_enrol(**rate)
        case_open(learner=learner, by=by, reason=f"Start-of-programme risk: {rating.reason}")
    return rating


def learner_enrol(
    *,
    data: dict,
    by: AbstractBaseUser,
    level: str,
    reason: str,
    start_factors: Sequence[RiskFactor] = (),
) -> Learner:
    """Enrol a learner (``data``: the Learner's fields) with their start-of-programme rating,
    and at Medium or High the case it opens. All or nothing.

    Locks the new learner's row; raises ValidationError (the learner's fields, or ``level`` /
    ``start_factors``)."""
    with transaction.atomic():
        learner = learner_create(data=data)
        learner_enrolment_rate(
            learner=learner, by=by, level=level, reason=reason, start_factors=start_factors
        )
    return learner


@dataclass(frozen=True)
class SupportAgreed:
    record: SupportRecord
    stepped_down: EscalationCase | None  # the case the support contract stepped down


def support_agree(
    *,
    learner: Learner,
    by: AbstractBaseUser,
    kind: str,
    summary: str,
    agreed_on: dt.date,
    review_on: dt.date | None = None,
    shared_with_employer: bool = False,
    interventions: Iterable = (),
    actions: Sequence[dict] = (),
    submission_token: uuid.UUID | None = None,
) -> SupportAgreed:
    """Record a support plan, engagement contract or support contract with its agreed actions.
    Policy: success at any stage puts a support contract in place and steps the case down, so
    a support contract steps down the learner's open case, where its version has a step-down
    move from the case's stage.

    Locks the learner's row, then the case's; raises ValidationError or LearnerClosedError,
    writing nothing."""
    with transaction.atomic():
        record = support_record_create(
            learner=learner,
            created_by=by,
            kind=kind,
            summary=summary,
            agreed_on=agreed_on,
            review_on=review_on,
            shared_with_employer=shared_with_employer,
            interventions=interventions,
            actions=actions,
            submission_token=submission_token,
        )
        case = case_active(learner=learner)
        stepped = None
        if (
            record.kind == SupportKind.SUPPORT_CONTRACT
            and case is not None
            and case.status == CaseStatus.OPEN
            # Where the case's version has a contract step the case down (Makers' does not).
            and case_policy(case).moves_from(case.stage, kind="step_down")
        ):
            stepped = case_step_down(case=case, by=by, reason="Support contract agreed.")
    return SupportAgreed(record=record, stepped_down=stepped)
